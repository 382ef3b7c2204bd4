/**
 * Reading a table in one pass into cells (the CSV parser, the cells and their accumulation), without
 * the estimators: the surface of the worker thread that reads half of a large file, which then loads
 * a fraction of the analysis code (io/csv-cells-worker.ts).
 */
export { ColumnarCsvParser, csvHeader, type ColumnRole } from '../csv-reader.js';
export { accumulateCells, CellSet, CellsRefused, concatCells, type CellData, type CellDesign, type CellItem } from '../cells.js';
export type { Column, DataTable } from '../table.js';

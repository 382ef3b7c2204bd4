import {
  accumulateCells,
  CellSet,
  type CellData,
  type CellDesign,
  type CellItem,
  type Column,
  type ColumnRole,
  type DataTable,
} from '../analysis/stream/index.js';
import { openBinaryTable, toColumn } from './read-table.js';

/**
 * A Stata .dta or SPSS .sav file reduced to the cells of several estimates (analysis/cells.ts) in one
 * pass over its data, chunk by chunk: memory is that of a chunk and the cells, not of the columns. Null
 * when the file must be read row by row (a column it lacks, anything the cells refuse): that path then
 * says what is wrong.
 */
export async function binaryCells(
  file: string,
  format: 'dta' | 'sav',
  roles: ReadonlyMap<string, ColumnRole>,
  design: CellDesign,
  items: CellItem[],
): Promise<{ cells: CellData[]; rows: number } | null> {
  const refuse = (why: string) => {
    if (process.env.MDSURVEY_DEBUG) process.stderr.write(`mdsurvey: reading ${file} row by row: ${why}\n`);
    return null;
  };
  try {
    const source = await openBinaryTable(file, format);
    try {
      if (!source.forEachChunk) return refuse('the format is not read by chunks');
      const names = [...roles.keys()];
      if (names.some((n) => !source.names.includes(n))) return refuse('a column is missing');
      const sets = items.map((i) => new CellSet(i.by.length));
      source.forEachChunk(names, (r0, r1, columns) => {
        const piece: DataTable = {
          nRows: r1 - r0,
          columns: new Map<string, Column>(columns.map((c, j) => [names[j], toColumn(names[j], c, roles.get(names[j])!, file)])),
        };
        items.forEach((item, k) => accumulateCells(piece, design, item, sets[k]));
      });
      return { cells: sets.map((s) => s.data), rows: source.nRows };
    } finally {
      source.close();
    }
  } catch (err) {
    return refuse((err as Error).message);
  }
}

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
import { openDta } from './stata.js';
import { toColumn } from './read-table.js';

/**
 * A Stata .dta file reduced to the cells of several estimates (analysis/cells.ts) in one pass over its
 * data, chunk by chunk (io/stata.ts): memory is that of a chunk and the cells, not of the columns. Null
 * when the file must be read row by row (a column it lacks, anything the cells refuse): that path then
 * says what is wrong.
 */
export function dtaCells(
  file: string,
  roles: ReadonlyMap<string, ColumnRole>,
  design: CellDesign,
  items: CellItem[],
): { cells: CellData[]; rows: number } | null {
  const refuse = (why: string) => {
    if (process.env.MDSURVEY_DEBUG) process.stderr.write(`mdsurvey: reading ${file} row by row: ${why}\n`);
    return null;
  };
  try {
    const dta = openDta(file);
    try {
      const names = [...roles.keys()];
      if (names.some((n) => !dta.names.includes(n))) return refuse('a column is missing');
      const sets = items.map((i) => new CellSet(i.by.length));
      dta.forEachChunk(names, (r0, r1, columns) => {
        const piece: DataTable = {
          nRows: r1 - r0,
          columns: new Map<string, Column>(
            columns.map((c) => [
              c.name,
              toColumn(
                c.name,
                c.kind === 'number' ? { kind: 'number', values: c.values, labels: c.valueLabels } : { kind: 'string', values: c.values },
                roles.get(c.name)!,
                file,
              ),
            ]),
          ),
        };
        items.forEach((item, k) => accumulateCells(piece, design, item, sets[k]));
      });
      return { cells: sets.map((s) => s.data), rows: dta.nRows };
    } finally {
      dta.close();
    }
  } catch (err) {
    return refuse((err as Error).message);
  }
}

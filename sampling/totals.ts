import { parse } from 'csv-parse/sync';
import { InputError } from '../common/errors.js';
import type { Margin } from '../analysis/index.js';

/**
 * A margin's population totals from CSV text: a header, then `category,total` rows (the file of
 * `mdsurvey weights --poststratify COL=totals.csv`, or the upload of the weights page). Every bad row
 * is named with its row number; `source` names the file in messages.
 */
export function parseTotalsCsv(text: string | Uint8Array, variable: string, source: string): Margin {
  let rows: string[][];
  try {
    rows = parse(text, { skip_empty_lines: true, trim: true, bom: true, relax_column_count: true }) as string[][];
  } catch (err) {
    throw new InputError('bad-total', `${source} is not a readable CSV: ${(err as Error).message}`, source);
  }
  const totals = new Map<string, number>();
  rows.slice(1).forEach((r, k) => {
    const t = Number(r[1]);
    if (r.length < 2 || r[1] === '' || !Number.isFinite(t) || t < 0)
      throw new InputError('bad-total', `${source} row ${k + 2}: the total of "${r[0]}" must be a non-negative number`, `${source} row ${k + 2}`);
    if (totals.has(r[0])) throw new InputError('bad-total', `${source} row ${k + 2}: category "${r[0]}" appears twice`, `${source} row ${k + 2}`);
    totals.set(r[0], t);
  });
  if (totals.size === 0) throw new InputError('bad-total', `${source} has no totals (expected a header and rows category,total)`, source);
  return { variable, totals };
}

import { stringify } from 'csv-stringify/sync';
import { ColumnarCsvParser, csvHeader, type ColumnRole, type DataTable } from '../../analysis/index.js';
import { parseSampleDesign, selectSample } from '../../sampling/index.js';
import { InputError } from '../../common/errors.js';

/** A CSV text as the CLI reads a file: every column a category (spelling kept), the named ones numbers. */
export function tableOf(csv: string, numbers: string[]): DataTable {
  const bytes = new TextEncoder().encode(csv);
  const header = csvHeader(bytes);
  const roles = new Map<string, ColumnRole>(header.filter(Boolean).map((h) => [h, numbers.includes(h) ? 'number' : 'category']));
  const parser = new ColumnarCsvParser(roles);
  parser.push(Buffer.from(bytes));
  return parser.finish();
}

/**
 * `mdsurvey sample select` on the server: the first stage from a frame (EAs by PPS or SRS within
 * strata), or the second from the listing of the drawn EAs (households by screening status and quota),
 * reproducibly from the seed; the same code and the same results as the CLI.
 */
export function drawSample(b: { design: unknown; frame: string; listing?: string; seed: number }) {
  const design = parseSampleDesign(b.design, 'design');
  const first = design.stages[0];
  const frame = tableOf(b.frame, first.size ? [first.size] : []);
  const listing = b.listing ? tableOf(b.listing, []) : undefined;
  const selection = selectSample(design, frame, b.seed, listing);
  if (selection.rows.length === 0) throw new InputError('empty-sample', 'nothing was selected');
  const columns = Object.keys(selection.rows[0]);
  return {
    stage: design.stages.length === 2 && listing ? 'households' : 'first stage',
    selected: selection.rows.length,
    csv: stringify(selection.rows, { header: true, columns }),
    strata: selection.strata,
    shortfalls: selection.clusters.filter((c) => c.shortfalls.length).map((c) => ({ cluster: c.cluster, shortfalls: c.shortfalls })),
    unlisted: selection.unlisted,
  };
}

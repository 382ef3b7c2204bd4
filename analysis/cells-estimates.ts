import { InputError } from '../common/errors.js';
import { buildDesign, designDf } from './design.js';
import { designEffect, estimate, type Estimate } from './estimators.js';
import { type CategoricalColumn, type Column, type DataTable } from './table.js';
import { CellsRefused, type CellData, type CellDesign, type CellItem } from './cells.js';

/** The design's outline from cells: rows, strata, PSUs, degrees of freedom (as designSummary of the rows). */
export interface CellsOutline {
  rows: number;
  strata: number;
  psus: number;
  df: number;
  insideRows: number;
}

const STRATUM = '\u0000stratum';
const PSU = '\u0000psu';
const WEIGHT = '\u0000w';
const VALUE = '\u0000y';

/**
 * The estimates of one item from its cells, equal to `estimate` on the rows (the statistic of every
 * domain of the item, in sorted level order). An InputError of the design (a lonely PSU, a PSU in two
 * strata) is CellsRefused: the row-by-row path words it with the row it is on.
 */
export function estimatesFromCells(
  data: CellData,
  design: CellDesign,
  item: CellItem,
  statistic: 'mean' | 'total',
  level?: number,
): { estimates: Estimate[]; outline: CellsOutline } {
  const nCells = data.rows.length;
  if (nCells === 0) throw new CellsRefused('no rows');
  const k = 2 + data.byCount;
  const keyColumn = (name: string, j: number): CategoricalColumn => {
    const codes = new Int32Array(nCells);
    for (let c = 0; c < nCells; c++) codes[c] = data.codes[c * k + j];
    return { kind: 'category', name, codes, levels: data.levels[j] };
  };
  const columns = new Map<string, Column>();
  if (design.strata) columns.set(STRATUM, keyColumn(STRATUM, 0));
  columns.set(PSU, keyColumn(PSU, 1));
  item.by.forEach((b, j) => columns.set(b, keyColumn(b, 2 + j)));
  columns.set(WEIGHT, { kind: 'number', name: WEIGHT, values: data.weight });
  const values = data.mean.slice();
  for (let c = 0; c < nCells; c++) if (data.missing[c]) values[c] = NaN;
  columns.set(VALUE, { kind: 'number', name: VALUE, values });
  const table: DataTable = { nRows: nCells, columns };
  const inside = data.inside;
  let estimates: Estimate[];
  let df: number;
  let strata: number;
  let psus: number;
  try {
    const d = buildDesign(table, {
      weights: WEIGHT,
      strata: design.strata ? STRATUM : undefined,
      ids: [PSU],
      nest: design.nest,
      lonelyPsu: design.lonelyPsu,
    });
    estimates = estimate(d, table, {
      means: statistic === 'mean' ? [VALUE] : [],
      totals: statistic === 'total' ? [VALUE] : [],
      by: [...item.by],
      subset: item.subset ? inside : null,
      level,
    });
    df = designDf(d);
    strata = d.strataLabels.length;
    psus = d.psuLabels.length;
  } catch (err) {
    if (err instanceof InputError) throw new CellsRefused(err.message);
    throw err;
  }
  // Counts, missing values and the design effect from the rows behind the cells, domain by domain (a
  // domain as one number: its by-columns' codes in the cell table, mixed radix).
  const byColumns = item.by.map((b) => columns.get(b) as CategoricalColumn);
  const domainOfCells = new Float64Array(nCells);
  for (const col of byColumns) {
    const radix = col.levels.length + 1;
    for (let c = 0; c < nCells; c++) domainOfCells[c] = domainOfCells[c] * radix + col.codes[c] + 1;
  }
  const domainOfEstimate = (e: Estimate) =>
    byColumns.reduce((key, col, j) => key * (col.levels.length + 1) + col.levels.indexOf(e.domain?.[item.by[j]] ?? '\u0000') + 1, 0);
  const byDomain = new Map<number, { count: number; missing: number; weight: number; mean: number; m2: number }>();
  for (const e of estimates) {
    e.variable = item.variable;
    byDomain.set(domainOfEstimate(e), { count: 0, missing: 0, weight: 0, mean: 0, m2: 0 });
  }
  let rows = 0;
  let insideRows = 0;
  for (let c = 0; c < nCells; c++) {
    rows += data.rows[c];
    if (item.subset && !data.inside[c]) continue;
    insideRows += data.rows[c];
    const s = byDomain.get(domainOfCells[c]);
    if (!s) continue;
    if (data.missing[c]) {
      s.missing += data.rows[c];
      continue;
    }
    s.count += data.nonzero[c];
    const W = data.weight[c];
    if (W === 0) continue;
    const total = s.weight + W;
    const delta = data.mean[c] - s.mean;
    s.mean += (delta * W) / total;
    s.m2 += data.m2[c] + (delta * delta * s.weight * W) / total;
    s.weight = total;
  }
  for (const e of estimates) {
    const s = byDomain.get(domainOfEstimate(e))!;
    e.n = s.count;
    e.missing = s.missing;
    e.deff = designEffect(e.statistic, e.se * e.se, ((s.m2 / s.weight) * s.count) / (s.count - 1), s.weight, s.count);
  }
  return { estimates, outline: { rows, strata, psus, df, insideRows } };
}

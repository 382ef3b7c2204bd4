import { InputError } from '../common/errors.js';
import type { SurveyDesign } from './design.js';
import { covarianceOf, dfOf, linearisedMean, linearisedTotal, summarise, type Domain, type Estimate } from './estimators.js';
import { pChisq, pF } from './distributions.js';
import { multiply, residualise, solve, trace, transpose, zeros, type Matrix } from './linalg.js';
import { categoricalColumn, sortedLevelOrder, type DataTable } from './table.js';

/** One cell of a weighted two-way table. */
export interface TableCell {
  row: string;
  col: string;
  /** Unweighted rows in the cell. */
  n: number;
  /** Weighted count (estimated population total) with se and interval. */
  count: Estimate;
  /** Share of the whole table. */
  proportion: Estimate;
  /** Share within the row (the column distribution of the row's domain). */
  rowProportion: Estimate;
}

/** Rao-Scott tests of independence (R svychisq). */
export interface RaoScottTest {
  method: 'rao-scott-f';
  /** Second-order corrected F (R's default statistic "F"). */
  f: number;
  ndf: number;
  ddf: number;
  p: number;
  /** Pearson X2 on the weighted table scaled to the sample size, and its first-order corrected p value. */
  chisq: { statistic: number; df: number; p: number; method: 'rao-scott-first-order' };
  /** Design-based Wald test of association (R svychisq statistic "Wald"): F = W / ndf on (ndf, nu). */
  wald: WaldTest;
  /** The adjusted Wald test (R "adjWald"): F = W (nu - ndf + 1) / (ndf nu) on (ndf, nu - ndf + 1). */
  adjWald: WaldTest;
}

/** A Wald F test: statistic, numerator and denominator df, p. */
export interface WaldTest {
  f: number;
  ndf: number;
  ddf: number;
  p: number;
}

/**
 * The Wald tests of association of R's svychisq (statistic "Wald" and "adjWald"): the estimated cell
 * totals minus their values under independence (N_i. N_.j / N), for the cells outside the first row and
 * column, with their design-based covariance through the delta method (the Jacobian of those
 * differences in the cell, row, column and grand totals), W = Y' V^-1 Y.
 */
function waldTests(
  design: SurveyDesign,
  scope: Domain,
  cellY: Float64Array[],
  rowY: Float64Array[],
  colY: Float64Array[],
  oneY: Float64Array,
  nu: number,
): { wald: WaldTest; adjWald: WaldTest } {
  const R = rowY.length;
  const C = colY.length;
  const K = R * C;
  const M = K + R + C + 1;
  const lins = [...cellY, ...rowY, ...colY, oneY].map((y) => linearisedTotal(design, y, scope));
  const cov = covarianceOf(design, lins);
  const tot = lins.map((l) => l.estimate);
  const N = tot[M - 1];
  const J = zeros(K, M);
  const Y = new Float64Array(K);
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < R; r++) {
      const k = c * R + r;
      const rowT = tot[K + r];
      const colT = tot[K + R + c];
      J.data[k * M + k] = 1;
      J.data[k * M + K + r] = -colT / N;
      J.data[k * M + K + R + c] = -rowT / N;
      J.data[k * M + M - 1] = (rowT * colT) / (N * N);
      Y[k] = tot[k] - (rowT * colT) / N;
    }
  }
  const V = multiply(multiply(J, { rows: M, cols: M, data: cov.values }), transpose(J));
  // The cells outside the first row and column, in R's order (columns outer, rows inner).
  const use: number[] = [];
  for (let c = 1; c < C; c++) for (let r = 1; r < R; r++) use.push(c * R + r);
  const u = use.length;
  const Vu = zeros(u, u);
  const Yu = zeros(u, 1);
  use.forEach((a, i) => {
    Yu.data[i] = Y[a];
    use.forEach((b, j) => (Vu.data[i * u + j] = V.data[a * K + b]));
  });
  const x = solve(Vu, Yu);
  let w = 0;
  for (let i = 0; i < u; i++) w += Yu.data[i] * x.data[i];
  const ndf = (R - 1) * (C - 1);
  const adjDdf = nu - ndf + 1;
  const fWald = w / ndf;
  const fAdj = (w * adjDdf) / (ndf * nu);
  return {
    wald: { f: fWald, ndf, ddf: nu, p: pF(fWald, ndf, nu) },
    adjWald: { f: fAdj, ndf, ddf: adjDdf, p: pF(fAdj, ndf, adjDdf) },
  };
}

export interface Tabulation {
  rows: string;
  cols: string;
  rowLevels: string[];
  colLevels: string[];
  cells: TableCell[];
  /** Unweighted rows used (both variables present, in the subset). */
  n: number;
  test: RaoScottTest;
}

/** Weighted cross-tabulation of two categorical columns with the Rao-Scott first- and second-order tests. */
export function tabulate(design: SurveyDesign, table: DataTable, request: { rows: string; cols: string; subset?: Uint8Array | null }): Tabulation {
  const n = table.nRows;
  const subset = request.subset ?? null;
  const rc = categoricalColumn(table, request.rows, 'rows');
  const cc = categoricalColumn(table, request.cols, 'cols');
  const inScope = new Uint8Array(n);
  let nScope = 0;
  const rowPresent = new Set<number>();
  const colPresent = new Set<number>();
  let nUsed = 0;
  for (let i = 0; i < n; i++) {
    if (subset && !subset[i]) continue;
    inScope[i] = 1;
    nScope++;
    if (rc.codes[i] < 0 || cc.codes[i] < 0) continue;
    rowPresent.add(rc.codes[i]);
    colPresent.add(cc.codes[i]);
    nUsed++;
  }
  const rowLevels = sortedLevelOrder(rc.levels).filter((l) => rowPresent.has(l));
  const colLevels = sortedLevelOrder(cc.levels).filter((l) => colPresent.has(l));
  const R = rowLevels.length;
  const C = colLevels.length;
  if (R < 2 || C < 2) {
    throw new InputError(
      'table-too-small',
      `a two-way table needs at least two levels of each variable; "${request.rows}" has ${R} and "${request.cols}" has ${C}`,
    );
  }

  // Cell indicators in R's order: row level varies fastest (interaction(rows, cols)).
  const cellY: Float64Array[] = [];
  const cellCounts: number[] = [];
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < R; r++) {
      const y = new Float64Array(n);
      let count = 0;
      for (let i = 0; i < n; i++) {
        if (rc.codes[i] < 0 || cc.codes[i] < 0) y[i] = NaN;
        else if (rc.codes[i] === rowLevels[r] && cc.codes[i] === colLevels[c]) {
          y[i] = 1;
          if (inScope[i]) count++;
        }
      }
      cellY.push(y);
      cellCounts.push(count);
    }
  }
  const scope = { rows: inScope, labels: null };
  const means = cellY.map((y) => linearisedMean(design, y, scope));
  const p = means.map((m) => m.estimate);
  const K = R * C;
  const cov = covarianceOf(design, means);
  const V: Matrix = { rows: K, cols: K, data: cov.values };

  // Pearson X2 on the weighted table scaled to N rows (R: svytable(..., Ntotal = N)); N counts every row in scope.
  const N = nScope;
  const pr = new Float64Array(R);
  const pc = new Float64Array(C);
  for (let c = 0; c < C; c++)
    for (let r = 0; r < R; r++) {
      pr[r] += p[c * R + r];
      pc[c] += p[c * R + r];
    }
  let x2 = 0;
  for (let c = 0; c < C; c++)
    for (let r = 0; r < R; r++) {
      const e = pr[r] * pc[c];
      x2 += (N * (p[c * R + r] - e) ** 2) / e;
    }

  // Delta = (C' D^-1 C / N)^-1 (C' D^-1 V D^-1 C), C: interaction contrasts residualised on the main effects.
  const x1 = zeros(K, R + C - 1);
  const inter = zeros(K, (R - 1) * (C - 1));
  for (let c = 0; c < C; c++) {
    for (let r = 0; r < R; r++) {
      const k = c * R + r;
      x1.data[k * x1.cols] = 1;
      if (r > 0) x1.data[k * x1.cols + r] = 1;
      if (c > 0) x1.data[k * x1.cols + R - 1 + c] = 1;
      if (r > 0 && c > 0) inter.data[k * inter.cols + (c - 1) * (R - 1) + (r - 1)] = 1;
    }
  }
  const Cm = residualise(x1, inter);
  const iD = zeros(K, K);
  for (let k = 0; k < K; k++) iD.data[k * K + k] = p[k] === 0 ? 0 : 1 / p[k];
  const Ct = transpose(Cm);
  const denom = multiply(multiply(Ct, iD), Cm);
  for (let i = 0; i < denom.data.length; i++) denom.data[i] /= N;
  const numr = multiply(multiply(multiply(multiply(Ct, iD), V), iD), Cm);
  const delta = solve(denom, numr);
  const tr = trace(delta);
  const tr2 = trace(multiply(delta, delta));
  const d0 = (tr * tr) / tr2;
  const nu = dfOf(design, inScope);
  const f = x2 / tr;
  const dfChisq = (R - 1) * (C - 1);

  // Row, column and grand-total indicators for the Wald tests (missing where either variable is, as R's na.rm).
  const indicator = (test: (i: number) => boolean) => {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) y[i] = rc.codes[i] < 0 || cc.codes[i] < 0 ? NaN : test(i) ? 1 : 0;
    return y;
  };
  const { wald, adjWald } = waldTests(
    design,
    scope,
    cellY,
    rowLevels.map((l) => indicator((i) => rc.codes[i] === l)),
    colLevels.map((l) => indicator((i) => cc.codes[i] === l)),
    indicator(() => true),
    nu,
  );

  // Cells: weighted counts, shares of the table and shares within rows.
  const cells: TableCell[] = [];
  for (let r = 0; r < R; r++) {
    const rowRows = new Uint8Array(n);
    for (let i = 0; i < n; i++) rowRows[i] = inScope[i] && rc.codes[i] === rowLevels[r] ? 1 : 0;
    for (let c = 0; c < C; c++) {
      const k = c * R + r;
      const row = rc.levels[rowLevels[r]];
      const col = cc.levels[colLevels[c]];
      const what = { variable: `${request.rows} x ${request.cols}`, level: `${row} | ${col}`, domain: null };
      cells.push({
        row,
        col,
        n: cellCounts[k],
        count: summarise(design, linearisedTotal(design, cellY[k], scope), { ...what, statistic: 'total' }),
        proportion: summarise(design, means[k], { ...what, statistic: 'proportion' }),
        rowProportion: summarise(design, linearisedMean(design, cellY[k], { rows: rowRows, labels: null }), {
          ...what,
          statistic: 'proportion',
          domain: { [request.rows]: row },
        }),
      });
    }
  }
  return {
    rows: request.rows,
    cols: request.cols,
    rowLevels: rowLevels.map((l) => rc.levels[l]),
    colLevels: colLevels.map((l) => cc.levels[l]),
    cells,
    n: nUsed,
    test: {
      method: 'rao-scott-f',
      f,
      ndf: d0,
      ddf: d0 * nu,
      p: pF(f, d0, d0 * nu),
      chisq: { statistic: x2, df: dfChisq, p: pChisq(x2 / (tr / dfChisq), dfChisq), method: 'rao-scott-first-order' },
      wald,
      adjWald,
    },
  };
}

import { InputError } from '../common/errors.js';
import type { SurveyDesign } from './design.js';
import { quantileEstimate } from './quantile.js';
import { qbeta, qt } from './distributions.js';
import { categoricalColumn, getColumn, numericColumn, sortedLevelOrder, type DataTable } from './table.js';

import type { CiMethod, Domain, Estimate, Linearised, Statistic } from './domain.js';
import { dfOf, linearisedMean, linearisedRatio, linearisedTotal, varianceOf } from './linearisation.js';
export type { CiMethod, Domain, Estimate, Linearised, Statistic } from './domain.js';
export { covarianceOf, dfOf, linearisedMean, linearisedRatio, linearisedTotal, residualised, varianceOf } from './linearisation.js';

export interface SummaryOptions {
  level?: number;
  ciMethod?: CiMethod;
}

/** Turns a linearised estimate into the reported figures: se, t interval with the domain's df, deff, cv. */
export function summarise(
  design: SurveyDesign,
  lin: Linearised,
  what: { statistic: Statistic; variable: string; level: string | null; domain: Record<string, string> | null },
  options: SummaryOptions = {},
): Estimate {
  const variance = varianceOf(design, lin);
  const se = Math.sqrt(variance);
  const df = dfOf(design, lin.used);
  const level = options.level ?? 0.95;
  const alpha = 1 - level;
  let ci: [number, number];
  let ciMethod: CiMethod = 't';
  if (options.ciMethod === 'korn-graubard' && (what.statistic === 'proportion' || what.statistic === 'mean')) {
    ci = kornGraubard(lin.estimate, variance, lin.n, df, alpha);
    ciMethod = 'korn-graubard';
  } else {
    const q = qt(1 - alpha / 2, df);
    ci = [lin.estimate - q * se, lin.estimate + q * se];
  }
  const deff = designEffect(what.statistic, variance, lin.elementVariance, lin.weightSum, lin.n);
  return {
    ...what,
    estimate: lin.estimate,
    se,
    ci,
    ciMethod,
    df,
    n: lin.n,
    missing: lin.missing,
    deff,
    cv: lin.estimate !== 0 ? se / Math.abs(lin.estimate) : null,
  };
}

/**
 * Kish's design effect of a mean or total (R's deff = TRUE): the variance over that of a simple random
 * sample of the same size without replacement, from the element variance of the rows used (their
 * count n and weight sum N); null for a ratio or when it is undefined.
 */
export function designEffect(statistic: Statistic, variance: number, elementVariance: number, weightSum: number, n: number): number | null {
  if (statistic === 'ratio' || !(weightSum >= n && n > 1)) return null;
  const vsrsMean = (elementVariance * (weightSum - n)) / (weightSum * n);
  const vsrs = statistic === 'total' ? vsrsMean * weightSum * weightSum : vsrsMean;
  return vsrs > 0 ? variance / vsrs : null;
}

/** Korn-Graubard (R svyciprop method="beta") interval for a proportion. */
export function kornGraubard(p: number, variance: number, n: number, df: number, alpha: number): [number, number] {
  let nEff = (p * (1 - p)) / variance;
  nEff *= (qt(alpha / 2, n - 1) / qt(alpha / 2, df)) ** 2;
  return [qbeta(alpha / 2, nEff * p, nEff * (1 - p) + 1), qbeta(1 - alpha / 2, nEff * p + 1, nEff * (1 - p))];
}

/** What `estimate` computes. */
export interface EstimateRequest {
  means?: string[];
  totals?: string[];
  ratios?: { numerator: string; denominator: string }[];
  /** Domains: one estimate per combination of levels of these columns. */
  by?: string[];
  /** Rows of the subpopulation (the full design is kept). */
  subset?: Uint8Array | null;
  level?: number;
  /** Interval for proportions: t (default) or Korn-Graubard. */
  proportionCi?: 't' | 'korn-graubard';
  /** Quantiles: columns and probabilities (Woodruff intervals). */
  quantiles?: { variables: string[]; probabilities: number[] };
}

/** Domains from the by-columns, in sorted level order, intersected with the subset; rows missing a by-value are in none. */
export function domainsOf(table: DataTable, by: readonly string[] | undefined, subset: Uint8Array | null | undefined): Domain[] {
  const n = table.nRows;
  if (!by || by.length === 0) return [{ rows: subset ?? null, labels: null }];
  const cols = by.map((b) => categoricalColumn(table, b, 'by'));
  // One integer per combination of levels (mixed radix): no per-row strings or arrays.
  const radix = cols.map((c) => c.levels.length);
  const cell = new Int32Array(n);
  const seen = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    if (subset && !subset[i]) {
      cell[i] = -1;
      continue;
    }
    let key = 0;
    for (let j = 0; j < cols.length; j++) {
      const c = cols[j].codes[i];
      if (c < 0) {
        key = -1;
        break;
      }
      key = key * radix[j] + c;
    }
    cell[i] = key;
    if (key >= 0 && !seen.has(key)) seen.set(key, seen.size);
  }
  const codesOf = (key: number): number[] => {
    const out = new Array<number>(cols.length);
    for (let j = cols.length - 1; j >= 0; j--) {
      out[j] = key % radix[j];
      key = Math.floor(key / radix[j]);
    }
    return out;
  };
  const ranks = cols.map((c) => {
    const rank = new Int32Array(c.levels.length);
    sortedLevelOrder(c.levels).forEach((lvl, r) => (rank[lvl] = r));
    return rank;
  });
  const keys = [...seen.keys()].sort((a, b) => {
    const ca = codesOf(a);
    const cb = codesOf(b);
    for (let j = 0; j < cols.length; j++) {
      const d = ranks[j][ca[j]] - ranks[j][cb[j]];
      if (d !== 0) return d;
    }
    return 0;
  });
  return keys.map((key) => {
    const rows = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (cell[i] === key) rows[i] = 1;
    const codes = codesOf(key);
    return { rows, labels: Object.fromEntries(by.map((b, j) => [b, cols[j].levels[codes[j]]])) };
  });
}

/** Means, proportions, totals and ratios, for the whole population or each domain. */
export function estimate(design: SurveyDesign, table: DataTable, request: EstimateRequest): Estimate[] {
  const out: Estimate[] = [];
  const domains = domainsOf(table, request.by, request.subset);
  const opts = { level: request.level };
  const variables = [
    ...(request.means ?? []).map((v) => ({ v, stat: 'mean' as const })),
    ...(request.totals ?? []).map((v) => ({ v, stat: 'total' as const })),
  ];
  if (variables.length === 0 && !(request.ratios ?? []).length && !request.quantiles?.variables.length)
    throw new InputError('nothing-to-estimate', 'say what to estimate: a mean, a total or a ratio');
  for (const { v, stat } of variables) {
    const col = getColumn(table, v, stat);
    if (col.kind === 'number') {
      // A numeric 0/1 column is a proportion: the Korn-Graubard interval applies, as R's svyciprop takes
      // it; on any other numeric column the request cannot be honoured, and is refused rather than ignored.
      let kg = false;
      if (stat === 'mean' && request.proportionCi === 'korn-graubard') {
        const bad = col.values.findIndex((x) => !Number.isNaN(x) && x !== 0 && x !== 1);
        if (bad >= 0)
          throw new InputError(
            'not-a-proportion',
            `--proportion-ci korn-graubard needs a 0/1 or categorical column; "${v}" has ${col.values[bad]} in row ${bad + 1}`,
            `row ${bad + 1}, column ${v}`,
          );
        kg = true;
      }
      for (const d of domains) {
        const lin = stat === 'mean' ? linearisedMean(design, col.values, d) : linearisedTotal(design, col.values, d);
        out.push(summarise(design, lin, { statistic: stat, variable: v, level: null, domain: d.labels }, kg ? { ...opts, ciMethod: 'korn-graubard' } : opts));
      }
      continue;
    }
    // A categorical variable: one 0/1 indicator per level (R: svymean/svytotal on a factor).
    const order = sortedLevelOrder(col.levels);
    for (const d of domains) {
      for (const lvl of order) {
        const y = new Float64Array(table.nRows);
        for (let i = 0; i < y.length; i++) y[i] = col.codes[i] < 0 ? NaN : col.codes[i] === lvl ? 1 : 0;
        const lin = stat === 'mean' ? linearisedMean(design, y, d) : linearisedTotal(design, y, d);
        out.push(
          summarise(
            design,
            lin,
            { statistic: stat === 'mean' ? 'proportion' : 'total', variable: v, level: col.levels[lvl], domain: d.labels },
            {
              ...opts,
              ciMethod: stat === 'mean' && request.proportionCi === 'korn-graubard' ? 'korn-graubard' : 't',
            },
          ),
        );
      }
    }
  }
  for (const v of request.quantiles?.variables ?? []) {
    const y = numericColumn(table, v, 'quantile');
    for (const d of domains) for (const p of request.quantiles!.probabilities) out.push(quantileEstimate(design, y, d, p, v, request.level));
  }
  for (const { numerator, denominator } of request.ratios ?? []) {
    const y = numericColumn(table, numerator, 'ratio numerator');
    const x = numericColumn(table, denominator, 'ratio denominator');
    for (const d of domains) {
      const lin = linearisedRatio(design, y, x, d);
      out.push(summarise(design, lin, { statistic: 'ratio', variable: `${numerator}/${denominator}`, level: null, domain: d.labels }, opts));
    }
  }
  return out;
}

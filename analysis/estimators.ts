import { InputError } from '../common/errors.js';
import { designDf, type SurveyDesign } from './design.js';
import { covAt, linearisedCovariance, type Covariance } from './variance.js';
import { replicateCovariance } from './replicate-variance.js';
import { quantileEstimate } from './quantile.js';
import { qbeta, qt } from './distributions.js';
import { categoricalColumn, getColumn, numericColumn, sortedLevelOrder, type DataTable } from './table.js';

export type Statistic = 'mean' | 'total' | 'proportion' | 'ratio' | 'quantile';
export type CiMethod = 't' | 'korn-graubard' | 'woodruff';

/** One design-based estimate with its uncertainty. */
export interface Estimate {
  statistic: Statistic;
  /** Analysis variable (`num/den` for a ratio). */
  variable: string;
  /** Level of a categorical variable (proportions and totals of categories), else null. */
  level: string | null;
  /** The by-domain the estimate is for (variable -> level), null for the whole (sub)population. */
  domain: Record<string, string> | null;
  estimate: number;
  se: number;
  ci: [number, number];
  ciMethod: CiMethod;
  /** Degrees of freedom of the interval: PSUs minus strata among the rows used. */
  df: number;
  /** Unweighted number of rows used. */
  n: number;
  /** Rows of the domain left out because the analysis variable is missing. */
  missing: number;
  /** Design effect (variance over the SRS-without-replacement variance), null where not defined. */
  deff: number | null;
  /** Coefficient of variation se / |estimate|. */
  cv: number | null;
}

/** A subpopulation: a 0/1 row mask (null = every row) and its label. */
export interface Domain {
  rows: Uint8Array | null;
  labels: Record<string, string> | null;
}

/** The linearised form of one estimate: value, influence variable, and the rows it used. */
export interface Linearised {
  estimate: number;
  z: Float64Array;
  used: Uint8Array;
  n: number;
  missing: number;
  /** Sum of weights over the rows used. */
  weightSum: number;
  /** Weighted variance of the analysis variable over the rows used (for the design effect), with n/(n-1). */
  elementVariance: number;
  /**
   * How to recompute the estimate under other weights (replicates), over the rows used:
   * sum w y / sum w (mean), sum w y (total), sum w y / sum w x (ratio).
   */
  recipe: { y: Float64Array; denominator: 'weights' | 'none' | Float64Array };
}

const inDomain = (d: Domain, i: number) => d.rows === null || d.rows[i] === 1;

/** Domain mean of y: z = w (y - ybar) / W inside the domain, 0 outside (STATISTICS.md, Domains). */
export function linearisedMean(design: SurveyDesign, y: Float64Array, domain: Domain): Linearised {
  const w = design.weights;
  const n = design.nRows;
  const used = new Uint8Array(n);
  let W = 0;
  let WY = 0;
  let count = 0;
  let missing = 0;
  for (let i = 0; i < n; i++) {
    if (!inDomain(domain, i)) continue;
    const yi = y[i];
    if (Number.isNaN(yi)) {
      missing++;
      continue;
    }
    used[i] = 1;
    W += w[i];
    WY += w[i] * yi;
    if (w[i] !== 0) count++;
  }
  const mean = WY / W;
  const z = new Float64Array(n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    if (!used[i]) continue;
    const d = y[i] - mean;
    z[i] = (w[i] * d) / W;
    ss += w[i] * d * d;
  }
  return { estimate: mean, z, used, n: count, missing, weightSum: W, elementVariance: ((ss / W) * count) / (count - 1), recipe: { y, denominator: 'weights' } };
}

/** Domain total of y: z = w y inside the domain. */
export function linearisedTotal(design: SurveyDesign, y: Float64Array, domain: Domain): Linearised {
  const m = linearisedMean(design, y, domain);
  const w = design.weights;
  const z = new Float64Array(design.nRows);
  let total = 0;
  for (let i = 0; i < design.nRows; i++) {
    if (!m.used[i]) continue;
    z[i] = w[i] * y[i];
    total += z[i];
  }
  return { ...m, estimate: total, z, recipe: { y, denominator: 'none' } };
}

/** Domain ratio Y/X: z = w (y - R x) / X; rows missing either variable are left out. */
export function linearisedRatio(design: SurveyDesign, y: Float64Array, x: Float64Array, domain: Domain): Linearised {
  const w = design.weights;
  const n = design.nRows;
  const used = new Uint8Array(n);
  let Y = 0;
  let X = 0;
  let count = 0;
  let missing = 0;
  let W = 0;
  for (let i = 0; i < n; i++) {
    if (!inDomain(domain, i)) continue;
    if (Number.isNaN(y[i]) || Number.isNaN(x[i])) {
      missing++;
      continue;
    }
    used[i] = 1;
    Y += w[i] * y[i];
    X += w[i] * x[i];
    W += w[i];
    if (w[i] !== 0) count++;
  }
  const r = Y / X;
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) if (used[i]) z[i] = (w[i] * (y[i] - r * x[i])) / X;
  return { estimate: r, z, used, n: count, missing, weightSum: W, elementVariance: NaN, recipe: { y, denominator: x } };
}

/** Applies the design's calibration (if any) to an influence variable, as R does before the variance. */
export function residualised(design: SurveyDesign, z: Float64Array): Float64Array {
  return design.residualise ? design.residualise(z) : z;
}

/** Joint covariance of several estimates: from the replicates when the design has them, else linearised. */
export function covarianceOf(design: SurveyDesign, lins: readonly Linearised[]): Covariance {
  if (design.replicates) return replicateCovariance(design, design.replicates, lins);
  return linearisedCovariance(design, lins.map((l) => residualised(design, l.z)));
}

/** Variance of one estimate. */
export function varianceOf(design: SurveyDesign, lin: Linearised): number {
  return covAt(covarianceOf(design, [lin]), 0, 0);
}

/** Degrees of freedom for an estimate: the replicate df, or PSUs minus strata among the rows used. */
export function dfOf(design: SurveyDesign, used: Uint8Array): number {
  return design.replicates ? design.replicates.df : designDf(design, used);
}

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
  let deff: number | null = null;
  const psum = lin.weightSum;
  const nobs = lin.n;
  if (what.statistic !== 'ratio' && psum >= nobs && nobs > 1) {
    const vsrsMean = (lin.elementVariance * (psum - nobs)) / (psum * nobs);
    const vsrs = what.statistic === 'total' ? vsrsMean * psum * psum : vsrsMean;
    deff = vsrs > 0 ? variance / vsrs : null;
  }
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
  if (variables.length === 0 && !(request.ratios ?? []).length && !request.quantiles?.variables.length) throw new InputError('nothing-to-estimate', 'say what to estimate: a mean, a total or a ratio');
  for (const { v, stat } of variables) {
    const col = getColumn(table, v, stat);
    if (col.kind === 'number') {
      for (const d of domains) {
        const lin = stat === 'mean' ? linearisedMean(design, col.values, d) : linearisedTotal(design, col.values, d);
        out.push(summarise(design, lin, { statistic: stat, variable: v, level: null, domain: d.labels }, opts));
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
          summarise(design, lin, { statistic: stat === 'mean' ? 'proportion' : 'total', variable: v, level: col.levels[lvl], domain: d.labels }, {
            ...opts,
            ciMethod: stat === 'mean' && request.proportionCi === 'korn-graubard' ? 'korn-graubard' : 't',
          }),
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

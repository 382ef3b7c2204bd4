/** The vocabulary of estimates: an estimate, a domain (subpopulation), a linearised estimate. Types only. */

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

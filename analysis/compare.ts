import { InputError } from '../common/errors.js';
import type { SurveyDesign } from './design.js';
import { covarianceOf, dfOf, linearisedMean, summarise, type Domain, type Estimate, type Linearised } from './estimators.js';
import { covAt } from './variance.js';
import { pTwoSided, qt } from './distributions.js';
import { categoricalColumn, getColumn, sortedLevelOrder, type DataTable } from './table.js';

/** Difference of a mean (or proportion) between two groups, with the design-based t test (R svyttest). */
export interface Comparison {
  variable: string;
  /** Level of a categorical variable whose proportion is compared, else null. */
  level: string | null;
  group: string;
  /** The two groups, in sorted order: difference = levels[1] - levels[0]. */
  levels: [string, string];
  estimates: [Estimate, Estimate];
  difference: number;
  se: number;
  /** Covariance of the two group means (not zero when the groups share PSUs). */
  covariance: number;
  t: number;
  df: number;
  p: number;
}

export interface CompareRequest {
  variable: string;
  group: string;
  subset?: Uint8Array | null;
}

/** The difference of two domain estimates (second minus first) with its design-based test. */
export interface DomainDifference {
  estimate: number;
  se: number;
  /** Covariance of the two estimates (they share PSUs, so it is not zero). */
  covariance: number;
  t: number;
  /** Design df of the rows either estimate used, minus one (R's svyttest). */
  df: number;
  p: number;
}

/**
 * The difference b - a of two linearised domain estimates: variance var(a) + var(b) - 2 cov(a, b) from
 * the design (or its replicates), t with the design df minus one, two-sided p. A difference with no
 * sampling variance (0/0 aside) is certain: p = 0, as R's pt(-Inf) gives.
 * Example: two domain means 0.4 and 0.5 with variances 0.01 and 0.02 and covariance 0.005 differ by 0.1
 * with se sqrt(0.02) ~ 0.141.
 */
export function domainDifference(design: SurveyDesign, a: Linearised, b: Linearised): DomainDifference {
  const cov = covarianceOf(design, [a, b]);
  const variance = covAt(cov, 0, 0) + covAt(cov, 1, 1) - 2 * covAt(cov, 0, 1);
  const used = new Uint8Array(a.used.length);
  for (let i = 0; i < used.length; i++) used[i] = a.used[i] | b.used[i];
  const df = dfOf(design, used) - 1;
  const estimate = b.estimate - a.estimate;
  const se = Math.sqrt(variance);
  const t = estimate / se;
  return { estimate, se, covariance: covAt(cov, 0, 1), t, df, p: Number.isFinite(t) ? pTwoSided(t, df) : Number.isNaN(t) ? NaN : 0 };
}

/** Compares the mean of `variable` between the two levels of `group`, keeping the full design. */
export function compareMeans(design: SurveyDesign, table: DataTable, request: CompareRequest): Comparison[] {
  const groupCol = categoricalColumn(table, request.group, 'group');
  const n = table.nRows;
  const subset = request.subset ?? null;
  const present = new Set<number>();
  for (let i = 0; i < n; i++) if ((!subset || subset[i]) && groupCol.codes[i] >= 0) present.add(groupCol.codes[i]);
  const levels = sortedLevelOrder(groupCol.levels).filter((l) => present.has(l));
  if (levels.length !== 2) {
    throw new InputError(
      'group-not-binary',
      `the group column "${request.group}" must have exactly two levels${subset ? ' in the subset' : ''}; it has ${levels.length}${levels.length ? ` (${levels.map((l) => groupCol.levels[l]).join(', ')})` : ''}`,
      request.group,
    );
  }
  const col = getColumn(table, request.variable, 'compared variable');
  const outcomes: { y: Float64Array; level: string | null }[] = [];
  if (col.kind === 'number') outcomes.push({ y: col.values, level: null });
  else {
    for (const lvl of sortedLevelOrder(col.levels)) {
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) y[i] = col.codes[i] < 0 ? NaN : col.codes[i] === lvl ? 1 : 0;
      outcomes.push({ y, level: col.levels[lvl] });
    }
  }
  const domains: Domain[] = levels.map((lvl) => {
    const rows = new Uint8Array(n);
    for (let i = 0; i < n; i++) rows[i] = (!subset || subset[i]) && groupCol.codes[i] === lvl ? 1 : 0;
    return { rows, labels: { [request.group]: groupCol.levels[lvl] } };
  });
  return outcomes.map(({ y, level }) => {
    const [a, b] = domains.map((d) => linearisedMean(design, y, d));
    const d = domainDifference(design, a, b);
    const statistic = level === null ? ('mean' as const) : ('proportion' as const);
    return {
      variable: request.variable,
      level,
      group: request.group,
      levels: [groupCol.levels[levels[0]], groupCol.levels[levels[1]]],
      estimates: [
        summarise(design, a, { statistic, variable: request.variable, level, domain: domains[0].labels }),
        summarise(design, b, { statistic, variable: request.variable, level, domain: domains[1].labels }),
      ],
      difference: d.estimate,
      se: d.se,
      covariance: d.covariance,
      t: d.t,
      df: d.df,
      p: d.p,
    };
  });
}

/** A one-sample test of a mean against a value (R svyttest(y ~ 0) on y - mu). */
export interface OneSampleTest {
  variable: string;
  /** The hypothesised mean. */
  mu: number;
  estimate: Estimate;
  /** Mean minus mu. */
  difference: number;
  se: number;
  t: number;
  /** Design df minus one (R: the residual df of svyglm(y ~ 1)). */
  df: number;
  p: number;
  /** t interval of the difference with those df. */
  ci: [number, number];
}

/**
 * Tests H0: mean(variable) = mu in the (sub)population, keeping the full design: t = (mean - mu) / se
 * with the design df minus one, as R's svyttest(I(y - mu) ~ 0, design).
 * Example: dclus1, api00, mu = 600 -> difference 44.17, t 1.876, df 13, p 0.0833 (R).
 */
export function oneSampleTest(design: SurveyDesign, table: DataTable, request: { variable: string; mu: number; subset?: Uint8Array | null }): OneSampleTest {
  const col = getColumn(table, request.variable, 'tested variable');
  if (col.kind !== 'number') throw new InputError('not-numeric', `a one-sample test needs a numeric column; "${request.variable}" has text`, request.variable);
  const domain: Domain = { rows: request.subset ?? null, labels: null };
  const lin = linearisedMean(design, col.values, domain);
  const estimate = summarise(design, lin, { statistic: 'mean', variable: request.variable, level: null, domain: null });
  const df = dfOf(design, lin.used) - 1;
  const difference = lin.estimate - request.mu;
  const se = estimate.se;
  const t = difference / se;
  const crit = qt(0.975, df);
  return {
    variable: request.variable,
    mu: request.mu,
    estimate,
    difference,
    se,
    t,
    df,
    p: pTwoSided(t, df),
    ci: [difference - crit * se, difference + crit * se],
  };
}

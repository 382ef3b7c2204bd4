import jStatModule from 'jstat';

// jstat ships CommonJS with a namespace object; reach it the same way under Node and Vite.
const jStat = ((jStatModule as unknown as { jStat?: unknown }).jStat ?? jStatModule) as JStat;

interface JStat {
  studentt: { cdf(x: number, df: number): number; inv(p: number, df: number): number };
  normal: { cdf(x: number, m: number, s: number): number; inv(p: number, m: number, s: number): number };
  centralF: { cdf(x: number, d1: number, d2: number): number };
  chisquare: { cdf(x: number, df: number): number };
  beta: { inv(p: number, a: number, b: number): number };
}

/** Quantile of Student's t (normal when df is infinite). */
export function qt(p: number, df: number): number {
  if (!(df > 0)) return NaN;
  if (df === Infinity) return jStat.normal.inv(p, 0, 1);
  return jStat.studentt.inv(p, df);
}

/** Two-sided p value of a t statistic. */
export function pTwoSided(t: number, df: number): number {
  if (!Number.isFinite(t) || !(df > 0)) return NaN;
  const tail = df === Infinity ? jStat.normal.cdf(-Math.abs(t), 0, 1) : jStat.studentt.cdf(-Math.abs(t), df);
  return 2 * tail;
}

/** Upper tail of the F distribution. */
export function pF(x: number, d1: number, d2: number): number {
  if (!Number.isFinite(x) || !(d1 > 0) || !(d2 > 0)) return NaN;
  return 1 - jStat.centralF.cdf(x, d1, d2);
}

/** Upper tail of the chi-square distribution. */
export function pChisq(x: number, df: number): number {
  if (!Number.isFinite(x) || !(df > 0)) return NaN;
  return 1 - jStat.chisquare.cdf(x, df);
}

/** Quantile of the beta distribution. */
export function qbeta(p: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) return a <= 0 ? 0 : 1;
  return jStat.beta.inv(p, a, b);
}

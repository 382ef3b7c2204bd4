import type { SurveyDesign } from './design.js';
import { dfOf, linearisedMean, varianceOf } from './linearisation.js';
import type { Domain, Estimate } from './domain.js';
import { qt } from './distributions.js';

/**
 * Weighted quantile by R's default rule ("math"): the smallest x whose weighted CDF reaches p,
 * over the rows `used` with non-zero weight. `order` is the used rows sorted by x.
 */
function quantileRule(x: Float64Array, w: Float64Array, order: Int32Array, total: number, p: number): number {
  const target = p * total;
  let cum = 0;
  let pos = -1;
  for (let k = 0; k < order.length; k++) {
    const next = cum + w[order[k]];
    if (next <= target) {
      cum = next;
      pos = k;
    } else break;
  }
  if (pos < 0) return x[order[0]];
  // cum is the weight up to and including pos; an exact hit takes that value, otherwise the next one.
  if (p - cum / total === 0) return x[order[pos]];
  return x[order[Math.min(pos + 1, order.length - 1)]];
}

/**
 * Quantile of y in a domain with the Woodruff interval (R svyquantile, interval.type="mean"): the
 * interval for F(q) from the design-based se of the proportion below q, mapped back through the
 * weighted quantile; se = interval width / (2 t).
 */
export function quantileEstimate(design: SurveyDesign, y: Float64Array, domain: Domain, p: number, variable: string, level = 0.95): Estimate {
  const w = design.weights;
  const rows: number[] = [];
  let missing = 0;
  for (let i = 0; i < design.nRows; i++) {
    if (domain.rows && !domain.rows[i]) continue;
    if (Number.isNaN(y[i])) {
      missing++;
      continue;
    }
    if (w[i] !== 0) rows.push(i);
  }
  const order = Int32Array.from(rows).sort((a, b) => y[a] - y[b] || a - b);
  let total = 0;
  for (const i of order) total += w[i];
  const q = order.length ? quantileRule(y, w, order, total, p) : NaN;

  const below = new Float64Array(design.nRows);
  for (let i = 0; i < below.length; i++) below[i] = Number.isNaN(y[i]) ? NaN : y[i] <= q ? 1 : 0;
  const lin = linearisedMean(design, below, domain);
  const df = dfOf(design, lin.used);
  const alpha = 1 - level;
  const crit = df === Infinity ? qt(1 - alpha / 2, Infinity) : qt(1 - alpha / 2, df);
  const seP = Math.sqrt(varianceOf(design, lin));
  const pLow = lin.estimate - crit * seP;
  const pHigh = lin.estimate + crit * seP;
  const lower = Number.isNaN(pLow) || pLow < 0 ? NaN : quantileRule(y, w, order, total, pLow);
  const upper = Number.isNaN(pHigh) || pHigh > 1 ? NaN : quantileRule(y, w, order, total, pHigh);
  const se = (upper - lower) / (2 * crit);
  return {
    statistic: 'quantile',
    variable,
    level: String(p),
    domain: domain.labels,
    estimate: q,
    se,
    ci: [lower, upper],
    ciMethod: 'woodruff',
    df,
    n: lin.n,
    missing,
    deff: null,
    cv: q !== 0 ? se / Math.abs(q) : null,
  };
}

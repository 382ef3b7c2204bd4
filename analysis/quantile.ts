import type { SurveyDesign } from './design.js';
import { dfOf, linearisedMean, varianceOf } from './linearisation.js';
import type { Domain, Estimate } from './domain.js';
import { qt } from './distributions.js';

/**
 * Weighted quantile by R's default rule ("math", survey:::qrule_math over survey:::qs): the position
 * `pos` is the last one whose cumulative weight is at most p x total; an exact hit (p - cum/total == 0)
 * takes that value, otherwise the next one. Two details follow R:
 * - R's cumsum and sum accumulate in extended precision, so their results are the correctly rounded
 *   sums: equal weights then meet p x total exactly where the arithmetic allows (the median of 200
 *   equally weighted values is the 100th, not the 101st). The sums here are compensated (Neumaier) to
 *   give the same doubles, and then compared exactly as R compares them;
 * - when p is below the first value's share, R's `last()` of no match is position 1, not an exact hit,
 *   so R returns the second-smallest value (this matters at the lower end of Woodruff intervals).
 * Example: x = 1..4 with equal weights, p = 0.5 -> 2 (exact hit); p = 0.6 -> 3; p = 0.1 -> 2.
 */
function quantileRule(x: Float64Array, w: Float64Array, order: Int32Array, total: number, p: number): number {
  const target = p * total;
  let sum = 0;
  let comp = 0;
  let cum = 0;
  let pos = -1;
  for (let k = 0; k < order.length; k++) {
    const v = w[order[k]];
    const t = sum + v;
    const c = Math.abs(sum) >= Math.abs(v) ? comp + (sum - t + v) : comp + (v - t + sum);
    const next = t + c;
    if (next <= target) {
      sum = t;
      comp = c;
      cum = next;
      pos = k;
    } else break;
  }
  if (pos < 0) return x[order[Math.min(1, order.length - 1)]];
  if (p - cum / total === 0) return x[order[pos]];
  return x[order[Math.min(pos + 1, order.length - 1)]];
}

/** The correctly rounded sum of the weights of the rows (Neumaier), as R's sum() in extended precision gives it. */
function compensatedTotal(w: Float64Array, order: Int32Array): number {
  let sum = 0;
  let comp = 0;
  for (const i of order) {
    const v = w[i];
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + comp;
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
  const total = compensatedTotal(w, order);
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

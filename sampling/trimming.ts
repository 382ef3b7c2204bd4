import { InputError } from '../common/errors.js';

/**
 * Trims weights to [lower, upper] keeping their total: the result is clip(c w, lower, upper) with
 * the one factor c that restores the total. That is the fixed point of "cut what is out of range and
 * spread the excess over the weights inside it in proportion, until nothing is out of range", found
 * exactly (bisection for the set of weights at a bound, then c in closed form). Zero weights stay zero.
 */
export function trimWeights(
  weights: Float64Array,
  lower: number,
  upper: number,
): { weights: Float64Array; factor: number; trimmed: number; iterations: number } {
  if (!(lower >= 0) || !(upper > lower)) throw new InputError('bad-bounds', `trimming bounds must satisfy 0 <= lower < upper, got ${lower},${upper}`);
  const n = weights.length;
  let positive = 0;
  let total = 0;
  let maxW = 0;
  let minW = Infinity;
  for (const w of weights) {
    if (!(w >= 0)) throw new InputError('bad-weight', 'weights to trim must be non-negative numbers');
    if (w > 0) {
      positive++;
      total += w;
      maxW = Math.max(maxW, w);
      minW = Math.min(minW, w);
    }
  }
  if (positive * upper < total * (1 - 1e-12) || positive * lower > total * (1 + 1e-12)) {
    throw new InputError(
      'bad-bounds',
      `no weights within ${lower},${upper} can keep the total ${total} over ${positive} cases (their mean is ${total / positive})`,
    );
  }
  const sumAt = (c: number) => {
    let s = 0;
    for (const w of weights) if (w > 0) s += Math.min(upper, Math.max(lower, c * w));
    return s;
  };
  // sumAt is continuous and non-decreasing in c: bracket the root, then bisect.
  let lo = lower / maxW;
  let hi = upper / minW;
  let iterations = 0;
  for (; iterations < 200 && hi - lo > 1e-15 * hi; iterations++) {
    const mid = (lo + hi) / 2;
    if (sumAt(mid) < total) lo = mid;
    else hi = mid;
  }
  // With the weights at a bound known, c follows exactly from the total.
  const c0 = (lo + hi) / 2;
  let fixedSum = 0;
  let freeSum = 0;
  for (const w of weights) {
    if (w <= 0) continue;
    const v = c0 * w;
    if (v <= lower) fixedSum += lower;
    else if (v >= upper) fixedSum += upper;
    else freeSum += w;
  }
  const c = freeSum > 0 ? (total - fixedSum) / freeSum : c0;
  const out = new Float64Array(n);
  let trimmed = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[i];
    if (w <= 0) continue;
    const v = c0 * w;
    if (v <= lower) {
      out[i] = lower;
      if (w < lower) trimmed++;
    } else if (v >= upper) {
      out[i] = upper;
      if (w > upper) trimmed++;
    } else out[i] = c * w;
  }
  return { weights: out, factor: c, trimmed, iterations };
}

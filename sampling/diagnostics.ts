/** Summary of a set of weights (Kish). */
export interface WeightDiagnostics {
  n: number;
  /** Cases with a non-zero weight. */
  positive: number;
  sum: number;
  min: number;
  max: number;
  /** max / min over the positive weights. */
  ratio: number;
  mean: number;
  /** Coefficient of variation of the positive weights (population standard deviation / mean). */
  cv: number;
  /** Kish's design effect due to weighting, 1 + CV^2 = n sum w^2 / (sum w)^2. */
  deffWeighting: number;
  /** Kish's effective sample size, (sum w)^2 / sum w^2. */
  effectiveN: number;
}

/** Kish diagnostics of the positive weights. */
export function weightDiagnostics(weights: Float64Array): WeightDiagnostics {
  let positive = 0;
  let sum = 0;
  let sum2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const w of weights) {
    if (w <= 0) continue;
    positive++;
    sum += w;
    sum2 += w * w;
    if (w < min) min = w;
    if (w > max) max = w;
  }
  const mean = sum / positive;
  const deff = (positive * sum2) / (sum * sum);
  return {
    n: weights.length,
    positive,
    sum,
    min,
    max,
    ratio: max / min,
    mean,
    cv: Math.sqrt(Math.max(0, deff - 1)),
    deffWeighting: deff,
    effectiveN: (sum * sum) / sum2,
  };
}

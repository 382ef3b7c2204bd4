import { designDf, type SurveyDesign } from './design.js';
import { covAt, linearisedCovariance, type Covariance } from './variance.js';
import { replicateCovariance } from './replicate-variance.js';
import { replicateDf } from './replicates.js';
import type { Domain, Linearised } from './domain.js';

/**
 * Linearisation: each estimator as a value and its influence variable (R survey's svymean, svytotal,
 * svyratio), and the variance of linearised estimates from the design or its replicates.
 */

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
  return linearisedCovariance(
    design,
    lins.map((l) => residualised(design, l.z)),
  );
}

/** Variance of one estimate. */
export function varianceOf(design: SurveyDesign, lin: Linearised): number {
  return covAt(covarianceOf(design, [lin]), 0, 0);
}

/** Degrees of freedom for an estimate: the replicate df (of the rows used, as R's degf of a subset), or PSUs minus strata among the rows used. */
export function dfOf(design: SurveyDesign, used: Uint8Array): number {
  return design.replicates ? replicateDf(design, design.replicates, used) : designDf(design, used);
}

import type { SurveyDesign } from './design.js';
import type { Linearised } from './domain.js';
import type { ReplicateWeights } from './replicate-weights.js';
import type { Covariance } from './variance.js';

/**
 * Replicate covariance (R svrVar): scale * sum_r rscale_r (theta_r - centre)(theta_r - centre)',
 * centre = mean of the replicates (or the full-sample estimate with mse). Created replicates work on
 * per-PSU sums, so the cost per replicate is the number of PSUs, not of rows.
 */
export function replicateCovariance(design: SurveyDesign, reps: ReplicateWeights, lins: readonly Linearised[]): Covariance {
  return covarianceOfReplicates(
    reps,
    lins.map((lin) => replicateEstimates(design, reps, lin)),
    lins.map((lin) => lin.estimate),
  );
}

/**
 * R's svrVar on replicate estimates already computed (thetas[j][r]: estimate j under replicate r):
 * scale * sum_r rscale_r (theta_r - centre)(theta_r - centre)', centre the mean of the replicates with
 * rscale > 0, or the full-sample estimates with mse.
 */
export function covarianceOfReplicates(reps: ReplicateWeights, thetas: readonly Float64Array[], estimates: readonly number[]): Covariance {
  const k = thetas.length;
  const R = reps.count;
  const centre = thetas.map((theta, j) => {
    if (reps.mse) return estimates[j];
    let s = 0;
    let c = 0;
    for (let r = 0; r < R; r++)
      if (reps.rscales[r] > 0) {
        s += theta[r];
        c++;
      }
    return s / c;
  });
  const values = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let s = 0;
      for (let r = 0; r < R; r++) s += reps.rscales[r] * (thetas[a][r] - centre[a]) * (thetas[b][r] - centre[b]);
      values[a * k + b] = values[b * k + a] = reps.scale * s;
    }
  }
  return { k, values };
}

/** The weights of replicate r for every row (created replicates: the full weight times its PSU's multiplier). */
export function replicateWeightsOf(design: SurveyDesign, reps: ReplicateWeights, r: number, out = new Float64Array(design.nRows)): Float64Array {
  if (reps.columns) {
    out.set(reps.columns[r]);
    return out;
  }
  const m = reps.multipliers!;
  const R = reps.count;
  for (let i = 0; i < design.nRows; i++) out[i] = design.weights[i] * m[design.psuOfRow[i] * R + r];
  return out;
}

/** The estimate recomputed under each replicate's weights. */
export function replicateEstimates(design: SurveyDesign, reps: ReplicateWeights, lin: Linearised): Float64Array {
  const { y, denominator } = lin.recipe;
  const ratio = denominator !== 'none';
  const x = denominator instanceof Float64Array ? denominator : null;
  const R = reps.count;
  const out = new Float64Array(R);
  const w = design.weights;
  if (reps.multipliers) {
    const nPsu = design.psuLabels.length;
    const A = new Float64Array(nPsu);
    const B = new Float64Array(nPsu);
    for (let i = 0; i < design.nRows; i++) {
      if (!lin.used[i]) continue;
      const p = design.psuOfRow[i];
      A[p] += w[i] * y[i];
      B[p] += x ? w[i] * x[i] : w[i];
    }
    const m = reps.multipliers;
    for (let r = 0; r < R; r++) {
      let num = 0;
      let den = 0;
      for (let p = 0; p < nPsu; p++) {
        const f = m[p * R + r];
        num += f * A[p];
        den += f * B[p];
      }
      out[r] = ratio ? num / den : num;
    }
    return out;
  }
  const cols = reps.columns!;
  for (let r = 0; r < R; r++) {
    const c = cols[r];
    let num = 0;
    let den = 0;
    for (let i = 0; i < design.nRows; i++) {
      if (!lin.used[i]) continue;
      num += c[i] * y[i];
      den += x ? c[i] * x[i] : c[i];
    }
    out[r] = ratio ? num / den : num;
  }
  return out;
}

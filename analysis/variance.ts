import { InputError } from '../common/errors.js';
import type { LonelyPsu, SurveyDesign } from './design.js';

/** A k x k covariance matrix, row-major. */
export interface Covariance {
  readonly k: number;
  readonly values: Float64Array;
}

/** Element (i, j) of a covariance matrix. */
export function covAt(c: Covariance, i: number, j: number): number {
  return c.values[i * c.k + j];
}

/**
 * Linearised covariance of k estimates from their influence variables z (one Float64Array per
 * estimate, one value per row): z is summed per PSU, then the stratified with-replacement formula
 * with fpc is applied per stratum (R `survey`'s onestrat/multistage, including lonely-PSU rules and
 * the second stage when the first has an fpc).
 */
export function linearisedCovariance(design: SurveyDesign, z: readonly Float64Array[]): Covariance {
  const k = z.length;
  const nPsu = design.psuLabels.length;
  const totals = sumByGroup(z, design.psuOfRow, nPsu);
  const pps = design.pps;
  if (pps?.method === 'overton') return { k, values: overtonCovariance(totals, k, design.stratumOfPsu, design.psuCountInStratum, pps.psuProbability) };
  // Brewer's approximation (R svydesign pps="brewer"): each PSU's term times its own 1 - pi_i.
  const psuFpc = pps ? Float64Array.from(pps.psuProbability, (p) => 1 - p) : null;
  const v = stratifiedCrossProducts(
    totals,
    k,
    design.stratumOfPsu,
    design.strataLabels,
    design.psuCountInStratum,
    design.stage1Fpc,
    design.lonelyPsu,
    1,
    null,
    psuFpc,
  );
  if (design.stage2 && design.stage1Fraction) {
    const s2 = design.stage2;
    const unitTotals = sumByGroup(z, s2.unitOfRow, s2.psuOfUnit.length);
    const multiplier = new Float64Array(nPsu);
    // The within-PSU stage weighs in by the PSU's selection probability (n_h / N_h, or pi_i with PPS).
    for (let p = 0; p < nPsu; p++) multiplier[p] = pps ? pps.psuProbability[p] : design.stage1Fraction[design.stratumOfPsu[p]];
    const v2 = stratifiedCrossProducts(unitTotals, k, s2.psuOfUnit, design.psuLabels, s2.unitCountInPsu, s2.fpc, design.lonelyPsu, 2, multiplier);
    for (let i = 0; i < v.length; i++) v[i] += v2[i];
  }
  return { k, values: v };
}

/** Sums of each z column per group: result[g * k + j]. */
function sumByGroup(z: readonly Float64Array[], groupOfRow: Int32Array, nGroups: number): Float64Array {
  const k = z.length;
  const out = new Float64Array(nGroups * k);
  const n = groupOfRow.length;
  if (k === 1) {
    const z0 = z[0];
    for (let i = 0; i < n; i++) out[groupOfRow[i]] += z0[i];
    return out;
  }
  for (let j = 0; j < k; j++) {
    const zj = z[j];
    for (let i = 0; i < n; i++) out[groupOfRow[i] * k + j] += zj[i];
  }
  return out;
}

/**
 * sum over strata of fpc_h * n_h/(n_h - 1) * sum_i (T_hi - Tbar_h)(T_hi - Tbar_h)', for groups
 * (PSUs, or units at stage 2) with totals T. `multiplier` scales each stratum (stage 2: n_h/N_h).
 */
function stratifiedCrossProducts(
  totals: Float64Array,
  k: number,
  stratumOfGroup: Int32Array,
  strataLabels: readonly string[],
  countInStratum: Int32Array,
  fpc: Float64Array,
  lonely: LonelyPsu,
  stage: number,
  multiplier: Float64Array | null,
  groupFpc: Float64Array | null = null,
): Float64Array {
  const nStrata = strataLabels.length;
  const nGroups = stratumOfGroup.length;
  // Mean of the group totals per stratum.
  const mean = new Float64Array(nStrata * k);
  for (let g = 0; g < nGroups; g++) {
    const h = stratumOfGroup[g];
    for (let j = 0; j < k; j++) mean[h * k + j] += totals[g * k + j];
  }
  for (let h = 0; h < nStrata; h++) for (let j = 0; j < k; j++) mean[h * k + j] /= countInStratum[h] || 1;

  // R skips a stratum whose every PSU has fpc below 1e-7 (all certainty units).
  const allSmall = new Uint8Array(nStrata).fill(1);
  if (groupFpc) for (let g = 0; g < nGroups; g++) if (!(groupFpc[g] < 1e-7)) allSmall[stratumOfGroup[g]] = 0;
  const scale = new Float64Array(nStrata);
  const centre = new Uint8Array(nStrata).fill(1);
  let lonelyAveraged = 0;
  let strataCounted = 0;
  for (let h = 0; h < nStrata; h++) {
    const nh = countInStratum[h];
    if (nh === 0) continue;
    strataCounted++;
    // With PSU-level fpc (PPS, Brewer) the stratum's factor is 1 here and each PSU's own applies below.
    const f = groupFpc ? (allSmall[h] ? 0 : 1) : fpc[h];
    const m = multiplier ? multiplier[h] : 1;
    if (f < 1e-7) continue; // a census or certainty stratum adds nothing
    if (nh > 1) {
      scale[h] = ((f * nh) / (nh - 1)) * m;
      continue;
    }
    switch (lonely) {
      case 'fail':
        throw new InputError(
          'lonely-psu',
          stage === 1
            ? `stratum "${strataLabels[h]}" has only one PSU; choose a lonely-PSU option (remove, certainty, adjust or average)`
            : `PSU "${strataLabels[h]}" has only one sampled unit at stage 2; choose a lonely-PSU option (remove, certainty, adjust or average)`,
          strataLabels[h],
        );
      case 'remove':
      case 'certainty':
        break;
      case 'adjust':
        // As R: the lonely total is centred on zero, the grand mean of the influence values of a mean or ratio.
        scale[h] = f * m;
        centre[h] = 0;
        break;
      case 'average':
        // Within a PSU there are no other strata to average over: R survey's variance is then NaN.
        // Refused, naming the PSU, rather than a missing standard error or a silent 'remove'.
        if (stage === 2)
          throw new InputError(
            'lonely-psu',
            `PSU "${strataLabels[h]}" has only one sampled unit at stage 2, where the "average" option has nothing to average (R survey gives NaN); choose remove, certainty or adjust`,
            strataLabels[h],
          );
        lonelyAveraged++;
        break;
    }
  }
  const v = new Float64Array(k * k);
  const dev = new Float64Array(k);
  for (let g = 0; g < nGroups; g++) {
    const h = stratumOfGroup[g];
    const s = groupFpc ? scale[h] * groupFpc[g] : scale[h];
    if (s === 0) continue;
    for (let j = 0; j < k; j++) dev[j] = totals[g * k + j] - (centre[h] ? mean[h * k + j] : 0);
    for (let a = 0; a < k; a++) {
      const da = dev[a] * s;
      for (let b = 0; b < k; b++) v[a * k + b] += da * dev[b];
    }
  }
  if (lonely === 'average' && lonelyAveraged > 0) {
    const ok = strataCounted - lonelyAveraged;
    const factor = ok > 0 ? strataCounted / ok : NaN;
    for (let i = 0; i < v.length; i++) v[i] *= factor;
  }
  return v;
}

/**
 * The Horvitz-Thompson variance with Overton's approximation of the joint inclusion probabilities (R
 * survey pps="overton", variance "HT"): sum over strata of T' D T for the PSU totals T, with
 * D_ii = 1 - pi_i and D_ij = 1 - (n_h - (pi_i + pi_j) / 2) / (n_h - 1) for two PSUs of a stratum
 * (0 where (pi_i + pi_j) / 2 = 1).
 */
function overtonCovariance(totals: Float64Array, k: number, stratumOfPsu: Int32Array, countInStratum: Int32Array, prob: Float64Array): Float64Array {
  const nPsu = stratumOfPsu.length;
  const members = new Map<number, number[]>();
  for (let p = 0; p < nPsu; p++) {
    const list = members.get(stratumOfPsu[p]) ?? [];
    list.push(p);
    members.set(stratumOfPsu[p], list);
  }
  const v = new Float64Array(k * k);
  for (const [h, psus] of members) {
    const n = countInStratum[h];
    for (const i of psus)
      for (const j of psus) {
        let d: number;
        if (i === j) d = 1 - prob[i];
        else {
          const fbar = (prob[i] + prob[j]) / 2;
          d = fbar === 1 ? 0 : 1 - (n - fbar) / (n - 1);
        }
        if (d === 0) continue;
        for (let a = 0; a < k; a++) {
          const da = d * totals[i * k + a];
          for (let b = 0; b < k; b++) v[a * k + b] += da * totals[j * k + b];
        }
      }
  }
  return v;
}

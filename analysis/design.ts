import { InputError } from '../common/errors.js';
import { categoricalColumn, numericColumn, type CategoricalColumn, type DataTable } from './table.js';
import type { ReplicateWeights } from './replicate-weights.js';

/** What to do with a stratum that has a single PSU (R's `survey.lonely.psu`). */
export type LonelyPsu = 'fail' | 'remove' | 'certainty' | 'adjust' | 'average';
export const LONELY_PSU_OPTIONS: readonly LonelyPsu[] = ['fail', 'remove', 'certainty', 'adjust', 'average'];

/** How a sample was drawn, in terms of the columns of a data table. */
export interface DesignSpec {
  /** Sampling weight column; if absent the weights follow from the fpc columns (population / sample size per stage). */
  weights?: string;
  /** Stratum column (first stage). */
  strata?: string;
  /** Cluster columns, first stage first; absent: every row is its own PSU. At most two stages. */
  ids?: string[];
  /** Finite population correction per stage: population counts (>1) or sampling fractions (<=1). */
  fpc?: string[];
  /** PSU ids repeat across strata and name different PSUs (R's nest=TRUE). Default: an id in two strata is an error. */
  nest?: boolean;
  lonelyPsu?: LonelyPsu;
  /**
   * PSUs drawn with probability proportional to size without replacement (R svydesign pps=): the first
   * fpc column then holds each PSU's inclusion probability. brewer: Brewer's approximation, each PSU's
   * term times (1 - pi_i); overton: the Horvitz-Thompson form with Overton's approximate joint
   * probabilities (one stage only).
   */
  pps?: 'brewer' | 'overton';
}

/** A design ready for variance estimation: every row mapped to its stratum, PSU and (optionally) second-stage unit. */
export interface SurveyDesign {
  readonly spec: DesignSpec;
  readonly nRows: number;
  readonly weights: Float64Array;
  /** Stratum index of each row (0..nStrata-1). */
  readonly stratumOfRow: Int32Array;
  readonly strataLabels: readonly string[];
  /** PSU index of each row (0..nPsu-1); PSU indices are global across strata. */
  readonly psuOfRow: Int32Array;
  readonly psuLabels: readonly string[];
  readonly stratumOfPsu: Int32Array;
  /** PSUs per stratum in the sample (R's fpc$sampsize at stage 1). */
  readonly psuCountInStratum: Int32Array;
  /** (1 - n_h/N_h) per stratum, 1 without fpc. */
  readonly stage1Fpc: Float64Array;
  /** n_h/N_h per stratum: the factor on the stage-2 variance; only with stage-2 data. */
  readonly stage1Fraction: Float64Array | null;
  /** Second stage: unit index of each row, PSU of each unit, units per PSU, (1 - m_i/M_i) per PSU. */
  readonly stage2: {
    readonly unitOfRow: Int32Array;
    readonly psuOfUnit: Int32Array;
    readonly unitCountInPsu: Int32Array;
    readonly fpc: Float64Array;
  } | null;
  readonly lonelyPsu: LonelyPsu;
  readonly hasFpc: boolean;
  /** PPS without replacement: the method and each PSU's inclusion probability. */
  readonly pps?: { method: 'brewer' | 'overton'; psuProbability: Float64Array };
  /**
   * Set by calibration (post-stratification, raking, GREG): replaces an influence variable by its
   * calibration residual before the variance, as R does.
   */
  readonly residualise?: (z: Float64Array) => Float64Array;
  /** Replicate weights: when present, variances come from the replicates instead of linearisation. */
  readonly replicates?: ReplicateWeights;
}

/** The design with replicate weights attached (variances then come from the replicates). */
export function withReplicates(design: SurveyDesign, replicates: ReplicateWeights): SurveyDesign {
  return { ...design, replicates };
}

/** Builds a design from a table; bad columns, negative weights, PSUs in two strata and inconsistent fpc are InputErrors naming the place. */
export function buildDesign(table: DataTable, spec: DesignSpec): SurveyDesign {
  const n = table.nRows;
  if (n === 0) throw new InputError('empty-data', 'the data has no rows');
  const lonelyPsu = spec.lonelyPsu ?? 'fail';
  if (!LONELY_PSU_OPTIONS.includes(lonelyPsu)) throw new InputError('bad-option', `lonely PSU option must be one of ${LONELY_PSU_OPTIONS.join(', ')}`);
  const ids = (spec.ids ?? []).filter((c) => c !== '1' && c !== '0');
  if (ids.length > 2) throw new InputError('bad-design', 'at most two stages of clusters are supported (--ids PSU,SSU)');
  const fpcCols = spec.fpc ?? [];
  if (fpcCols.length > Math.max(ids.length, 1))
    throw new InputError('bad-design', `${fpcCols.length} fpc columns given for ${Math.max(ids.length, 1)} stage(s)`);

  // Strata.
  let strataCol: CategoricalColumn | null = null;
  let stratumOfRow: Int32Array;
  let strataLabels: string[];
  if (spec.strata) {
    strataCol = categoricalColumn(table, spec.strata, 'strata');
    const missing = strataCol.codes.indexOf(-1);
    if (missing >= 0)
      throw new InputError(
        'missing-value',
        `row ${missing + 1}: the stratum (column "${spec.strata}") is missing`,
        `row ${missing + 1}, column ${spec.strata}`,
      );
    stratumOfRow = strataCol.codes;
    strataLabels = strataCol.levels;
  } else {
    stratumOfRow = new Int32Array(n);
    strataLabels = ['1'];
  }
  const nStrata = strataLabels.length;

  // Stage-1 clusters: PSU key is the id (or stratum+id when nested).
  const psuOfRow = new Int32Array(n);
  const psuLabels: string[] = [];
  const stratumOfPsuList: number[] = [];
  if (ids.length === 0) {
    for (let i = 0; i < n; i++) {
      psuOfRow[i] = i;
      stratumOfPsuList.push(stratumOfRow[i]);
    }
    for (let i = 0; i < n; i++) psuLabels.push(String(i + 1));
  } else {
    const idCol = categoricalColumn(table, ids[0], 'cluster ids');
    const key = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const c = idCol.codes[i];
      if (c < 0) throw new InputError('missing-value', `row ${i + 1}: the cluster id (column "${ids[0]}") is missing`, `row ${i + 1}, column ${ids[0]}`);
      const h = stratumOfRow[i];
      const k = spec.nest ? h * idCol.levels.length + c : c;
      let p = key.get(k);
      if (p === undefined) {
        p = psuLabels.length;
        key.set(k, p);
        psuLabels.push(spec.nest && strataCol ? `${strataLabels[h]}/${idCol.levels[c]}` : idCol.levels[c]);
        stratumOfPsuList.push(h);
      } else if (stratumOfPsuList[p] !== h) {
        throw new InputError(
          'psu-in-two-strata',
          `row ${i + 1}: PSU "${idCol.levels[c]}" (column "${ids[0]}") is in stratum "${strataLabels[stratumOfPsuList[p]]}" and in stratum "${strataLabels[h]}"; use nested ids if PSU ids repeat across strata`,
          `row ${i + 1}, column ${ids[0]}`,
        );
      }
      psuOfRow[i] = p;
    }
  }
  const nPsu = psuLabels.length;
  const stratumOfPsu = Int32Array.from(stratumOfPsuList);
  const psuCountInStratum = new Int32Array(nStrata);
  for (let p = 0; p < nPsu; p++) psuCountInStratum[stratumOfPsu[p]]++;

  // Stage-2 units within PSUs.
  let unitOfRow: Int32Array | null = null;
  let psuOfUnit: Int32Array | null = null;
  let unitCountInPsu: Int32Array | null = null;
  if (ids.length === 2) {
    const idCol = categoricalColumn(table, ids[1], 'second-stage ids');
    unitOfRow = new Int32Array(n);
    const key = new Map<number, number>();
    const psuList: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = idCol.codes[i];
      if (c < 0) throw new InputError('missing-value', `row ${i + 1}: the second-stage id (column "${ids[1]}") is missing`, `row ${i + 1}, column ${ids[1]}`);
      const k = psuOfRow[i] * idCol.levels.length + c;
      let u = key.get(k);
      if (u === undefined) {
        u = psuList.length;
        key.set(k, u);
        psuList.push(psuOfRow[i]);
      }
      unitOfRow[i] = u;
    }
    psuOfUnit = Int32Array.from(psuList);
    unitCountInPsu = new Int32Array(nPsu);
    for (const p of psuList) unitCountInPsu[p]++;
  }

  // fpc: population size per stage, constant within stratum (stage 1) or PSU (stage 2).
  if (spec.pps && !['brewer', 'overton'].includes(spec.pps)) throw new InputError('bad-option', 'pps must be brewer or overton', '--pps');
  if (spec.pps && !fpcCols[0]) throw new InputError('bad-design', `pps=${spec.pps} needs the PSUs' inclusion probabilities as the first fpc column`, '--fpc');
  if (spec.pps === 'overton' && ids.length > 1)
    throw new InputError('bad-design', 'pps=overton is for one stage of PSUs (R survey: multistage not implemented); use brewer for two stages', '--pps');
  // PPS: the first fpc column holds each PSU's inclusion probability (constant within the PSU).
  let psuProbability: Float64Array | null = null;
  if (spec.pps) {
    const probs = numericColumn(table, fpcCols[0], 'fpc');
    psuProbability = new Float64Array(nPsu).fill(NaN);
    for (let i = 0; i < n; i++) {
      const v = probs[i];
      const p = psuOfRow[i];
      if (!(v > 0 && v <= 1))
        throw new InputError(
          'bad-fpc',
          `row ${i + 1}: with pps=${spec.pps} the fpc (column "${fpcCols[0]}") is the PSU's inclusion probability, between 0 and 1; got ${Number.isNaN(v) ? 'a missing value' : v}`,
          `row ${i + 1}, column ${fpcCols[0]}`,
        );
      if (Number.isNaN(psuProbability[p])) psuProbability[p] = v;
      else if (psuProbability[p] !== v)
        throw new InputError(
          'bad-fpc',
          `row ${i + 1}: the inclusion probability (column "${fpcCols[0]}") must be the same within PSU "${psuLabels[p]}" (${psuProbability[p]} and ${v})`,
          `row ${i + 1}, column ${fpcCols[0]}`,
        );
    }
  }
  const stage1Pop = fpcCols[0] && !spec.pps ? populationSizes(table, fpcCols[0], stratumOfRow, nStrata, psuCountInStratum, 'stratum', strataLabels) : null;
  const stage2Pop = fpcCols[1] && unitOfRow ? populationSizes(table, fpcCols[1], psuOfRow, nPsu, unitCountInPsu!, 'PSU', psuLabels) : null;

  const stage1Fpc = new Float64Array(nStrata).fill(1);
  if (stage1Pop) for (let h = 0; h < nStrata; h++) stage1Fpc[h] = stage1Pop[h] === Infinity ? 1 : (stage1Pop[h] - psuCountInStratum[h]) / stage1Pop[h];

  let weights: Float64Array;
  if (spec.weights) {
    weights = numericColumn(table, spec.weights, 'weights');
    for (let i = 0; i < n; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new InputError(
          'bad-weight',
          `row ${i + 1}: the weight (column "${spec.weights}") must be a non-negative number, got ${Number.isNaN(w) ? 'a missing value' : w}`,
          `row ${i + 1}, column ${spec.weights}`,
        );
      }
    }
  } else {
    if (!stage1Pop && !psuProbability) throw new InputError('bad-design', 'give sampling weights, or fpc columns from which the weights follow');
    weights = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const h = stratumOfRow[i];
      let w = psuProbability ? 1 / psuProbability[psuOfRow[i]] : stage1Pop![h] / psuCountInStratum[h];
      if (stage2Pop && unitCountInPsu) w *= stage2Pop[psuOfRow[i]] / unitCountInPsu[psuOfRow[i]];
      weights[i] = w;
    }
  }

  let stage2: SurveyDesign['stage2'] = null;
  let stage1Fraction: Float64Array | null = null;
  // As R: the within-PSU stage contributes only when the first stage has an fpc (otherwise the
  // with-replacement ultimate-cluster variance already covers it).
  if (unitOfRow && psuOfUnit && unitCountInPsu && (stage1Pop || psuProbability)) {
    stage1Fraction = new Float64Array(nStrata);
    if (stage1Pop) for (let h = 0; h < nStrata; h++) stage1Fraction[h] = stage1Pop[h] === Infinity ? 0 : psuCountInStratum[h] / stage1Pop[h];
    const fpc2 = new Float64Array(nPsu).fill(1);
    if (stage2Pop) for (let p = 0; p < nPsu; p++) fpc2[p] = stage2Pop[p] === Infinity ? 1 : (stage2Pop[p] - unitCountInPsu[p]) / stage2Pop[p];
    stage2 = { unitOfRow, psuOfUnit, unitCountInPsu, fpc: fpc2 };
  }

  return {
    spec,
    nRows: n,
    weights,
    stratumOfRow,
    strataLabels,
    psuOfRow,
    psuLabels,
    stratumOfPsu,
    psuCountInStratum,
    stage1Fpc,
    stage1Fraction,
    stage2,
    lonelyPsu,
    hasFpc: stage1Pop !== null || psuProbability !== null,
    ...(spec.pps && psuProbability ? { pps: { method: spec.pps, psuProbability } } : {}),
  };
}

/**
 * Population size per group from an fpc column: constant within the group, counts > 1 or fractions <= 1
 * (as R: when every value is at most 1 the column holds sampling fractions, N = n / f).
 */
function populationSizes(
  table: DataTable,
  column: string,
  groupOfRow: Int32Array,
  nGroups: number,
  sampleCount: Int32Array,
  groupWord: string,
  groupLabels: readonly string[],
): Float64Array {
  const values = numericColumn(table, column, 'fpc');
  const pop = new Float64Array(nGroups).fill(NaN);
  let fractions = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > 0)) throw new InputError('bad-fpc', `row ${i + 1}: the fpc (column "${column}") must be a positive number`, `row ${i + 1}, column ${column}`);
    if (v > 1) fractions = false;
    const g = groupOfRow[i];
    if (Number.isNaN(pop[g])) pop[g] = v;
    else if (pop[g] !== v) {
      throw new InputError(
        'bad-fpc',
        `row ${i + 1}: the fpc (column "${column}") must be the same within ${groupWord} "${groupLabels[g]}" (${pop[g]} and ${v})`,
        `row ${i + 1}, column ${column}`,
      );
    }
  }
  for (let g = 0; g < nGroups; g++) {
    if (Number.isNaN(pop[g])) continue;
    if (fractions) pop[g] = sampleCount[g] / pop[g];
    if (pop[g] < sampleCount[g] - 1e-9) {
      throw new InputError(
        'bad-fpc',
        `the fpc (column "${column}") says ${groupWord} "${groupLabels[g]}" has ${pop[g]} units but ${sampleCount[g]} are in the sample`,
        `column ${column}`,
      );
    }
  }
  return pop;
}

/** Linearisation degrees of freedom: PSUs minus strata, counting only those with a row in `rows` (all rows by default). */
export function designDf(design: SurveyDesign, rows?: Uint8Array): number {
  const psuSeen = new Uint8Array(design.psuLabels.length);
  const stratumSeen = new Uint8Array(design.strataLabels.length);
  let psus = 0;
  let strata = 0;
  for (let i = 0; i < design.nRows; i++) {
    if (design.weights[i] === 0) continue;
    if (rows && !rows[i]) continue;
    const p = design.psuOfRow[i];
    if (!psuSeen[p]) {
      psuSeen[p] = 1;
      psus++;
    }
    const h = design.stratumOfRow[i];
    if (!stratumSeen[h]) {
      stratumSeen[h] = 1;
      strata++;
    }
  }
  return psus - strata;
}

import { InputError } from '../common/errors.js';
import { buildDesign, categoricalColumn, createReplicates, replicateWeightsOf, type DataTable, type ReplicateOptions } from '../analysis/index.js';
import { adjustForNonresponse, type NonresponseClass } from './nonresponse.js';
import { calibrate, postStratify, rake, type CalibrationResult, type CalibrationTargets, type Margin, type RakeOptions } from '../analysis/index.js';
import { trimWeights } from './trimming.js';
import { weightDiagnostics, type WeightDiagnostics } from './diagnostics.js';

/** The weighting steps after the design weights, applied in this order. */
export interface WeightingSteps {
  nonresponse?: { disposition: string; classes: string[] };
  poststratify?: Margin;
  rake?: Margin[];
  rakeOptions?: RakeOptions;
  calibrate?: { targets: CalibrationTargets; method: 'linear' | 'bounded' | 'logit'; bounds?: [number, number]; keepUnconverged?: boolean };
  trim?: [number, number];
}

/** What each step did, for the report. */
export interface WeightingReport {
  steps: { step: string; diagnostics: WeightDiagnostics; detail?: unknown }[];
  nonresponseClasses?: NonresponseClass[];
  achieved?: CalibrationResult['achieved'];
  rakingIterations?: number;
  /** Sums of the design and final weights per stratum, with the frame's unit count where the file has it. */
  strata?: { stratum: string; designWeightSum: number; finalWeightSum: number; cases: number; frameUnits?: number }[];
}

/** Runs the weighting steps on design weights; returns the final weights and a report of every step. */
export function computeWeights(
  table: DataTable,
  designWeights: Float64Array,
  steps: WeightingSteps,
): { weights: Float64Array; report: WeightingReport; calibration?: CalibrationResult } {
  const report: WeightingReport = { steps: [{ step: 'design', diagnostics: weightDiagnostics(designWeights) }] };
  let w = designWeights;
  let calibration: CalibrationResult | undefined;
  if (steps.nonresponse) {
    const r = adjustForNonresponse(table, w, steps.nonresponse.disposition, steps.nonresponse.classes);
    w = r.weights;
    report.nonresponseClasses = r.classes;
    report.steps.push({ step: 'nonresponse', diagnostics: weightDiagnostics(w) });
  }
  // Calibration uses the cases with a weight (respondents and ineligibles).
  if (steps.poststratify) {
    calibration = postStratify(table, w, steps.poststratify);
    w = calibration.weights;
    report.achieved = calibration.achieved;
    report.steps.push({ step: `poststratify ${steps.poststratify.variable}`, diagnostics: weightDiagnostics(w) });
  }
  if (steps.rake) {
    calibration = rake(table, w, steps.rake, steps.rakeOptions);
    w = calibration.weights;
    report.achieved = calibration.achieved;
    report.rakingIterations = calibration.iterations;
    report.steps.push({
      step: `rake ${steps.rake.map((m) => m.variable).join(', ')}`,
      diagnostics: weightDiagnostics(w),
      detail: { iterations: calibration.iterations },
    });
  }
  if (steps.calibrate) {
    calibration = calibrate(table, w, steps.calibrate.targets, {
      method: steps.calibrate.method,
      bounds: steps.calibrate.bounds,
      keepUnconverged: steps.calibrate.keepUnconverged,
    });
    w = calibration.weights;
    report.achieved = calibration.achieved;
    report.steps.push({ step: `calibrate ${steps.calibrate.method}`, diagnostics: weightDiagnostics(w), detail: { iterations: calibration.iterations } });
  }
  if (steps.trim) {
    const t = trimWeights(w, steps.trim[0], steps.trim[1]);
    w = t.weights;
    report.steps.push({ step: `trim ${steps.trim[0]},${steps.trim[1]}`, diagnostics: weightDiagnostics(w), detail: { trimmed: t.trimmed, factor: t.factor } });
    if (report.achieved) {
      // Trimming moves the calibrated totals a little: report where they ended.
      report.achieved = report.achieved.map((a) => ({ ...a, achieved: achievedAfter(table, w, a.variable, a.category) ?? a.achieved }));
    }
  }
  return { weights: w, report, calibration };
}

function achievedAfter(table: DataTable, w: Float64Array, variable: string, category: string | null): number | undefined {
  if (category === null || !table.columns.has(variable)) return undefined;
  const col = categoricalColumn(table, variable, 'margin');
  const k = col.levels.indexOf(category);
  let s = 0;
  for (let i = 0; i < w.length; i++) if (col.codes[i] === k) s += w[i];
  return s;
}

/**
 * Replicate weights put through the same steps: replicate base weights from the design (JK1, JKn,
 * bootstrap ...), then nonresponse, calibration and trimming on each, so replicate variances
 * reflect the weighting (R: calibrate each replicate).
 */
export function replicateWeights(
  table: DataTable,
  designWeights: Float64Array,
  design: { strata?: string; psu: string },
  options: ReplicateOptions,
  steps: WeightingSteps,
  onReplicate?: (r: number, count: number) => void,
): { columns: Float64Array[]; scale: number; rscales: Float64Array; type: string; unconverged: { replicate: number; misfit: number }[] } {
  const withWeights: DataTable = {
    nRows: table.nRows,
    columns: new Map([...table.columns, ['__design_weight', { kind: 'number', name: '__design_weight', values: designWeights }]]),
  };
  const base = buildDesign(withWeights, { weights: '__design_weight', strata: design.strata, ids: [design.psu], lonelyPsu: 'certainty' });
  const reps = createReplicates(base, options);
  // As R's rake() on a replicate design: every replicate gets as many sweeps as the full sample took.
  const sweeps = steps.rake ? computeWeights(table, designWeights, { ...steps, trim: undefined }).report.rakingIterations : undefined;
  const { columns, unconverged } = calibrateReplicates(
    table,
    reps.count,
    (r) => replicateWeightsOf(base, reps, r),
    { ...steps, trim: undefined },
    sweeps,
    onReplicate,
  );
  return { columns, scale: reps.scale, rscales: reps.rscales, type: reps.type, unconverged };
}

/**
 * Each replicate's weights put through the weighting steps, as R calibrates a replicate design: raking
 * runs the full sample's number of sweeps (`sweeps`), a calibration a replicate cannot reach keeps the
 * weights of its last step (listed in `unconverged`: R warns), any other failure names the replicate.
 */
export function calibrateReplicates(
  table: DataTable,
  count: number,
  weightsOf: (r: number) => Float64Array,
  steps: WeightingSteps,
  sweeps?: number,
  onReplicate?: (r: number, count: number) => void,
): { columns: Float64Array[]; unconverged: { replicate: number; misfit: number }[] } {
  let repSteps = steps.rake && sweeps !== undefined ? { ...steps, rakeOptions: { ...steps.rakeOptions, sweeps } } : steps;
  if (steps.calibrate) repSteps = { ...repSteps, calibrate: { ...steps.calibrate, keepUnconverged: true } };
  const columns: Float64Array[] = [];
  const unconverged: { replicate: number; misfit: number }[] = [];
  for (let r = 0; r < count; r++) {
    try {
      const done = computeWeights(table, weightsOf(r), repSteps);
      if (done.calibration && !done.calibration.converged) unconverged.push({ replicate: r + 1, misfit: done.calibration.failed ?? NaN });
      columns.push(done.weights);
    } catch (err) {
      if (err instanceof InputError) throw new InputError(err.code, `replicate ${r + 1} of ${count}: ${err.message}`, err.where);
      throw err;
    }
    onReplicate?.(r + 1, count);
  }
  return { columns, unconverged };
}

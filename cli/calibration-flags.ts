import fs from 'node:fs';
import { InputError } from '../common/errors.js';
import { readFileBytes } from '../io/read-file.js';
import { replicateWeightsOf, type ColumnRole, type DataTable, type DatasetCalibration, type SurveyDesign } from '../analysis/index.js';
import {
  calibrateReplicates,
  parseTotalsCsv,
  computeWeights,
  withCalibration,
  type CalibrationTargets,
  type Margin,
  type WeightingSteps,
} from '../sampling/index.js';

/**
 * Calibration flags shared by `weights` and the analysis commands (estimate, compare, tabulate, regress):
 * the margins files, the calibration totals, and the calibrated design they give (R's postStratify(),
 * rake() and calibrate() on a design: calibrated weights, variances from the calibration residuals, and
 * every replicate calibrated in turn on a replicate design).
 */

export function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(
      'file-not-found',
      `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      file,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError('bad-json', `${file} is not valid JSON: ${(err as Error).message}`, file);
  }
}

export function parseTotalsFile(spec: string, flag: string): Margin {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new InputError('bad-flags', `${flag} takes COL=totals.csv, got "${spec}"`);
  const variable = spec.slice(0, eq);
  const file = spec.slice(eq + 1);
  return parseTotalsCsv(readFileBytes(file, 'totals'), variable, file);
}

export function parsePair(text: string | undefined, flag: string): [number, number] | undefined {
  if (text === undefined) return undefined;
  const parts = text.split(',').map(Number);
  if (parts.length !== 2 || parts.some((x) => !Number.isFinite(x)) || !(parts[0] < parts[1]))
    throw new InputError('bad-flags', `${flag} takes L,U with L < U, got "${text}"`);
  return [parts[0], parts[1]];
}

export function parseCalibrationTotals(file: string): CalibrationTargets {
  const v = readJson(file, 'calibration totals') as {
    population?: unknown;
    numeric?: Record<string, unknown>;
    categorical?: Record<string, Record<string, unknown>>;
  };
  const num = (x: unknown, where: string) => {
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new InputError('bad-total', `${file}: ${where} must be a number`, file);
    return x;
  };
  if (typeof v !== 'object' || v === null)
    throw new InputError('bad-total', `${file}: expected {"population": N, "numeric": {...}, "categorical": {...}}`, file);
  return {
    population: v.population === undefined ? undefined : num(v.population, 'population'),
    numeric: new Map(Object.entries(v.numeric ?? {}).map(([k, x]) => [k, num(x, `numeric.${k}`)])),
    categorical: Object.entries(v.categorical ?? {}).map(([variable, cats]) => ({
      variable,
      totals: new Map(Object.entries(cats).map(([c, x]) => [c, num(x, `categorical.${variable}.${c}`)])),
    })),
  };
}

/** The calibration flags as commander parses them. */
export interface CalibrationFlags {
  poststratify?: string;
  rake?: string[];
  calibrate?: 'linear' | 'bounded' | 'logit';
  totals?: string;
  bounds?: string;
  /** The weights report whose `calibration` record says how the weights were calibrated. */
  calibration?: string;
}

/** The calibration a command's flags ask for (R's defaults for raking: epsilon 1, 10 sweeps), or undefined. */
export function calibrationSteps(flags: CalibrationFlags): WeightingSteps | undefined {
  const methods = [flags.poststratify ? '--poststratify' : '', flags.rake?.length ? '--rake' : '', flags.calibrate ? '--calibrate' : ''].filter(Boolean);
  if (methods.length > 1) throw new InputError('bad-flags', `use one of --poststratify, --rake and --calibrate, not ${methods.join(' and ')}`);
  if (flags.calibrate && !flags.totals) throw new InputError('bad-flags', '--calibrate needs --totals FILE.json', '--totals');
  if (flags.totals && !flags.calibrate) throw new InputError('bad-flags', '--totals goes with --calibrate', '--totals');
  if (flags.calibrate && flags.calibrate !== 'linear' && !flags.bounds)
    throw new InputError('bad-flags', `--calibrate ${flags.calibrate} needs --bounds L,U`, '--bounds');
  if (flags.bounds && !flags.calibrate) throw new InputError('bad-flags', '--bounds goes with --calibrate', '--bounds');
  if (flags.calibration && methods.length)
    throw new InputError('bad-flags', `--calibration (a recorded calibration) goes without ${methods.join(' and ')}`, '--calibration');
  if (!methods.length) return undefined;
  return {
    poststratify: flags.poststratify ? parseTotalsFile(flags.poststratify, '--poststratify') : undefined,
    rake: flags.rake?.length ? flags.rake.map((r) => parseTotalsFile(r, '--rake')) : undefined,
    rakeOptions: { epsilon: 1, maxIterations: 10, failOnNonConvergence: false },
    calibrate: flags.calibrate
      ? { targets: parseCalibrationTotals(flags.totals!), method: flags.calibrate, bounds: parsePair(flags.bounds, '--bounds') }
      : undefined,
  };
}

/** Columns the calibration reads, with the role to read them in. */
export function calibrationColumns(steps: WeightingSteps | undefined): [string, ColumnRole][] {
  if (!steps) return [];
  const out: [string, ColumnRole][] = [];
  if (steps.poststratify) out.push([steps.poststratify.variable, 'category']);
  for (const m of steps.rake ?? []) out.push([m.variable, 'category']);
  for (const m of steps.calibrate?.targets.categorical ?? []) out.push([m.variable, 'category']);
  for (const v of steps.calibrate?.targets.numeric?.keys() ?? []) out.push([v, 'number']);
  return out;
}

/**
 * The design calibrated as R calibrates a design object: the weights adjusted, the variance of every
 * estimate taken on its calibration residuals; a replicate design has each replicate's weights put
 * through the same calibration (raking: as many sweeps as the full sample took, as R). Raking that
 * does not converge in R's 10 sweeps keeps its weights, as R does, and `warn` says so.
 */
export function calibratedDesign(design: SurveyDesign, table: DataTable, steps: WeightingSteps, warn: (message: string) => void): SurveyDesign {
  const full = computeWeights(table, design.weights, steps);
  const result = full.calibration!;
  if (!result.converged)
    warn(`raking did not converge in ${steps.rakeOptions?.maxIterations ?? 10} sweeps (R warns likewise); the weights of the last sweep are used`);
  const calibrated = withCalibration(design, result);
  const reps = design.replicates;
  if (!reps) return calibrated;
  const { columns, unconverged } = calibrateReplicates(
    table,
    reps.count,
    (r) => replicateWeightsOf(design, reps, r),
    steps,
    steps.rake ? result.iterations : undefined,
  );
  // A replicate that cannot reach the totals keeps its last step's weights, with a warning, as R does.
  for (const u of unconverged)
    warn(`replicate ${u.replicate}: calibration failed to converge (largest relative misfit ${u.misfit.toPrecision(3)}); its last weights are kept, as R does`);
  return { ...calibrated, replicates: { ...reps, multipliers: null, columns } };
}

/** The calibration record of a `mdsurvey weights --report` file (--calibration). */
export function recordedCalibration(file: string): DatasetCalibration {
  const report = readJson(file, 'weights report') as { calibration?: unknown };
  const record = report?.calibration as DatasetCalibration | undefined;
  if (!record || typeof record !== 'object' || typeof record.base !== 'string')
    throw new InputError(
      'bad-flags',
      `--calibration ${file}: no "calibration" record in it (mdsurvey weights writes one with --poststratify, --rake or --calibrate, without --trim)`,
      '--calibration',
    );
  return record;
}

/** Columns a recorded calibration reads. */
export function recordColumns(record: DatasetCalibration): [string, ColumnRole][] {
  return [
    [record.base, 'number'],
    ...(record.poststratify ? [[record.poststratify.variable, 'category'] as [string, ColumnRole]] : []),
    ...(record.rake ?? []).map((m): [string, ColumnRole] => [m.variable, 'category']),
    ...Object.keys(record.calibrate?.categorical ?? {}).map((v): [string, ColumnRole] => [v, 'category']),
    ...Object.keys(record.calibrate?.numeric ?? {}).map((v): [string, ColumnRole] => [v, 'number']),
  ];
}

import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../common/errors.js';
import {
  buildDesign,
  compareMeans,
  oneSampleTest,
  regress,
  parseFormula,
  withRecordedCalibration,
  datasetLevel,
  type Regression,
  evaluateColumn,
  categoricalFrom,
  createReplicates,
  designDf,
  estimate,
  evaluateSubset,
  givenReplicates,
  subsetColumns,
  tabulate,
  withReplicates,
  type ColumnRole,
  type DataTable,
  type DesignSpec,
  type Estimate,
  type LonelyPsu,
  type SurveyDesign,
  type CellDesign,
  type CellItem,
  type CellsOutline,
  CellsRefused,
  estimatesFromCells,
  checkEstimateSpec,
  specNames,
  type EstimateSpec,
} from '../analysis/index.js';
import { readTable, readTableHeader, tableFormat } from '../io/read-table.js';
import { csvCells } from '../io/csv-cells.js';
import { binaryCells } from '../io/binary-cells.js';
import { jsonText, list } from './cli-values.js';
import {
  calibratedDesign,
  calibrationColumns,
  calibrationSteps,
  readJson,
  recordColumns,
  recordedCalibration,
  type CalibrationFlags,
} from './calibration-flags.js';

/** Flags shared by estimate, compare and tabulate (as commander parses them). */
export interface DesignFlags extends CalibrationFlags {
  replicates?: 'jk1' | 'jkn' | 'brr' | 'fay' | 'bootstrap';
  repweights?: string;
  repType?: 'JK1' | 'JKn' | 'BRR' | 'Fay' | 'bootstrap' | 'other';
  repScale?: string;
  fayRho?: string;
  rscales?: string;
  bootReplicates?: string;
  seed?: string;
  mse?: boolean;
  weights?: string;
  strata?: string;
  ids?: string;
  fpc?: string;
  nest?: boolean;
  pps?: 'brewer' | 'overton';
  lonelyPsu: LonelyPsu;
  subset?: string;
  /** Numeric-coded columns to treat as categories (R's factor()). */
  factor?: string;
  format: 'json' | 'csv' | 'xlsx';
}

function positiveNumber(text: string | undefined, flag: string, integer = false): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v < 0 || (integer && !Number.isInteger(v)))
    throw new InputError('bad-flags', `${flag} takes a ${integer ? 'whole ' : ''}non-negative number, got "${text}"`);
  return v;
}

/**
 * The per-replicate rscales of --rscales: numbers separated by commas, or a JSON weights report of
 * `mdsurvey weights` (its `replicates.rscales`, or `rscales` at the top).
 */
function rscalesFrom(text: string): number[] {
  let values: unknown;
  if (/\.json$/i.test(text.trim())) {
    let report: { rscales?: unknown; replicates?: { rscales?: unknown } };
    try {
      report = JSON.parse(fs.readFileSync(text.trim(), 'utf8'));
    } catch (err) {
      throw new InputError('bad-flags', `--rscales: cannot read ${text}: ${(err as Error).message}`, '--rscales');
    }
    values = report.replicates?.rscales ?? report.rscales;
    if (!Array.isArray(values))
      throw new InputError('bad-flags', `--rscales: ${text} has no "rscales" list (a weights report of \`mdsurvey weights --replicates jkn\`)`, '--rscales');
  } else values = text.split(',').map((x) => x.trim());
  return (values as unknown[]).map((v, k) => {
    const n = Number(v);
    if (!(n > 0 && Number.isFinite(n))) throw new InputError('bad-flags', `--rscales: value ${k + 1} ("${String(v)}") is not a positive number`, '--rscales');
    return n;
  });
}

/** Reads a column as `role` unless it is already read more strictly: a number wins over auto, auto over category. */
function addRole(roles: Map<string, ColumnRole>, name: string, role: ColumnRole): void {
  const prev = roles.get(name);
  if (!prev || role === 'number' || (role === 'auto' && prev === 'category')) roles.set(name, role);
}

/** Column roles for the design flags. */
function designColumns(flags: DesignFlags): Map<string, ColumnRole> {
  const roles = new Map<string, ColumnRole>();
  const add = (name: string, role: ColumnRole) => addRole(roles, name, role);
  if (flags.weights) add(flags.weights, 'number');
  if (flags.strata) add(flags.strata, 'category');
  for (const c of list(flags.ids)) if (c !== '1' && c !== '0') add(c, 'category');
  for (const c of list(flags.fpc)) add(c, 'number');
  if (flags.subset) for (const c of subsetColumns(flags.subset)) add(c, 'auto');
  return roles;
}

/** The design with replicate weights created as --replicates asks (JK1, JKn, BRR, Fay, bootstrap). */
function withCreatedReplicates(design: SurveyDesign, flags: DesignFlags): SurveyDesign {
  const type = ({ jk1: 'JK1', jkn: 'JKn', brr: 'BRR', fay: 'Fay', bootstrap: 'bootstrap' } as const)[flags.replicates!];
  return withReplicates(
    design,
    createReplicates(design, {
      type,
      rho: positiveNumber(flags.fayRho, '--fay-rho'),
      replicates: positiveNumber(flags.bootReplicates, '--boot-replicates', true),
      seed: positiveNumber(flags.seed, '--seed', true),
      mse: flags.mse,
    }),
  );
}

async function loadDesign(file: string, flags: DesignFlags, extra: [string, ColumnRole][]) {
  if (flags.format === 'xlsx')
    throw new InputError('bad-flags', '--format xlsx is for datasets (indicators, tabulate on a dataset folder or .zip); use json or csv here');
  if (!flags.weights && !flags.fpc) throw new InputError('bad-flags', '--weights is required (or --fpc, from which equal-probability weights follow)');
  if (flags.replicates && flags.repweights) throw new InputError('bad-flags', 'give either --replicates (create them) or --repweights (columns), not both');
  const roles = designColumns(flags);
  let repColumns: string[] = [];
  if (flags.repweights) {
    const wanted = list(flags.repweights);
    const prefix = wanted.length === 1 && wanted[0].endsWith('*') ? wanted[0].slice(0, -1) : null;
    repColumns = prefix === null ? wanted : (await readTableHeader(file)).filter((h) => h.startsWith(prefix));
    if (prefix !== null && repColumns.length === 0) throw new InputError('unknown-column', `no column of ${file} starts with "${prefix}"`);
    for (const c of repColumns) roles.set(c, 'number');
  }
  const steps = calibrationSteps(flags);
  const record = flags.calibration ? recordedCalibration(flags.calibration) : undefined;
  if (record && flags.replicates)
    throw new InputError(
      'bad-flags',
      '--calibration with --replicates: give the replicate weights of the report (--repweights repw*), already calibrated',
      '--replicates',
    );
  for (const [name, role] of [...calibrationColumns(steps), ...(record ? recordColumns(record) : []), ...extra]) addRole(roles, name, role);
  // --factor: numeric codes read as categories (one proportion per code, ordered numerically), as R's factor().
  for (const name of list(flags.factor)) {
    if (roles.get(name) === 'number')
      throw new InputError('bad-flags', `--factor ${name}: the column is also used as a number (a weight, fpc, ratio or quantile)`, '--factor');
    roles.set(name, 'category');
  }
  const table = await readTable(file, roles);
  const spec: DesignSpec = {
    weights: flags.weights,
    strata: flags.strata,
    ids: list(flags.ids),
    fpc: list(flags.fpc),
    nest: flags.nest,
    lonelyPsu: flags.lonelyPsu,
    ...(flags.pps ? { pps: flags.pps } : {}),
  };
  let design = buildDesign(table, spec);
  if (flags.replicates) {
    design = withCreatedReplicates(design, flags);
  } else if (repColumns.length) {
    design = withReplicates(
      design,
      givenReplicates(table, repColumns, {
        type: flags.repType,
        scale: positiveNumber(flags.repScale, '--rep-scale'),
        mse: flags.mse,
        rho: positiveNumber(flags.fayRho, '--fay-rho'),
        ...(flags.rscales !== undefined ? { rscales: rscalesFrom(flags.rscales) } : {}),
      }),
    );
  }
  if (record) design = withRecordedCalibration(design, table, record, flags.weights ?? '(weights)', `--calibration ${flags.calibration}`);
  if (steps) design = calibratedDesign(design, table, steps, (m) => process.stderr.write(`mdsurvey: warning: ${m}\n`));
  const subset = flags.subset ? evaluateSubset(table, flags.subset) : null;
  return { table, design, subset };
}

/** One estimate of a table (a --spec entry, or the flags of `estimate`): what, by which domains, in which subset. */
interface TableEntry {
  means: string[];
  totals: string[];
  ratios: unknown[];
  quantiles: string[];
  by: string[];
  subset?: string;
}

/**
 * Means and totals with strata, one stage of PSUs and linearisation, on a CSV file: read in one pass
 * into cells (analysis/cells.ts), by two threads on a large file, in the memory of the cells. The same
 * figures as `loadDesign` then `estimate` (tests/integration/estimate-cells.test.ts); null when the
 * request or the file needs the row-by-row path (anything else it asks, a bad row), which then runs.
 */
async function estimateByCells(file: string, flags: DesignFlags & { proportionCi?: string }, entries: TableEntry[]) {
  const ids = list(flags.ids).filter((c) => c !== '1' && c !== '0');
  const format = tableFormat(file);
  const plain =
    (format === 'csv' || format === 'dta' || format === 'sav') &&
    flags.format !== 'xlsx' &&
    flags.weights &&
    ids.length === 1 &&
    !flags.fpc &&
    !flags.pps &&
    !flags.replicates &&
    !flags.repweights &&
    !flags.factor &&
    !flags.calibration &&
    !calibrationSteps(flags) &&
    flags.proportionCi !== 'korn-graubard' &&
    entries.every((e) => !e.ratios.length && !e.quantiles.length);
  if (!plain || process.env.MDSURVEY_ROWS === '1') return null;
  const roles = new Map<string, ColumnRole>();
  const add = (name: string, role: ColumnRole) => addRole(roles, name, role);
  add(flags.weights!, 'number');
  if (flags.strata) add(flags.strata, 'category');
  add(ids[0], 'category');
  const items: { entry: number; statistic: 'mean' | 'total'; item: CellItem }[] = [];
  entries.forEach((e, k) => {
    for (const c of e.by) add(c, 'category');
    if (e.subset) for (const c of subsetColumns(e.subset)) add(c, 'auto');
    for (const [statistic, vars] of [
      ['mean', e.means],
      ['total', e.totals],
    ] as const)
      for (const v of vars) items.push({ entry: k, statistic, item: { variable: v, by: e.by, subset: e.subset ?? null } });
  });
  for (const { item } of items) add(item.variable, 'number');
  const design: CellDesign = { weights: flags.weights!, strata: flags.strata, psu: ids[0], nest: flags.nest, lonelyPsu: flags.lonelyPsu };
  const read =
    format === 'dta' || format === 'sav'
      ? await binaryCells(
          file,
          format,
          roles,
          design,
          items.map((i) => i.item),
        )
      : await csvCells(
          file,
          roles,
          design,
          items.map((i) => i.item),
        );
  if (!read) return null;
  try {
    const results = entries.map(() => ({ estimates: [] as Estimate[], subsetRows: 0 }));
    let outline: CellsOutline | null = null;
    items.forEach(({ entry, statistic, item }, k) => {
      const r = estimatesFromCells(read.cells[k], design, item, statistic);
      results[entry].estimates.push(...r.estimates);
      results[entry].subsetRows = r.outline.insideRows;
      outline ??= r.outline;
    });
    const o = outline!;
    return { design: { rows: o.rows, strata: o.strata, psus: o.psus, df: o.df, lonelyPsu: flags.lonelyPsu ?? 'fail', variance: 'linearisation' }, results };
  } catch (err) {
    if (!(err instanceof CellsRefused)) throw err;
    if (process.env.MDSURVEY_DEBUG) process.stderr.write(`mdsurvey: reading ${file} row by row: ${err.message}\n`);
    return null;
  }
}

function designSummary(design: SurveyDesign, table: DataTable, subset: Uint8Array | null) {
  let subsetRows: number | undefined;
  if (subset) subsetRows = subset.reduce((a, b) => a + b, 0);
  return {
    rows: table.nRows,
    strata: design.strataLabels.length,
    psus: design.psuLabels.length,
    df: design.replicates ? design.replicates.df : designDf(design),
    lonelyPsu: design.lonelyPsu,
    variance: design.replicates ? `replicates (${design.replicates.type}, ${design.replicates.count})` : 'linearisation',
    ...(subset ? { subsetRows } : {}),
  };
}

const ESTIMATE_CSV_COLUMNS = [
  'statistic',
  'variable',
  'level',
  'domain',
  'estimate',
  'se',
  'ci_low',
  'ci_high',
  'ci_method',
  'df',
  'n',
  'missing',
  'deff',
  'cv',
];
function estimateCsvRow(e: Estimate, extra: Record<string, unknown> = {}) {
  return {
    statistic: e.statistic,
    variable: e.variable,
    level: e.level ?? '',
    domain: e.domain
      ? Object.entries(e.domain)
          .map(([k, v]) => `${k}=${v}`)
          .join(';')
      : '',
    estimate: e.estimate,
    se: e.se,
    ci_low: e.ci[0],
    ci_high: e.ci[1],
    ci_method: e.ciMethod,
    df: e.df,
    n: e.n,
    missing: e.missing,
    deff: e.deff ?? '',
    cv: e.cv ?? '',
    ...extra,
  };
}

function printJson(value: unknown): void {
  process.stdout.write(jsonText(value));
}

/** Runs `mdsurvey estimate`. */
export async function estimateAction(
  file: string,
  flags: DesignFlags & {
    mean?: string;
    total?: string;
    ratio?: string;
    quantile?: string;
    probs?: string;
    by?: string;
    spec?: string;
    table?: string;
    proportionCi: 't' | 'korn-graubard';
  },
): Promise<void> {
  if (flags.spec) return estimateSpecAction(file, flags);
  if (/^postgres(ql)?:\/\//.test(file)) return estimateInDatabaseAction(file, flags);
  const means = list(flags.mean);
  const quantileVars = list(flags.quantile);
  const probabilities = flags.probs === undefined ? [0.5] : list(flags.probs).map(Number);
  if (probabilities.some((p) => !(p >= 0 && p <= 1)) || probabilities.length === 0)
    throw new InputError('bad-flags', `--probs takes probabilities between 0 and 1, got "${flags.probs}"`);
  const totals = list(flags.total);
  const ratios = list(flags.ratio).map((r) => {
    const parts = r.split('/');
    if (parts.length !== 2 || !parts[0] || !parts[1]) throw new InputError('bad-flags', `--ratio takes NUM/DEN, got "${r}"`);
    return { numerator: parts[0].trim(), denominator: parts[1].trim() };
  });
  if (!means.length && !totals.length && !ratios.length && !quantileVars.length)
    throw new InputError('bad-flags', 'say what to estimate: --mean, --total, --ratio or --quantile');
  const by = list(flags.by);
  const cells = await estimateByCells(file, flags, [{ means, totals, ratios, quantiles: quantileVars, by, subset: flags.subset }]);
  if (cells) {
    const design = { ...cells.design, ...(flags.subset ? { subsetRows: cells.results[0].subsetRows } : {}) };
    return printEstimates(flags.format, design, cells.results[0].estimates);
  }
  const extra: [string, ColumnRole][] = [
    ...means.map((c): [string, ColumnRole] => [c, 'auto']),
    ...totals.map((c): [string, ColumnRole] => [c, 'auto']),
    ...ratios.flatMap((r): [string, ColumnRole][] => [
      [r.numerator, 'number'],
      [r.denominator, 'number'],
    ]),
    ...by.map((c): [string, ColumnRole] => [c, 'category']),
    ...quantileVars.map((c): [string, ColumnRole] => [c, 'number']),
  ];
  const { table, design, subset } = await loadDesign(file, flags, extra);
  const estimates = estimate(design, table, {
    means,
    totals,
    ratios,
    by,
    subset,
    proportionCi: flags.proportionCi,
    quantiles: quantileVars.length ? { variables: quantileVars, probabilities } : undefined,
  });
  printEstimates(flags.format, designSummary(design, table, subset), estimates);
}

/** The estimates of `estimate`: JSON with the design, or CSV. */
function printEstimates(format: string, design: unknown, estimates: Estimate[]): void {
  if (format === 'csv')
    process.stdout.write(
      stringify(
        estimates.map((e) => estimateCsvRow(e)),
        { header: true, columns: ESTIMATE_CSV_COLUMNS },
      ),
    );
  else printJson({ design, estimates });
}

/**
 * `mdsurvey estimate FILE --spec analysis.json`: a whole table of estimates from one reading of the
 * file (each with its own statistic, domains and subset), as the same estimates run one by one would
 * give them. The columns every entry needs are read in one pass; each subset is evaluated on the table.
 */
async function estimateSpecAction(
  file: string,
  flags: DesignFlags & {
    spec?: string;
    table?: string;
    proportionCi: 't' | 'korn-graubard';
    mean?: string;
    total?: string;
    ratio?: string;
    quantile?: string;
    by?: string;
  },
) {
  if (flags.mean || flags.total || flags.ratio || flags.quantile || flags.by || flags.subset)
    throw new InputError('bad-flags', '--spec gives the estimates: leave out --mean, --total, --ratio, --quantile, --by and --subset', '--spec');
  const spec = readJson(flags.spec!, 'the analysis spec');
  checkEstimateSpec(spec, flags.spec!);
  const entries = (spec as EstimateSpec).estimates.map((e, k) => {
    const ratios = specNames(e.ratio).map((r) => {
      const parts = r.split('/');
      if (parts.length !== 2 || !parts[0] || !parts[1])
        throw new InputError('bad-spec', `${flags.spec}: /estimates/${k}/ratio takes NUM/DEN, got "${r}"`, `/estimates/${k}`);
      return { numerator: parts[0].trim(), denominator: parts[1].trim() };
    });
    const entry = {
      name: e.name ?? `estimate ${k + 1}`,
      means: specNames(e.mean),
      totals: specNames(e.total),
      ratios,
      quantiles: specNames(e.quantile),
      probs: e.probs ?? [0.5],
      by: specNames(e.by),
      subset: e.subset,
    };
    if (!entry.means.length && !entry.totals.length && !ratios.length && !entry.quantiles.length)
      throw new InputError('bad-spec', `${flags.spec}: /estimates/${k} says nothing to estimate (mean, total, ratio or quantile)`, `/estimates/${k}`);
    return entry;
  });
  if (/^postgres(ql)?:\/\//.test(file)) {
    const base = databaseRequest(file, flags);
    const other = entries.findIndex((e) => e.ratios.length || e.quantiles.length);
    if (other >= 0)
      throw new InputError(
        'bad-spec',
        `${flags.spec}: /estimates/${other}: in the database, means and totals only (export the table to a file for ratios and quantiles)`,
        `/estimates/${other}`,
      );
    const { estimateTableInDatabase } = await import('../io/sql-estimate.js');
    const r = await estimateTableInDatabase(base, entries);
    return printSpecResults(flags.format, r.design, entries, r.results);
  }
  const cells = await estimateByCells(file, flags, entries);
  if (cells) {
    return printSpecResults(flags.format, cells.design, entries, cells.results);
  }
  const extra: [string, ColumnRole][] = [];
  const add = (c: string, role: ColumnRole) => extra.push([c, role]);
  for (const e of entries) {
    for (const c of [...e.means, ...e.totals]) add(c, 'auto');
    for (const r of e.ratios) for (const c of [r.numerator, r.denominator]) add(c, 'number');
    for (const c of e.quantiles) add(c, 'number');
    for (const c of e.by) add(c, 'category');
    if (e.subset) for (const c of subsetColumns(e.subset)) add(c, 'auto');
  }
  // loadDesign gives each column one role (addRole).
  const { table, design } = await loadDesign(file, flags, extra);
  const results = entries.map((e) => {
    const subset = e.subset ? evaluateSubset(table, e.subset) : null;
    const estimates = estimate(design, table, {
      means: e.means,
      totals: e.totals,
      ratios: e.ratios,
      by: e.by,
      subset,
      proportionCi: flags.proportionCi,
      quantiles: e.quantiles.length ? { variables: e.quantiles, probabilities: e.probs } : undefined,
    });
    return { estimates, subsetRows: subset?.reduce((a, b) => a + b, 0) };
  });
  printSpecResults(flags.format, designSummary(design, table, null), entries, results);
}

/** The results of a --spec, one per entry (its subset's row count when it has one): JSON with the design, or CSV with a name column. */
function printSpecResults(
  format: string,
  design: unknown,
  entries: { name: string; subset?: string }[],
  perEntry: { estimates: Estimate[]; subsetRows?: number }[],
): void {
  const results = entries.map((e, k) => ({
    name: e.name,
    ...(e.subset ? { subset: e.subset, subsetRows: perEntry[k].subsetRows } : {}),
    estimates: perEntry[k].estimates,
  }));
  if (format === 'csv')
    process.stdout.write(
      stringify(
        results.flatMap((r) => r.estimates.map((e) => estimateCsvRow(e, { name: r.name }))),
        { header: true, columns: ['name', ...ESTIMATE_CSV_COLUMNS] },
      ),
    );
  else printJson({ design, results });
}

/**
 * `mdsurvey estimate postgres://... --table t`: the estimates computed inside the database (per-cell
 * sums by GROUP BY), equal to the same estimates on the table exported as a file.
 */
async function estimateInDatabaseAction(
  url: string,
  flags: DesignFlags & { table?: string; mean?: string; total?: string; by?: string; ratio?: string; quantile?: string },
) {
  const base = databaseRequest(url, flags);
  const { estimateInDatabase } = await import('../io/sql-estimate.js');
  const r = await estimateInDatabase({ ...base, means: list(flags.mean), totals: list(flags.total), by: list(flags.by), subset: flags.subset });
  printEstimates(flags.format, r.design, r.estimates);
}

/** The design of an estimate inside the database, from the flags; what the database path does not read is refused. */
function databaseRequest(url: string, flags: DesignFlags & { table?: string; ratio?: string; quantile?: string }) {
  if (!flags.table) throw new InputError('bad-flags', 'a database URL needs --table NAME (the table to estimate on)', '--table');
  const unsupported = (
    [
      ['--ratio', flags.ratio],
      ['--quantile', flags.quantile],
      ['--fpc', flags.fpc],
      ['--replicates', flags.replicates],
      ['--repweights', flags.repweights],
      ['--factor', flags.factor],
      ['--calibration', flags.calibration],
    ] as const
  ).filter(([, v]) => v !== undefined);
  if (unsupported.length)
    throw new InputError(
      'bad-flags',
      `in the database, estimate reads means and totals with strata and PSUs; not ${unsupported.map(([f]) => f).join(', ')} (export the table to a file for those)`,
    );
  const ids = list(flags.ids);
  if (ids.length > 1) throw new InputError('bad-flags', 'in the database, one stage of clusters (--ids PSU)', '--ids');
  if (ids.length === 0 || ids[0] === '1' || ids[0] === '0')
    throw new InputError(
      'bad-flags',
      'in the database, name the PSU column (--ids PSU); a design whose units are the rows takes a row id column as --ids (each row its own PSU)',
      '--ids',
    );
  if (!flags.weights) throw new InputError('bad-flags', '--weights is required');
  return { url, table: flags.table, weights: flags.weights, strata: flags.strata, psu: ids[0], nest: flags.nest, lonelyPsu: flags.lonelyPsu };
}

/** Runs `mdsurvey compare`. */
export async function compareAction(file: string, flags: DesignFlags & { mean: string; group?: string; mu?: string }): Promise<void> {
  const variables = list(flags.mean);
  if (!flags.group) return oneSampleAction(file, variables, flags);
  if (flags.mu !== undefined) throw new InputError('bad-flags', '--mu is for a one-sample test: give --group or --mu, not both', '--mu');
  // --group is a column, or an expression in the questionnaire language (`${age} >= 15`): its value
  // groups the rows (R: svyttest(y ~ I(age >= 15))); a row missing a column the expression reads has no group.
  const isExpression = flags.group.includes('${');
  const groupColumns: [string, ColumnRole][] = isExpression
    ? subsetColumns(flags.group).map((c): [string, ColumnRole] => [c, 'auto'])
    : [[flags.group, 'category']];
  const extra: [string, ColumnRole][] = [...variables.map((v): [string, ColumnRole] => [v, 'auto']), ...groupColumns];
  const loaded = await loadDesign(file, flags, extra);
  const { design, subset } = loaded;
  let table = loaded.table;
  const group = flags.group;
  if (isExpression) {
    const value = evaluateColumn(table, group, group, '--group');
    const missing = (row: number) =>
      groupColumns.some(([c]) => {
        const col = table.columns.get(c)!;
        return col.kind === 'number' ? Number.isNaN(col.values[row]) : col.codes[row] < 0;
      });
    const labels = Array.from({ length: table.nRows }, (_, row) =>
      missing(row) ? null : value.kind === 'number' ? String(value.values[row]) : value.codes[row] < 0 ? null : value.levels[value.codes[row]],
    );
    table = { ...table, columns: new Map([...table.columns, [group, categoricalFrom(group, labels)]]) };
  }
  const comparisons = variables.flatMap((variable) => compareMeans(design, table, { variable, group, subset }));
  if (flags.format === 'csv') {
    const rows = comparisons.map((c) => ({
      variable: c.variable,
      level: c.level ?? '',
      group: c.group,
      level_a: c.levels[0],
      level_b: c.levels[1],
      estimate_a: c.estimates[0].estimate,
      se_a: c.estimates[0].se,
      estimate_b: c.estimates[1].estimate,
      se_b: c.estimates[1].se,
      difference: c.difference,
      se: c.se,
      t: c.t,
      df: c.df,
      p: c.p,
    }));
    process.stdout.write(stringify(rows, { header: true }));
  } else printJson({ design: designSummary(design, table, subset), comparisons });
}

/** `mdsurvey compare --mean Y [--mu M]` without a group: the one-sample test of each mean against M (default 0). */
async function oneSampleAction(file: string, variables: string[], flags: DesignFlags & { mu?: string }): Promise<void> {
  const mu = flags.mu === undefined ? 0 : Number(flags.mu);
  if (!Number.isFinite(mu)) throw new InputError('bad-flags', `--mu takes a number, got "${flags.mu}"`, '--mu');
  const { table, design, subset } = await loadDesign(
    file,
    flags,
    variables.map((v): [string, ColumnRole] => [v, 'number']),
  );
  const tests = variables.map((variable) => oneSampleTest(design, table, { variable, mu, subset }));
  if (flags.format === 'csv') {
    const rows = tests.map((t) => ({
      variable: t.variable,
      mu: t.mu,
      mean: t.estimate.estimate,
      difference: t.difference,
      se: t.se,
      t: t.t,
      df: t.df,
      p: t.p,
      ci_low: t.ci[0],
      ci_high: t.ci[1],
    }));
    process.stdout.write(stringify(rows, { header: true }));
  } else printJson({ design: designSummary(design, table, subset), tests });
}

/** Runs `mdsurvey tabulate`. */
export async function tabulateAction(file: string, flags: DesignFlags & { rows: string; cols: string }): Promise<void> {
  const extra: [string, ColumnRole][] = [
    [flags.rows, 'category'],
    [flags.cols, 'category'],
  ];
  const { table, design, subset } = await loadDesign(file, flags, extra);
  const t = tabulate(design, table, { rows: flags.rows, cols: flags.cols, subset });
  if (flags.format === 'csv') {
    const rows = t.cells.map((c) => ({
      row: c.row,
      col: c.col,
      n: c.n,
      count: c.count.estimate,
      count_se: c.count.se,
      proportion: c.proportion.estimate,
      proportion_se: c.proportion.se,
      row_proportion: c.rowProportion.estimate,
      row_proportion_se: c.rowProportion.se,
    }));
    process.stdout.write(stringify(rows, { header: true }));
    process.stdout.write(
      `# rao-scott F=${t.test.f} ndf=${t.test.ndf} ddf=${t.test.ddf} p=${t.test.p}; chisq=${t.test.chisq.statistic} df=${t.test.chisq.df} p=${t.test.chisq.p}\n`,
    );
  } else {
    printJson({
      design: designSummary(design, table, subset),
      rows: t.rows,
      cols: t.cols,
      rowLevels: t.rowLevels,
      colLevels: t.colLevels,
      n: t.n,
      cells: t.cells.map((c) => ({
        row: c.row,
        col: c.col,
        n: c.n,
        count: { estimate: c.count.estimate, se: c.count.se, ci: c.count.ci },
        proportion: { estimate: c.proportion.estimate, se: c.proportion.se, ci: c.proportion.ci },
        rowProportion: { estimate: c.rowProportion.estimate, se: c.rowProportion.se, ci: c.rowProportion.ci },
      })),
      test: t.test,
    });
  }
}

type RegressFlags = DesignFlags & {
  formula: string;
  family: 'gaussian' | 'quasibinomial' | 'linear' | 'logistic';
  test: string[];
  margins?: string;
  level?: string;
};

function regressRequest(flags: RegressFlags, subset: Uint8Array | null) {
  return {
    formula: flags.formula,
    family: flags.family === 'linear' ? ('gaussian' as const) : flags.family === 'logistic' ? ('quasibinomial' as const) : flags.family,
    factors: list(flags.factor),
    subset,
    tests: flags.test.map((t) => list(t)),
    margins: flags.margins,
  };
}

function printRegression(result: Regression, design: Record<string, unknown>, format: DesignFlags['format']): void {
  if (format === 'csv') {
    const rows = result.coefficients.map((c) => ({
      term: c.term,
      estimate: c.estimate,
      se: c.se,
      t: c.t,
      df: result.dfResidual,
      p: c.p,
      ci_low: c.ci[0],
      ci_high: c.ci[1],
    }));
    process.stdout.write(stringify(rows, { header: true }));
  } else printJson({ design, ...result });
}

/** Runs `mdsurvey regress` on a CSV file with design flags. */
export async function regressAction(file: string, flags: RegressFlags): Promise<void> {
  if (flags.level) throw new InputError('bad-flags', '--level is for a dataset (folder or .zip)', '--level');
  const formula = parseFormula(flags.formula);
  const extra: [string, ColumnRole][] = [[formula.response, 'auto']];
  for (const v of formula.variables.values()) extra.push([v.column, v.asFactor ? 'category' : 'auto']);
  if (flags.margins) extra.push([flags.margins, 'category']);
  const { table, design, subset } = await loadDesign(file, flags, extra);
  printRegression(regress(design, table, regressRequest(flags, subset)), designSummary(design, table, subset), flags.format);
}

/**
 * Runs `mdsurvey regress` on a survey dataset: the rows of one level with the design of design.json, the
 * catalogue's derived variables (statuses, indicators' outcomes) and amounts converted to local currency
 * and USD, as `indicators` sees them.
 */
export async function regressDatasetAction(location: string, flags: RegressFlags): Promise<void> {
  const designFlags = ['weights', 'strata', 'ids', 'fpc', 'repweights'] as const;
  const given = designFlags.filter((f) => flags[f] !== undefined);
  if (given.length) throw new InputError('bad-flags', `a dataset carries its design (design.json): leave out --${given.join(', --')}`, `--${given[0]}`);
  const { readDataset } = await import('../io/dataset-files.js');
  const dataset = await readDataset(location);
  const level = flags.level ?? dataset.design.designLevel;
  const prepared = datasetLevel(dataset, level);
  const table = prepared.table;
  let design = prepared.design;
  if (flags.replicates) {
    if (design.replicates) throw new InputError('bad-flags', 'the dataset has its own replicate weights (design.json): leave out --replicates', '--replicates');
    design = withCreatedReplicates(design, flags);
  }
  const subset = flags.subset ? evaluateSubset(table, flags.subset) : null;
  const result = regress(design, table, regressRequest(flags, subset));
  printRegression(result, { ...designSummary(design, table, subset), level, notes: prepared.notes }, flags.format);
}

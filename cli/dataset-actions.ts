import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../common/errors.js';
import {
  DEFAULT_THRESHOLDS,
  computeIndicators,
  publishedRows,
  parseCatalogue,
  shippedCatalogue,
  type DatasetDesign,
  type DisclosureThresholds,
  type IndicatorReport,
} from '../analysis/index.js';
import {
  attachColumns,
  indicatorWorkbook,
  TABLE_PRESETS,
  tablePreset,
  tabulateDataset,
  tabulationWorkbook,
  type DatasetTabulation,
  type GroupingOptions,
} from '../analysis/index.js';
import { readTable, readTableHeader } from '../io/read-table.js';
import { jsonText as json, list } from './cli-values.js';
import { exportMicrodata, writeExportFiles } from '../io/microdata-export.js';
import { readDataset, tableRecords, writeDataset } from '../io/dataset-files.js';

function numberFlag(text: string | undefined, flag: string, min: number, max = Infinity): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || v > max)
    throw new InputError('bad-flags', `${flag} takes a number from ${min}${max < Infinity ? ` to ${max}` : ''}, got "${text}"`, flag);
  return v;
}

/** Disclosure flags shared by indicators and tabulate. */
export interface DisclosureFlags {
  minCases?: string;
  flagCases?: string;
  maxRse?: string;
  suppress: boolean;
}

function thresholdsOf(flags: DisclosureFlags): DisclosureThresholds {
  const t = {
    minCases: numberFlag(flags.minCases, '--min-cases', 0) ?? DEFAULT_THRESHOLDS.minCases,
    flagCases: numberFlag(flags.flagCases, '--flag-cases', 0) ?? DEFAULT_THRESHOLDS.flagCases,
    maxRse: numberFlag(flags.maxRse, '--max-rse', 0) ?? DEFAULT_THRESHOLDS.maxRse,
  };
  if (t.flagCases < t.minCases) throw new InputError('bad-flags', `--flag-cases (${t.flagCases}) must be at least --min-cases (${t.minCases})`, '--flag-cases');
  return t;
}

function output(text: string | Uint8Array, out: string | undefined): void {
  if (out) fs.writeFileSync(out, text);
  else process.stdout.write(text);
}

/** Indicator rows as CSV records, with suppressed values left blank unless asked. */
export function indicatorCsv(report: IndicatorReport, suppress: boolean): string {
  const rows = (suppress ? publishedRows(report.rows) : report.rows).map((r) => {
    const v = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '' : x);
    return {
      indicator: r.id,
      category: r.category ?? '',
      domain: r.domain,
      unit: r.unit,
      statistic: r.statistic,
      money_unit: r.moneyUnit ?? '',
      group: r.group,
      ...Object.fromEntries(report.by.map((b) => [b, r.by[b] ?? ''])),
      estimate: v(r.estimate),
      se: v(r.se),
      ci_low: v(r.ci?.[0]),
      ci_high: v(r.ci?.[1]),
      df: r.df ?? '',
      n: r.n,
      weighted_n: v(r.weightedN),
      deff: v(r.deff),
      effective_n: v(r.effectiveN),
      cv: v(r.cv),
      difference: v(r.difference?.estimate),
      difference_se: v(r.difference?.se),
      difference_p: v(r.difference?.p),
      difference_p_adjusted: v(r.difference?.pAdjusted),
      flags: r.flags.join(' '),
      label: r.label,
    };
  });
  return stringify(rows, {
    header: true,
    columns: [
      'indicator',
      'category',
      'domain',
      'unit',
      'statistic',
      'money_unit',
      'group',
      ...report.by,
      'estimate',
      'se',
      'ci_low',
      'ci_high',
      'df',
      'n',
      'weighted_n',
      'deff',
      'effective_n',
      'cv',
      'difference',
      'difference_se',
      'difference_p',
      'difference_p_adjusted',
      'flags',
      'label',
    ],
  });
}

/** Runs `mdsurvey indicators`. */
export async function indicatorsAction(
  location: string,
  flags: DisclosureFlags & {
    compare?: string;
    reference?: string;
    by?: string;
    where?: string;
    pAdjust?: 'none' | 'holm';
    only?: string;
    format: 'json' | 'csv' | 'xlsx';
    out?: string;
    language: string;
    catalogue?: string;
  },
): Promise<void> {
  if (flags.format === 'xlsx' && !flags.out) throw new InputError('bad-flags', '--format xlsx writes a file: give --out FILE.xlsx', '--out');
  let catalogue = shippedCatalogue();
  if (flags.catalogue) {
    let value: unknown;
    try {
      value = JSON.parse(fs.readFileSync(flags.catalogue, 'utf8'));
    } catch (err) {
      throw new InputError('bad-catalogue', `${flags.catalogue}: ${(err as Error).message}`, flags.catalogue);
    }
    catalogue = parseCatalogue(value, flags.catalogue);
  }
  const dataset = await readDataset(location);
  const thresholds = thresholdsOf(flags);
  const report = computeIndicators(dataset, catalogue, {
    compare: flags.compare,
    reference: flags.reference,
    by: list(flags.by),
    ...(flags.where ? { where: flags.where } : {}),
    pAdjust: flags.pAdjust ?? 'none',
    only: flags.only ? list(flags.only) : undefined,
    language: flags.language,
    thresholds,
  });
  if (flags.format === 'csv') output(indicatorCsv(report, flags.suppress), flags.out);
  else if (flags.format === 'xlsx') output(await indicatorWorkbook(report, flags.suppress), flags.out);
  else {
    const rows = flags.suppress ? publishedRows(report.rows) : report.rows;
    output(json({ ...report, rows }), flags.out);
  }
  for (const s of report.skipped) process.stderr.write(`mdsurvey: not computed: ${s.id}: ${s.reason}\n`);
}

/** True when the argument of tabulate is a dataset (folder or .zip) rather than one CSV file. */
export function isDataset(location: string): boolean {
  try {
    const st = fs.statSync(location);
    return st.isDirectory() || (st.isFile() && location.toLowerCase().endsWith('.zip'));
  } catch {
    return false;
  }
}

function tabulationCsv(tab: DatasetTabulation, stat: 'count' | 'percent', suppress: boolean): string {
  const rows = tab.tables.flatMap((t) =>
    [...t.cells, ...t.rowMargins, ...t.colMargins, t.total].map((e) => {
      const hide = suppress && (e.status === 'suppressed' || e.status === 'complementary');
      const s = stat === 'count' ? e.count : e.percent;
      return {
        ...(tab.by ? { [tab.by]: t.by[tab.by] } : {}),
        [tab.rows]: e.row ?? 'Total',
        [tab.cols]: e.col ?? 'Total',
        [`${tab.rows}_label`]: e.row === null ? '' : (tab.valueLabels.rows[e.row] ?? e.row),
        [`${tab.cols}_label`]: e.col === null ? '' : (tab.valueLabels.cols[e.col] ?? e.col),
        n: hide ? '' : e.n,
        [stat]: hide ? '' : s.estimate,
        se: hide ? '' : s.se,
        ci_low: hide ? '' : s.ci[0],
        ci_high: hide ? '' : s.ci[1],
        status: e.status,
      };
    }),
  );
  return stringify(rows, { header: true });
}

/** Runs `mdsurvey tabulate` on a dataset (presets, by-variable, disclosure control). */
export async function tabulateDatasetAction(
  location: string,
  flags: DisclosureFlags & {
    preset?: string;
    rows?: string;
    cols?: string;
    by?: string;
    level?: string;
    universe?: string;
    subset?: string;
    stat: 'count' | 'percent';
    ageGroups?: string;
    arrivalPeriods?: string;
    topCountries?: string;
    countryGroups?: string;
    format: 'json' | 'csv' | 'xlsx';
    out?: string;
    language?: string;
  },
): Promise<void> {
  if (flags.format === 'xlsx' && !flags.out) throw new InputError('bad-flags', '--format xlsx writes a file: give --out FILE.xlsx', '--out');
  const preset = flags.preset ? tablePreset(flags.preset) : undefined;
  const rows = flags.rows ?? preset?.rows;
  const cols = flags.cols ?? preset?.cols;
  if (!rows || !cols) throw new InputError('bad-flags', `give --rows and --cols, or --preset (${TABLE_PRESETS.map((p) => p.id).join(', ')})`);
  const grouping: GroupingOptions = {
    ageBreaks: flags.ageGroups ? list(flags.ageGroups).map((x) => numberFlag(x, '--age-groups', 0)!) : preset?.ageBreaks,
    arrivalBreaks: flags.arrivalPeriods ? list(flags.arrivalPeriods).map((x) => numberFlag(x, '--arrival-periods', 1800, 2200)!) : undefined,
    topCountries: numberFlag(flags.topCountries, '--top-countries', 0),
  };
  if (flags.countryGroups) {
    try {
      grouping.countryGroups = JSON.parse(fs.readFileSync(flags.countryGroups, 'utf8'));
    } catch (err) {
      throw new InputError('bad-flags', `--country-groups ${flags.countryGroups}: ${(err as Error).message}`, '--country-groups');
    }
  }
  const dataset = await readDataset(location);
  const tab = tabulateDataset(dataset, {
    level: flags.level ?? preset?.level ?? dataset.design.designLevel,
    rows,
    cols,
    by: flags.by ?? preset?.by,
    universe: flags.universe ?? flags.subset ?? preset?.universe,
    title: preset?.title,
    grouping,
    thresholds: thresholdsOf(flags),
    language: flags.language,
  });
  if (flags.format === 'csv') output(tabulationCsv(tab, flags.stat, flags.suppress), flags.out);
  else if (flags.format === 'xlsx') {
    const labels = Object.fromEntries(dataset.codebook.variables.map((v) => [v.variable, v.label.en ?? v.variable]));
    output(await tabulationWorkbook(tab, labels, flags.suppress), flags.out);
  } else {
    const hideEntry = <T extends { status: string; n: number; count: object; percent: object }>(e: T) =>
      flags.suppress && (e.status === 'suppressed' || e.status === 'complementary')
        ? { ...e, n: null, count: null, percent: null, rowPercent: null, colPercent: null }
        : e;
    output(
      json({
        ...tab,
        tables: tab.tables.map((t) => ({
          ...t,
          cells: t.cells.map(hideEntry),
          rowMargins: t.rowMargins.map(hideEntry),
          colMargins: t.colMargins.map(hideEntry),
          total: hideEntry(t.total),
        })),
      }),
      flags.out,
    );
  }
}

/** Runs `mdsurvey export`. */
export async function exportAction(
  location: string,
  flags: { out: string; public: boolean; k?: string; rareCountry?: string; protect?: string; formats: string; language: string; seed?: string },
): Promise<void> {
  const formats = list(flags.formats);
  for (const f of formats)
    if (!['csv', 'dta'].includes(f)) throw new InputError('bad-flags', `--format takes csv and/or dta (comma-separated), got "${f}"`, '--format');
  if (fs.existsSync(flags.out) && fs.readdirSync(flags.out).length > 0)
    throw new InputError('bad-flags', `--out ${flags.out} is not empty: choose a new folder (nothing is overwritten)`, '--out');
  const dataset = await readDataset(location);
  const result = exportMicrodata(dataset, {
    publicUse: flags.public,
    k: numberFlag(flags.k, '--k', 1),
    rareCountry: numberFlag(flags.rareCountry, '--rare-country', 0),
    protect: flags.protect === undefined ? undefined : list(flags.protect),
    seed: numberFlag(flags.seed, '--seed', 0),
    formats: formats as ('csv' | 'dta')[],
    language: flags.language,
  });
  await writeExportFiles(flags.out, result.files);
  process.stdout.write(json({ out: flags.out, files: [...result.files.keys()], disclosure: result.disclosure }));
}

/** Runs `mdsurvey dataset attach`: joins columns of a CSV (final weights, replicate weights) onto the design level and updates design.json. */
export async function attachAction(
  location: string,
  flags: {
    from: string;
    on: string;
    columns?: string;
    out: string;
    weights?: string;
    strata?: string;
    ids?: string;
    fpc?: string;
    repweights?: string;
    repType?: string;
    repScale?: string;
    repReport?: string;
    lonelyPsu?: string;
    allowZeroWeights?: boolean;
  },
): Promise<void> {
  if (fs.existsSync(flags.out) && fs.readdirSync(flags.out).length > 0)
    throw new InputError('bad-flags', `--out ${flags.out} is not empty: choose a new folder (nothing is overwritten)`, '--out');
  const [datasetKey, fileKey = datasetKey] = flags.on.split('=').map((s) => s.trim());
  if (!datasetKey) throw new InputError('bad-flags', '--on takes COLUMN or DATASET_COLUMN=FILE_COLUMN', '--on');
  // The report of `mdsurvey weights --report` says how its replicates combine (type, scale, per-replicate factors).
  let fromReport: { type?: string; scale?: number; rscales?: number[] } = {};
  let calibration: DatasetDesign['calibration'];
  if (flags.repReport) {
    try {
      const report = JSON.parse(fs.readFileSync(flags.repReport, 'utf8'));
      fromReport = report.replicates ?? {};
      calibration = report.calibration;
    } catch (err) {
      throw new InputError('bad-flags', `--rep-report ${flags.repReport}: ${(err as Error).message}`, '--rep-report');
    }
    if (flags.repweights && !fromReport.type)
      throw new InputError(
        'bad-flags',
        `--rep-report ${flags.repReport}: no "replicates" in it (run mdsurvey weights with --replicates and --report)`,
        '--rep-report',
      );
  }
  const dataset = await readDataset(location);
  const added = await readCsvAll(flags.from);
  const result = attachColumns(dataset, added, {
    datasetKey,
    fileKey,
    // The weights before calibration come along with a recorded calibration (they are part of the design).
    columns: flags.columns
      ? [
          ...new Set([
            ...expandColumns(list(flags.columns), [...added.columns.keys()]),
            ...(calibration && added.columns.has(calibration.base) ? [calibration.base] : []),
          ]),
        ]
      : undefined,
    source: flags.from,
    design: {
      weights: flags.weights,
      strata: flags.strata,
      ids: flags.ids ? list(flags.ids) : undefined,
      fpc: flags.fpc ? list(flags.fpc) : undefined,
      lonelyPsu: flags.lonelyPsu as DatasetDesign['lonelyPsu'],
      calibration,
      replicates: flags.repweights
        ? {
            columns: expandColumns(list(flags.repweights), [...added.columns.keys()]),
            type: (flags.repType ?? fromReport.type ?? 'other') as NonNullable<DatasetDesign['replicates']>['type'],
            ...((numberFlag(flags.repScale, '--rep-scale', 0) ?? fromReport.scale) !== undefined
              ? { scale: numberFlag(flags.repScale, '--rep-scale', 0) ?? fromReport.scale }
              : {}),
            ...(fromReport.rscales ? { rscales: fromReport.rscales } : {}),
          }
        : undefined,
    },
  });
  // A household with a weight of 0 (or none) drops out of every estimate without a word: refused
  // unless asked for (out of scope by design), and counted either way.
  const designTable = result.tables.get(result.design.designLevel);
  if (designTable?.columns.has(result.design.weights)) {
    const weights = tableRecords(designTable, [result.design.weights]).map((r) => Number(r[result.design.weights]));
    const zero = weights.filter((w) => !(w > 0)).length;
    if (zero > 0 && !flags.allowZeroWeights)
      throw new InputError(
        'zero-weights',
        `${zero} of ${weights.length} households have a weight of 0 or none in "${result.design.weights}": they would drop out of every estimate. Check the weights file, or pass --allow-zero-weights if they are out of scope by design`,
        result.design.weights,
      );
    if (zero > 0) process.stderr.write(`mdsurvey: warning: ${zero} of ${weights.length} households have a weight of 0 or none in "${result.design.weights}"\n`);
  }
  const rows = Object.fromEntries(
    result.design.levels.map((l) => {
      const t = result.tables.get(l.name)!;
      return [l.name, tableRecords(t, [...t.columns.keys()])];
    }),
  );
  writeDataset(flags.out, result.design, result.codebook, rows, dataset.exchangeRates);
  process.stdout.write(
    json({
      out: flags.out,
      attached: result.attached,
      design: {
        weights: result.design.weights,
        strata: result.design.strata,
        ids: result.design.ids,
        fpc: result.design.fpc,
        replicates: result.design.replicates?.columns.length,
      },
    }),
  );
}

/** Columns named, with PREFIX* expanded against the file's header. */
function expandColumns(names: string[], header: string[]): string[] {
  return names.flatMap((n) => {
    if (!n.endsWith('*')) return [n];
    const found = header.filter((h) => h.startsWith(n.slice(0, -1)));
    if (!found.length) throw new InputError('unknown-column', `no column starts with "${n.slice(0, -1)}"`, n);
    return found;
  });
}

async function readCsvAll(file: string) {
  const header = await readTableHeader(file);
  return readTable(file, new Map(header.map((h) => [h, 'auto' as const])));
}

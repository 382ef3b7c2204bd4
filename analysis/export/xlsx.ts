import type ExcelJS from 'exceljs';
import { excel } from '../../common/exceljs.js';
import { publishedRows, type IndicatorReport } from '../indicators/compute.js';
import type { DatasetTabulation, WeightedEntry } from '../weighted-tables.js';
import type { MonitoringReport } from '../monitoring.js';
import type { MigrationProfileAnnex } from '../report/migration-profile.js';

const HIDDEN = new Set(['suppressed', 'complementary']);

function notesSheet(wb: ExcelJS.Workbook, lines: string[]): void {
  const ws = wb.addWorksheet('Notes');
  ws.getColumn(1).width = 120;
  for (const l of lines) ws.addRow([l]);
}

function header(ws: ExcelJS.Worksheet, names: string[]): void {
  const row = ws.addRow(names);
  row.font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: ws.rowCount }];
}

/** Indicators as a workbook: one sheet per indicator domain, then a notes sheet (flags, thresholds, what was suppressed). */
export async function indicatorWorkbook(report: IndicatorReport, suppress: boolean): Promise<Uint8Array> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'mdsurvey';
  // One sheet per domain, in DOMAIN.md's order whatever the catalogue's order of indicators.
  const ORDER = ['migration', 'remittances', 'education', 'health', 'gender', 'labour', 'consumption'];
  const domains = [...new Set(report.rows.map((r) => r.domain))].sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
  for (const domain of domains) {
    const ws = wb.addWorksheet(domain);
    header(ws, [
      'indicator',
      'label',
      'category',
      'group',
      ...report.by,
      'unit',
      'estimate',
      'se',
      'ci low',
      'ci high',
      'n',
      'weighted N',
      'deff',
      'effective n',
      `difference vs ${report.reference ?? '-'}`,
      'difference se',
      'p',
      'flags',
    ]);
    for (const r of (suppress ? publishedRows(report.rows) : report.rows).filter((x) => x.domain === domain)) {
      ws.addRow([
        r.id,
        r.label,
        r.category ?? '',
        r.group,
        ...report.by.map((b) => r.by[b] ?? ''),
        r.moneyUnit ?? (r.statistic === 'proportion' ? 'share' : r.statistic === 'ratio' ? 'ratio' : ''),
        r.estimate,
        r.se,
        r.ci?.[0],
        r.ci?.[1],
        r.n,
        r.weightedN,
        r.deff,
        r.effectiveN,
        r.difference?.estimate,
        r.difference?.se,
        r.difference?.p,
        r.flags.join(' '),
      ]);
    }
    ws.getColumn(2).width = 50;
  }
  notesSheet(wb, [
    `Indicator catalogue ${report.catalogue.id} ${report.catalogue.version}; groups of ${report.compare ?? '(none)'}; differences to ${report.reference ?? '-'} with design-based se (covariance included) and t test; p values: ${report.differences}.`,
    `Flags: suppressed = fewer than ${report.thresholds.minCases} unweighted cases${suppress ? ' (values left blank)' : ' (values shown: restricted use)'}; complementary = hidden because, with the total and the other groups, it would give a suppressed group away; difference-suppressed = the reference group is suppressed, so the difference to it is not shown${suppress ? '' : ' (shown here: restricted use)'}; unreliable = fewer than ${report.thresholds.flagCases}; high-rse = relative standard error above ${report.thresholds.maxRse * 100}%.`,
    ...report.skipped.map((s) => `Not computed: ${s.id}: ${s.reason}`),
    ...report.notes,
  ]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/** A tabulation as a workbook: one sheet per table (counts and percentages with se, margins, flags), then notes. */
export async function tabulationWorkbook(tab: DatasetTabulation, labels: Record<string, string> = {}, suppress = true): Promise<Uint8Array> {
  const value = (e: WeightedEntry, pick: (e: WeightedEntry) => number): number | string => (suppress && HIDDEN.has(e.status) ? 'x' : pick(e));
  const wb = new (await excel()).Workbook();
  wb.creator = 'mdsurvey';
  tab.tables.forEach((t, i) => {
    const byText = Object.entries(t.by)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const ws = wb.addWorksheet(`${i + 1} ${byText || 'all'}`.replace(/[*?:\\/[\]]/g, '-').slice(0, 31));
    ws.addRow([`${tab.title}${byText ? ` (${byText})` : ''}`]).font = { bold: true };
    ws.addRow([`rows: ${labels[tab.rows] ?? tab.rows}; columns: ${labels[tab.cols] ?? tab.cols}; weighted counts (estimated population), x = suppressed`]);
    const rowName = (r: string | null) => (r === null ? 'Total' : (tab.valueLabels.rows[r] ?? r));
    const colName = (c: string | null) => (c === null ? 'Total' : (tab.valueLabels.cols[c] ?? c));
    header(ws, [tab.rows, ...t.colLevels.map(colName), 'Total']);
    const cell = (r: string, c: string) => t.cells.find((e) => e.row === r && e.col === c)!;
    for (const r of t.rowLevels)
      ws.addRow([
        rowName(r),
        ...t.colLevels.map((c) => value(cell(r, c), (e) => e.count.estimate)),
        value(
          t.rowMargins.find((e) => e.row === r)!,
          (e) => e.count.estimate,
        ),
      ]);
    ws.addRow(['Total', ...t.colMargins.map((e) => value(e, (x) => x.count.estimate)), value(t.total, (e) => e.count.estimate)]);
    ws.addRow([]);
    header(ws, ['row', 'column', 'n', 'count', 'count se', 'count ci low', 'count ci high', 'percent', 'percent se', 'status']);
    for (const e of [...t.cells, ...t.rowMargins, ...t.colMargins, t.total]) {
      const hide = suppress && HIDDEN.has(e.status);
      ws.addRow([
        rowName(e.row),
        colName(e.col),
        hide ? null : e.n,
        hide ? null : e.count.estimate,
        hide ? null : e.count.se,
        hide ? null : e.count.ci[0],
        hide ? null : e.count.ci[1],
        hide ? null : e.percent.estimate,
        hide ? null : e.percent.se,
        e.status,
      ]);
    }
    if (t.test) ws.addRow([`Rao-Scott F = ${t.test.f.toFixed(3)} on ${t.test.ndf.toFixed(2)} and ${t.test.ddf.toFixed(2)} df, p = ${t.test.p.toPrecision(3)}`]);
  });
  notesSheet(wb, [
    `Universe: ${tab.universe ?? 'every row'} (level ${tab.level}).`,
    `Disclosure control: cells from fewer than ${tab.thresholds.minCases} unweighted cases suppressed (status suppressed), ${tab.thresholds.minCases}-${tab.thresholds.flagCases - 1} flagged, relative standard error above ${tab.thresholds.maxRse * 100}% flagged; further cells suppressed (status complementary) so that no suppressed cell can be recovered from the margins.`,
    ...tab.tables.map((t, i) => `Table ${i + 1}: ${t.suppression.primary} primary and ${t.suppression.complementary} complementary suppressions.`),
  ]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '' : x);

/**
 * The monitoring matrix as a workbook: one sheet per goal in the seed layout (outcome, output, indicator,
 * group, baseline, target, the estimate and 95% interval of each round, change from baseline and from the
 * previous round with se and p, progress, status, notes), then a notes sheet. Withheld estimates are blank.
 */
export async function monitoringWorkbook(report: MonitoringReport): Promise<Uint8Array> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'mdsurvey';
  const goals = [...new Set(report.rows.map((r) => r.goal))];
  for (const goal of goals) {
    const ws = wb.addWorksheet(goal.slice(0, 31));
    header(ws, [
      'outcome',
      'output',
      'indicator',
      'label',
      'category',
      'group',
      'unit',
      `baseline (${report.baseline})`,
      'target',
      'target date',
      ...report.rounds.flatMap((r) => [`${r.id} estimate`, `${r.id} ci low`, `${r.id} ci high`, `${r.id} n`]),
      'change from baseline',
      'se',
      'p',
      'change from previous',
      'se ',
      'p ',
      'progress',
      'expected by now',
      'status',
      'notes',
    ]);
    for (const r of report.rows.filter((x) => x.goal === goal)) {
      const base = r.rounds.find((v) => v.round === r.baseline);
      ws.addRow([
        r.outcome,
        r.output,
        r.indicator,
        r.label,
        r.category ?? '',
        r.group,
        r.moneyUnit ?? '',
        pct(base?.estimate),
        pct(r.target?.value),
        r.target?.date ?? '',
        ...r.rounds.flatMap((v) => [pct(v.estimate), pct(v.ci?.[0]), pct(v.ci?.[1]), v.n]),
        pct(r.changeFromBaseline?.estimate),
        pct(r.changeFromBaseline?.se),
        pct(r.changeFromBaseline?.p),
        pct(r.changeFromPrevious?.estimate),
        pct(r.changeFromPrevious?.se),
        pct(r.changeFromPrevious?.p),
        pct(r.progress),
        pct(r.expected),
        r.status,
        r.notes.join('; '),
      ]);
    }
    ws.columns.forEach((c, k) => (c.width = k < 4 ? 28 : 14));
  }
  notesSheet(wb, [
    report.title,
    `Rounds: ${report.rounds.map((r) => `${r.id} (${r.date}${r.label ? `, ${r.label}` : ''})`).join('; ')}; baseline ${report.baseline}.`,
    report.sampling === 'shared-psus'
      ? 'Changes: the rounds revisit the same PSUs; the standard error of a change includes the covariance from the common PSUs (the rounds stacked into one design with the round as a domain).'
      : "Changes: independent samples; the variance of a change is the sum of the two rounds' variances.",
    'Progress: share of the distance from the baseline to the target covered by the latest estimate; expected by now: share of the time from the baseline to the target date elapsed; status: achieved (progress >= 1), on track (progress >= expected), off track, or not measurable (no target, or a withheld estimate).',
    `Disclosure: estimates from fewer than ${report.thresholds.minCases} cases are withheld, and so is every change involving one; fewer than ${report.thresholds.flagCases} cases or a relative standard error above ${report.thresholds.maxRse} are flagged.`,
    ...report.notes,
  ]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

/**
 * The Migration Profile annex as a workbook: a contents sheet, a sheet per table (its notes on universe,
 * reference period, source, unit and disclosure above it; percent and se per cell; withheld cells blank),
 * the national remittance total, the indicators by migratory status and the technical annex.
 */
export async function annexWorkbook(annex: MigrationProfileAnnex): Promise<Uint8Array> {
  const wb = new (await excel()).Workbook();
  wb.creator = 'mdsurvey';
  const contents = wb.addWorksheet('Contents');
  contents.addRow([annex.title]).font = { bold: true, size: 14 };
  contents.addRow([annex.survey]);
  contents.addRow([]);
  header(contents, ['sheet', 'section', 'table']);
  contents.getColumn(1).width = 12;
  contents.getColumn(2).width = 36;
  contents.getColumn(3).width = 80;
  for (const s of annex.sections)
    for (const t of s.tables) {
      contents.addRow([t.id, s.title, t.title]);
      const ws = wb.addWorksheet(t.id);
      ws.addRow([`${t.id}. ${t.title}`]).font = { bold: true };
      for (const [k, v] of Object.entries(t.notes)) ws.addRow([k, v]);
      ws.addRow([]);
      ws.getColumn(1).width = 28;
      if (!t.tabulation) {
        ws.addRow([t.unavailable ?? '']);
        continue;
      }
      const tab = t.tabulation;
      for (const table of tab.tables) {
        if (tab.by) ws.addRow([`${tab.by} = ${table.by[tab.by]}`]).font = { italic: true };
        const head = ws.addRow([`${tab.rows} / ${tab.cols}`, ...table.colLevels.flatMap((c) => [tab.valueLabels.cols[c] ?? c, 'se']), 'Total', 'se']);
        head.font = { bold: true };
        const cellOf = (r: string, c: string) => table.cells.find((e) => e.row === r && e.col === c);
        const pair = (e: WeightedEntry | undefined): (number | string)[] => (e?.percent ? [e.percent.estimate, e.percent.se] : ['', '']);
        table.rowLevels.forEach((r, i) =>
          ws.addRow([tab.valueLabels.rows[r] ?? r, ...table.colLevels.flatMap((c) => pair(cellOf(r, c))), ...pair(table.rowMargins[i])]),
        );
        ws.addRow(['Total', ...table.colMargins.flatMap((m) => pair(m)), ...pair(table.total)]).font = { bold: true };
        if (table.test) ws.addRow([`Rao-Scott F = ${table.test.f} on ${table.test.ndf} and ${table.test.ddf} df, p = ${table.test.p}`]);
        ws.addRow([]);
      }
    }
  if (annex.remittanceTotal.length) {
    contents.addRow(['Totals', 'Remittances', 'Cash remittances received by households in 12 months, national total']);
    const ws = wb.addWorksheet('Totals');
    header(ws, ['currency', 'total', 'se', 'ci low', 'ci high', 'n']);
    for (const r of annex.remittanceTotal) ws.addRow([r.currency, r.estimate, r.se, r.ci[0], r.ci[1], r.n]);
  }
  contents.addRow(['Indicators', 'Indicators by migratory status', 'The indicator catalogue by migration status, with differences to non-migrant households']);
  const ind = wb.addWorksheet('Indicators');
  header(ind, ['indicator', 'label', 'category', 'group', 'unit', 'estimate', 'se', 'ci low', 'ci high', 'n', 'difference', 'difference se', 'p', 'flags']);
  for (const r of annex.indicators)
    ind.addRow([
      r.id,
      r.label,
      r.category ?? '',
      r.group,
      r.moneyUnit ?? '',
      r.estimate,
      r.se,
      r.ci?.[0],
      r.ci?.[1],
      r.n,
      r.difference?.estimate,
      r.difference?.se,
      r.difference?.p,
      r.flags.join(' '),
    ]);
  contents.addRow(['Technical', 'Technical annex', 'Design, sample sizes, weights, design effects']);
  const tech = wb.addWorksheet('Technical');
  tech.getColumn(1).width = 50;
  const t = annex.technical;
  for (const [k, v] of [
    ['strata', t.design.strata],
    ['PSUs', t.design.psus],
    ['degrees of freedom', t.design.df],
    ['households', t.design.households],
    ['persons', t.design.persons ?? ''],
    ...t.byScreening.map((b) => [`households, screening stratum ${b.stratum}`, b.households]),
    ['weights: sum', t.weights.sum],
    ['weights: min', t.weights.min],
    ['weights: max', t.weights.max],
    ['weights: CV', t.weights.cv],
    ['weights: Kish design effect', t.weights.kishDeff],
    ...t.designEffects.map((d) => [`median design effect, ${d.domain}`, d.median]),
    ['response rates', t.responseRates],
  ] as [string, string | number][])
    tech.addRow([k, v]);
  notesSheet(wb, annex.notes.length ? annex.notes : ['(none)']);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

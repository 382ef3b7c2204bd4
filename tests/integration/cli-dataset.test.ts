import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ROOT, runMdsurvey } from '../helpers/cli.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';
import { need, rTool } from '../helpers/tools.js';

const R = rTool();

let dir: string;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-cli-'));

beforeAll(() => {
  dir = writeSyntheticDotm().dir;
});

describe('mdsurvey indicators', () => {
  it('prints estimates per migration status group with differences to H0, as CSV', async () => {
    const r = await runMdsurvey(['indicators', dir, '--compare', 'hh_migration_status', '--only', 'hlt_insured,rem_fee_share', '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => `${x.indicator}:${x.group}`)).toEqual(
      ['rem_fee_share', 'hlt_insured'].flatMap((id) => ['all', 'H0', 'H1', 'H2', 'H3', 'migrant'].map((g) => `${id}:${g}`)),
    );
    const migrant = rows.find((x) => x.indicator === 'hlt_insured' && x.group === 'migrant')!;
    expect(Number(migrant.difference_se)).toBeGreaterThan(0);
    expect(Number(migrant.difference_p)).toBeLessThan(0.05); // the population was built with more insurance in emigrant households
    // H0 households rarely receive remittances: under 25 cases, suppressed and blank.
    const h0 = rows.find((x) => x.indicator === 'rem_fee_share' && x.group === 'H0')!;
    expect(h0.flags).toBe('suppressed');
    expect(h0.estimate).toBe('');
    const shown = await runMdsurvey(['indicators', dir, '--compare', 'hh_migration_status', '--only', 'rem_fee_share', '--format', 'csv', '--no-suppress']);
    expect((parse(shown.stdout, { columns: true }) as Record<string, string>[]).find((x) => x.group === 'H0')!.estimate).not.toBe('');
  }, 60_000);

  it('writes a workbook with one sheet per domain and a notes sheet, and takes --by', async () => {
    const out = path.join(tmp(), 'indicators.xlsx');
    const r = await runMdsurvey(['indicators', dir, '--compare', 'hh_migration_status', '--by', 'region', '--format', 'xlsx', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['migration', 'remittances', 'education', 'health', 'gender', 'labour', 'consumption', 'Notes']);
    const header = wb.getWorksheet('health')!.getRow(1).values as unknown[];
    expect(header).toContain('region');
    expect(String(wb.getWorksheet('Notes')!.getRow(2).getCell(1).value)).toMatch(/fewer than 25 unweighted cases/);
  }, 60_000);

  it('refuses bad input with exit code 2 and one line', async () => {
    const cases: [string[], RegExp][] = [
      [['indicators', path.join(dir, 'nope')], /cannot read .*nope: no such file or folder/],
      [['indicators', dir, '--format', 'xlsx'], /--format xlsx writes a file: give --out/],
      [['indicators', dir, '--compare', 'no_such_column'], /unknown column "no_such_column"/],
      [['indicators', dir, '--min-cases', 'ten'], /--min-cases takes a number/],
      [['tabulate', dir, '--preset', 'census-everything'], /no table preset "census-everything"; presets: census-birth-age-sex/],
      [['export', dir], /required option '--out <dir>'/],
    ];
    for (const [args, message] of cases) {
      const r = await runMdsurvey(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    const broken = tmp();
    fs.cpSync(dir, broken, { recursive: true });
    fs.writeFileSync(
      path.join(broken, 'design.json'),
      JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(dir, 'design.json'), 'utf8')), weights: 'wt' }),
    );
    const r = await runMdsurvey(['indicators', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/design.json names column "wt", which household.csv does not have/);
  }, 60_000);
});

describe('mdsurvey tabulate on a dataset', () => {
  it('makes the census preset with margins that add up and complementary suppression', async () => {
    const r = await runMdsurvey(['tabulate', dir, '--preset', 'nativity-sex-age', '--age-groups', '0,15,65', '--no-suppress']);
    expect(r.code, r.stderr).toBe(0);
    const tab = JSON.parse(r.stdout);
    expect(tab.tables.map((t: { by: Record<string, string> }) => t.by.age_group)).toEqual(['0-14', '15-64', '65+']);
    for (const t of tab.tables) {
      for (const m of t.rowMargins) {
        const cells = t.cells.filter((c: { row: string }) => c.row === m.row);
        expect(cells.reduce((s: number, c: { count: { estimate: number } }) => s + c.count.estimate, 0)).toBeCloseTo(m.count.estimate, 6);
        expect(cells.reduce((s: number, c: { n: number }) => s + c.n, 0)).toBe(m.n);
      }
      expect(t.total.percent.estimate).toBeCloseTo(100, 10);
      expect(t.test.p).toBeGreaterThanOrEqual(0);
    }
    // Precision flags, never blanks: under 25 cases unreliable (foreign-born 65+), 25-49 or RSE above 30%
    // flagged, the rest published; no count of 1-2, so nothing is blanked for confidentiality.
    for (const t of tab.tables)
      for (const c of t.cells as { n: number; status: string; count: { cv: number } }[])
        expect(c.status).toBe(c.n < 25 ? 'unreliable' : c.n < 50 || c.count.cv > 0.3 ? 'flagged' : 'published');
    expect(tab.tables[2].cells.filter((c: { row: string }) => c.row === 'foreign-born').map((c: { status: string }) => c.status)).toEqual([
      'unreliable',
      'unreliable',
    ]);
  }, 60_000);

  it('the census preset publishes every cell the precision rule allows, flags the rest, and blanks only for confidentiality', async () => {
    const r = await runMdsurvey(['tabulate', dir, '--preset', 'census-birth-age-sex', '--no-suppress']);
    expect(r.code, r.stderr).toBe(0);
    const tab = JSON.parse(r.stdout) as {
      confidential: boolean;
      collapsed: string[];
      valueLabels: { rows: Record<string, string> };
      tables: { by: { age_group: string }; cells: { row: string; n: number; status: string; zero?: true; count: { cv: number | null; ci: number[] } }[] }[];
    };
    expect(tab.confidential).toBe(true);
    // 5-year age groups, in age order.
    expect(tab.tables.map((t) => t.by.age_group).slice(0, 4)).toEqual(['0-4', '5-9', '10-14', '15-19']);
    // Countries that would have a cell of 1-2 are shown as their world region first, by name in the labels.
    expect(tab.collapsed.length).toBeGreaterThan(0);
    expect(Object.values(tab.valueLabels.rows)).toEqual(expect.arrayContaining([expect.stringMatching(/\(other countries\)$/)]));
    const cells = tab.tables.flatMap((t) => t.cells);
    for (const c of cells) {
      if (c.status === 'suppressed') expect(c.n).toBeLessThan(3);
      else if (c.status !== 'complementary')
        expect(c.status).toBe(c.n > 0 && c.n < 25 ? 'unreliable' : c.n > 0 && (c.n < 50 || (c.count.cv ?? 0) > 0.3) ? 'flagged' : 'published');
      // Never a NaN interval: an empty cell gets [0, exact upper bound].
      expect(c.count.ci.every(Number.isFinite), `${c.row} ${c.n}`).toBe(true);
      if (c.n === 0) expect(c.zero).toBe(true);
    }
    const count = (s: string) => cells.filter((c) => c.status === s).length;
    expect({
      cells: cells.length,
      published: count('published'),
      flagged: count('flagged'),
      unreliable: count('unreliable'),
      suppressed: count('suppressed'),
      complementary: count('complementary'),
    }).toEqual({ cells: 112, published: 17, flagged: 0, unreliable: 27, suppressed: 45, complementary: 23 });
  }, 60_000);

  it('writes the preset as CSV (suppressed values blank) and as a workbook', async () => {
    const r = await runMdsurvey(['tabulate', dir, '--preset', 'census-citizenship-age-sex', '--top-countries', '3', '--format', 'csv', '--stat', 'percent']);
    expect(r.code, r.stderr).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0])).toEqual([
      'age_group',
      'citizenship_group',
      'sex',
      'citizenship_group_label',
      'sex_label',
      'n',
      'percent',
      'se',
      'ci_low',
      'ci_high',
      'status',
    ]);
    expect(rows.find((x) => x.sex === '2')!.sex_label).toBe('Female');
    expect(rows.filter((x) => x.status === 'suppressed').every((x) => x.percent === '' && x.n === '')).toBe(true);
    expect(rows.some((x) => x.citizenship_group.startsWith('region:'))).toBe(true);
    const out = path.join(tmp(), 't.xlsx');
    const x = await runMdsurvey(['tabulate', dir, '--preset', 'census-arrival-birth', '--format', 'xlsx', '--out', out]);
    expect(x.code, x.stderr).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    expect(wb.worksheets.at(-1)!.name).toBe('Notes');
  }, 60_000);
});

describe('mdsurvey export', () => {
  it('writes a public-use dataset that mdsurvey reads back, with what was done in its metadata', async () => {
    const out = path.join(tmp(), 'public');
    const r = await runMdsurvey(['export', dir, '--out', out, '--public', '--k', '3']);
    expect(r.code, r.stderr).toBe(0);
    const files = fs.readdirSync(out).sort();
    expect(files).toEqual(
      expect.arrayContaining(['household.csv', 'household.dta', 'members.dta', 'design.json', 'codebook.json', 'disclosure.json', 'svyset.do', 'svydesign.R']),
    );
    const disclosure = JSON.parse(fs.readFileSync(path.join(out, 'disclosure.json'), 'utf8'));
    expect(disclosure.tier).toBe('public-use');
    expect(disclosure.anonymisation.kAnonymity.find((k: { level: string }) => k.level === 'members').riskyAfter).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'design.json'), 'utf8')).provenance.disclosure.tier).toBe('public-use');
    const members = fs.readFileSync(path.join(out, 'members.csv'), 'utf8');
    expect(members.split('\n')[0]).not.toMatch(/(^|,)name(,|$)/);
    expect(fs.readFileSync(path.join(out, 'svyset.do'), 'utf8')).toContain('svyset ea [pweight=weight], strata(region) singleunit(missing)');
    // The public file is itself a dataset: indicators run on it (age is in groups there, so age universes give no cases).
    const again = await runMdsurvey(['indicators', out, '--only', 'hlt_insured', '--format', 'csv']);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.existsSync(path.join(out, 'x'))).toBe(false);
    const refused = await runMdsurvey(['export', dir, '--out', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is not empty/);
  }, 60_000);
});

describe('mdsurvey dataset attach', () => {
  it('attaches final and JKn replicate weights from `mdsurvey weights`; the exported svydesign.R gives R the same estimate and se', async () => {
    const work = tmp();
    // The sample file of the survey: one row per interviewed household with its design weight.
    const hh = parse(fs.readFileSync(path.join(dir, 'household.csv')), { columns: true }) as Record<string, string>[];
    fs.writeFileSync(
      path.join(work, 'cases.csv'),
      ['case,region,ea,design_weight', ...hh.map((r) => `${r.interview_id},${r.region},${r.ea},${r.design_weight}`)].join('\n'),
    );
    const totals = new Map<string, number>();
    for (const r of hh) totals.set(r.region, (totals.get(r.region) ?? 0) + Number(r.weight));
    fs.writeFileSync(path.join(work, 'totals.csv'), ['category,total', ...[...totals].map(([k, v]) => `${k},${Math.round(v)}`)].join('\n'));
    const w = await runMdsurvey([
      'weights',
      path.join(work, 'cases.csv'),
      '--design',
      path.join(ROOT, 'examples', 'sampling', 'design.json'),
      '--design-weight',
      'design_weight',
      '--poststratify',
      `region=${path.join(work, 'totals.csv')}`,
      '--replicates',
      'jkn',
      '--out',
      path.join(work, 'w.csv'),
      '--report',
      path.join(work, 'w.json'),
    ]);
    expect(w.code, w.stderr).toBe(0);
    const out = path.join(work, 'weighted');
    const a = await runMdsurvey([
      'dataset',
      'attach',
      dir,
      '--from',
      path.join(work, 'w.csv'),
      '--on',
      'interview_id=case',
      '--columns',
      'final_weight,repw*',
      '--weights',
      'final_weight',
      '--repweights',
      'repw*',
      '--rep-report',
      path.join(work, 'w.json'),
      '--out',
      out,
    ]);
    expect(a.code, a.stderr).toBe(0);
    const design = JSON.parse(fs.readFileSync(path.join(out, 'design.json'), 'utf8'));
    expect(design.weights).toBe('final_weight');
    expect(design.replicates.type).toBe('JKn');
    expect(design.replicates.rscales).toHaveLength(design.replicates.columns.length);
    const ind = await runMdsurvey(['indicators', out, '--only', 'hlt_insured', '--format', 'csv']);
    expect(ind.code, ind.stderr).toBe(0);
    const ours = (parse(ind.stdout, { columns: true }) as Record<string, string>[])[0];
    // A household not in the weights file is refused, naming it.
    fs.writeFileSync(path.join(work, 'short.csv'), fs.readFileSync(path.join(work, 'w.csv'), 'utf8').split('\n').slice(0, -2).join('\n'));
    const short = await runMdsurvey([
      'dataset',
      'attach',
      dir,
      '--from',
      path.join(work, 'short.csv'),
      '--on',
      'interview_id=case',
      '--out',
      path.join(work, 'x'),
    ]);
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/1 of \d+ rows of the household file have no row in .*short.csv \(interview_id = "[0-9a-f-]{36}"/);
    // A household whose weight is 0 would drop out of every estimate: refused, unless asked for, and counted.
    const lines = fs.readFileSync(path.join(work, 'w.csv'), 'utf8').trim().split('\n');
    const col = lines[0].split(',').indexOf('final_weight');
    const zeroed = [
      lines[0],
      ...lines.slice(1).map((l, k) =>
        k === 0
          ? l
              .split(',')
              .map((v, j) => (j === col ? '0' : v))
              .join(',')
          : l,
      ),
    ].join('\n');
    fs.writeFileSync(path.join(work, 'zero.csv'), zeroed);
    const attachZero = (extra: string[], to: string) =>
      runMdsurvey([
        'dataset',
        'attach',
        dir,
        '--from',
        path.join(work, 'zero.csv'),
        '--on',
        'interview_id=case',
        '--columns',
        'final_weight',
        '--weights',
        'final_weight',
        '--out',
        path.join(work, to),
        ...extra,
      ]);
    const zero = await attachZero([], 'z1');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/1 of \d+ households have a weight of 0 or none in "final_weight"/);
    expect(fs.existsSync(path.join(work, 'z1', 'design.json'))).toBe(false);
    const allowed = await attachZero(['--allow-zero-weights'], 'z2');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/warning: 1 of \d+ households have a weight of 0 or none/);
    if (!need(R, 'the R check of svydesign.R')) return;
    const exported = path.join(work, 'export');
    expect((await runMdsurvey(['export', out, '--out', exported, '--format', 'dta'])).code).toBe(0);
    const script = `setwd("${exported}"); source("svydesign.R"); d <- update(members_design, y = ifelse(members$h_insured == 1, 1, ifelse(members$h_insured == 0, 0, NA)))
      m <- svymean(~y, d, na.rm = TRUE); cat(sprintf("%.17g %.17g\\n", coef(m)[[1]], SE(m)[[1]]))`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [est, se] = r.stdout.trim().split(' ').map(Number);
    expect(Math.abs(Number(ours.estimate) - est) / est).toBeLessThan(1e-9);
    expect(Math.abs(Number(ours.se) - se) / se).toBeLessThan(1e-9);
  }, 120_000);

  it('keeps the calibration of post-stratified weights: estimates on the dataset take R postStratify() standard errors, and a stale calibration is refused', async () => {
    const work = tmp();
    const hh = parse(fs.readFileSync(path.join(dir, 'household.csv')), { columns: true }) as Record<string, string>[];
    fs.writeFileSync(
      path.join(work, 'cases.csv'),
      ['case,region,ea,design_weight,f_account', ...hh.map((r) => `${r.interview_id},${r.region},${r.ea},${r.design_weight},${r.f_account}`)].join('\n'),
    );
    const totals = new Map<string, number>();
    for (const r of hh) totals.set(r.region, (totals.get(r.region) ?? 0) + Number(r.weight) * 1.1);
    fs.writeFileSync(path.join(work, 'totals.csv'), ['category,total', ...[...totals].map(([k, v]) => `${k},${Math.round(v)}`)].join('\n'));
    const w = await runMdsurvey([
      'weights',
      path.join(work, 'cases.csv'),
      '--design',
      path.join(ROOT, 'examples', 'sampling', 'design.json'),
      '--design-weight',
      'design_weight',
      '--poststratify',
      `region=${path.join(work, 'totals.csv')}`,
      '--out',
      path.join(work, 'w.csv'),
      '--report',
      path.join(work, 'w.json'),
    ]);
    expect(w.code, w.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(work, 'w.json'), 'utf8')).calibration).toMatchObject({
      base: 'calibration_base_weight',
      poststratify: { variable: 'region' },
    });
    const out = path.join(work, 'weighted');
    const attach = (extra: string[], to: string) =>
      runMdsurvey([
        'dataset',
        'attach',
        dir,
        '--from',
        path.join(work, 'w.csv'),
        '--on',
        'interview_id=case',
        '--columns',
        'final_weight',
        '--weights',
        'final_weight',
        ...extra,
        '--out',
        to,
      ]);
    const a = await attach(['--rep-report', path.join(work, 'w.json')], out);
    expect(a.code, a.stderr).toBe(0);
    const design = JSON.parse(fs.readFileSync(path.join(out, 'design.json'), 'utf8'));
    expect(design.calibration.base).toBe('calibration_base_weight');
    const reg = await runMdsurvey(['regress', out, '--formula', 'f_account ~ 1']);
    expect(reg.code, reg.stderr).toBe(0);
    const [ours] = JSON.parse(reg.stdout).coefficients;
    // The weights file itself with the report's record (--calibration): the same estimate and se.
    const fromFile = await runMdsurvey([
      'estimate',
      path.join(work, 'w.csv'),
      '--strata',
      'region',
      '--ids',
      'ea',
      '--weights',
      'final_weight',
      '--calibration',
      path.join(work, 'w.json'),
      '--mean',
      'f_account',
    ]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const [fromReport] = JSON.parse(fromFile.stdout).estimates;
    expect(Math.abs(fromReport.estimate - ours.estimate)).toBeLessThan(1e-9 * Math.abs(ours.estimate));
    expect(Math.abs(fromReport.se - ours.se)).toBeLessThan(1e-9 * ours.se);
    // The same weights without the record: same estimate, another (the plain-weights) se.
    const plain = await attach([], path.join(work, 'plain'));
    expect(plain.code, plain.stderr).toBe(0);
    const [plainFit] = JSON.parse((await runMdsurvey(['regress', path.join(work, 'plain'), '--formula', 'f_account ~ 1'])).stdout).coefficients;
    expect(Math.abs(plainFit.estimate - ours.estimate)).toBeLessThan(1e-9 * Math.abs(ours.estimate));
    expect(Math.abs(plainFit.se - ours.se)).toBeGreaterThan(1e-6 * ours.se);
    // A calibration record that does not give the weights is refused, naming the row.
    const report = JSON.parse(fs.readFileSync(path.join(work, 'w.json'), 'utf8'));
    report.calibration.poststratify.totals.North *= 2;
    fs.writeFileSync(path.join(work, 'stale.json'), JSON.stringify(report));
    const stale = await attach(['--rep-report', path.join(work, 'stale.json')], path.join(work, 'stale'));
    expect(stale.code).toBe(2);
    expect(stale.stderr).toMatch(/calibrating "calibration_base_weight" gives .* on row \d+ of household, but the weight column "final_weight" has/);
    if (!need(R, 'the R check of the calibrated dataset')) return;
    const script = `suppressMessages(library(survey)); h <- read.csv("${path.join(out, 'household.csv')}")
      d <- svydesign(id = ~ea, strata = ~region, weights = ~calibration_base_weight, data = h)
      t <- read.csv("${path.join(work, 'totals.csv')}"); names(t) <- c("region", "Freq")
      p <- postStratify(d, ~region, t)
      m <- svymean(~f_account, p); cat(sprintf("%.17g %.17g\\n", coef(m)[[1]], SE(m)[[1]]))
      r <- svymean(~hh_remit_receiving, p); cat(sprintf("%.17g %.17g\\n", coef(r)[[1]], SE(r)[[1]]))`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [[est, se], [remit, remitSe]] = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ').map(Number));
    expect(Math.abs(ours.estimate - est) / est).toBeLessThan(1e-9);
    expect(Math.abs(ours.se - se) / se).toBeLessThan(1e-9);
    // The indicator catalogue on the calibrated dataset: the household-level share receiving remittances.
    const ind = await runMdsurvey(['indicators', out, '--only', 'rem_receiving_hh', '--format', 'csv']);
    expect(ind.code, ind.stderr).toBe(0);
    const row = (parse(ind.stdout, { columns: true }) as Record<string, string>[])[0];
    expect(Math.abs(Number(row.estimate) - remit) / remit).toBeLessThan(1e-9);
    expect(Math.abs(Number(row.se) - remitSe) / remitSe).toBeLessThan(1e-9);
  }, 120_000);
});

/**
 * Monitoring across rounds (issue 23), as a user runs it: two rounds of the synthetic DotM survey
 * written as datasets, a plan, `mdsurvey monitor`; the change from the baseline and its standard error
 * equal R (tests/reference/monitoring.R: independent rounds as the sum of the variances, rounds sharing
 * PSUs as a stacked design with svycontrast) to 1e-9; a withheld estimate withholds its changes; the
 * XLSX plan gives what the JSON plan gives, and the XLSX matrix carries the JSON's numbers.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { syntheticDotm } from '../../examples/dotm/synthetic-dataset.js';
import { writeDataset } from '../../io/dataset-files.js';
import { ROOT, runMdsurvey } from '../helpers/cli.js';
import { expectClose } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-monitor-'));
const write = (dir: string, round: number, sharedPsus = false) => {
  const data = syntheticDotm(20261123, 160, { round, sharedPsus });
  writeDataset(path.join(work, dir), data.design, { variables: data.codebook, languages: ['en', 'fr', 'es'] }, data.levels, data.exchangeRates);
};
const plan = (sampling: 'independent' | 'shared-psus', second: string) => ({
  format: 'mdsurvey-monitoring/1',
  title: 'Migration policy monitoring',
  rounds: [
    { id: '2026', date: '2026-06', dataset: 'r1' },
    { id: '2029', date: '2029-06', dataset: second },
  ],
  baseline: '2026',
  sampling,
  compare: 'hh_migration_status',
  goals: [
    {
      id: 'G1',
      outcome: 'Return migrants reintegrate',
      outputs: [
        {
          output: 'Return counselling',
          indicators: [
            { id: 'mig_return_hh', groups: ['all', 'migrant'], targets: [{ date: '2030', value: 0.15, group: 'all' }] },
            { id: 'rem_receiving_hh', groups: ['all', 'H1', 'migrant'], targets: [{ date: '2030', value: 0.2 }] },
          ],
        },
      ],
    },
    {
      id: 'G2',
      outcome: 'Remittances cost less',
      outputs: [
        {
          output: 'Cheaper channels',
          indicators: [
            { id: 'rem_total_cost_share', targets: [{ date: '2030', value: 0.03 }] },
            { id: 'rem_share_consumption', groups: ['H2'] },
          ],
        },
      ],
    },
  ],
});

type Row = {
  goal: string;
  indicator: string;
  group: string;
  rounds: { round: string; estimate: number | null; ci: [number, number] | null }[];
  changeFromBaseline: { estimate: number; se: number } | null;
  status: string;
  notes: string[];
  progress: number | null;
};

beforeAll(() => {
  write('r1', 1);
  write('r2-same-eas', 2, true);
  write('r2-new-eas', 2, false);
  fs.writeFileSync(path.join(work, 'shared.json'), JSON.stringify(plan('shared-psus', 'r2-same-eas')));
  fs.writeFileSync(path.join(work, 'independent.json'), JSON.stringify(plan('independent', 'r2-new-eas')));
}, 120_000);

const run = async (planFile: string, out: string) => {
  const r = await runMdsurvey(['monitor', path.join(work, planFile), '--out', path.join(work, out)]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(fs.readFileSync(path.join(work, out, 'monitoring.json'), 'utf8')) as { rows: Row[] };
};

describe('mdsurvey monitor', () => {
  it('withholds a suppressed estimate and every change that involves it; states progress and status', async () => {
    const report = await run('shared.json', 'out-shared');
    const small = report.rows.find((r) => r.indicator === 'rem_share_consumption' && r.group === 'H2')!;
    expect(small.rounds.map((v) => v.estimate)).toEqual([null, null]);
    expect(small.changeFromBaseline).toBeNull();
    expect(small.status).toBe('not measurable');
    const cost = report.rows.find((r) => r.indicator === 'rem_total_cost_share')!;
    // Costs fell from about 5.8% to 3.6% against a 3% target for 2030: most of the way, ahead of time.
    expect(cost.progress!).toBeGreaterThan(0.7);
    expect(cost.status).toBe('on track');
    // A target for one group only.
    expect(report.rows.find((r) => r.indicator === 'mig_return_hh' && r.group === 'migrant')!.status).toBe('not measurable');
  });

  it('writes the matrix as a workbook with the JSON figures, one sheet per goal', async () => {
    const report = await run('shared.json', 'out-xlsx');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(work, 'out-xlsx', 'monitoring.xlsx'));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['G1', 'G2', 'Notes']);
    const ws = wb.getWorksheet('G1')!;
    const head = (ws.getRow(1).values as string[]).slice(1);
    const row = (ws.getRow(2).values as unknown[]).slice(1);
    const first = report.rows[0];
    expect(row[head.indexOf('indicator')]).toBe(first.indicator);
    expect(row[head.indexOf('2029 estimate')]).toBeCloseTo(first.rounds[1].estimate!, 12);
    expect(row[head.indexOf('change from baseline')]).toBeCloseTo(first.changeFromBaseline!.estimate, 12);
    // Withheld values are blank cells, not zeros.
    const g2 = wb.getWorksheet('G2')!;
    const withheld = (g2.getRow(3).values as unknown[]).slice(1);
    expect(withheld[head.indexOf('2026 estimate')] ?? '').toBe('');
  });

  it('takes the plan as a workbook too', async () => {
    const wb = new ExcelJS.Workbook();
    const p = plan('shared-psus', 'r2-same-eas');
    const settings = wb.addWorksheet('plan');
    settings.addRow(['key', 'value']);
    for (const k of ['title', 'baseline', 'sampling', 'compare'] as const) settings.addRow([k, p[k]]);
    const rounds = wb.addWorksheet('rounds');
    rounds.addRow(['id', 'date', 'dataset']);
    for (const r of p.rounds) rounds.addRow([r.id, r.date, r.dataset]);
    const inds = wb.addWorksheet('indicators');
    inds.addRow(['goal', 'outcome', 'output', 'indicator', 'groups', 'target_date', 'target_value', 'target_group']);
    for (const g of p.goals)
      for (const o of g.outputs)
        for (const i of o.indicators as { id: string; groups?: string[]; targets?: { date: string; value: number; group?: string }[] }[])
          for (const t of i.targets?.length ? i.targets : [undefined])
            inds.addRow([g.id, g.outcome, o.output, i.id, i.groups?.join(',') ?? '', t?.date ?? '', t?.value ?? '', t?.group ?? '']);
    await wb.xlsx.writeFile(path.join(work, 'plan.xlsx'));
    const fromXlsx = await run('plan.xlsx', 'out-from-xlsx');
    const fromJson = await run('shared.json', 'out-from-json');
    expect(fromXlsx.rows).toEqual(fromJson.rows);
  });

  it('refuses a bad plan with exit 2, naming the place', async () => {
    const bad = plan('shared-psus', 'r2-same-eas');
    bad.rounds.reverse();
    fs.writeFileSync(path.join(work, 'bad.json'), JSON.stringify(bad));
    const r = await runMdsurvey(['monitor', path.join(work, 'bad.json'), '--out', path.join(work, 'x')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/rounds\/1 \(2026, 2026-06\) is not after the round before it/);
    const unknown = { ...plan('shared-psus', 'r2-same-eas'), baseline: '2020' };
    fs.writeFileSync(path.join(work, 'bad2.json'), JSON.stringify(unknown));
    const r2 = await runMdsurvey(['monitor', path.join(work, 'bad2.json'), '--out', path.join(work, 'x')]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/the baseline "2020" is not one of the rounds/);
  });
});

describe.runIf(need(rTool(), 'changes between rounds against R'))('changes between rounds against R', () => {
  it.each([
    ['shared-psus', 'shared.json', 'r2-same-eas'],
    ['independent', 'independent.json', 'r2-new-eas'],
  ] as const)(
    '%s rounds',
    async (sampling, planFile, second) => {
      const report = await run(planFile, `out-r-${sampling}`);
      const r = spawnSync('Rscript', [path.join(ROOT, 'tests', 'reference', 'monitoring.R'), path.join(work, 'r1'), path.join(work, second), sampling], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      const ref = JSON.parse(r.stdout) as Record<string, Record<string, [number, number]>>;
      let compared = 0;
      for (const [indicator, groups] of Object.entries(ref))
        for (const [group, [change, se]] of Object.entries(groups)) {
          const row = report.rows.find((x) => x.indicator === indicator && x.group === group);
          if (!row) continue;
          expectClose(row.changeFromBaseline!.estimate, change);
          expectClose(row.changeFromBaseline!.se, se);
          compared++;
        }
      expect(compared).toBe(5);
    },
    60_000,
  );

  it('the change from the previous round (three rounds) equals R for the last two', async () => {
    const three = plan('independent', 'r2-new-eas');
    three.rounds.push({ id: '2029b', date: '2029-12', dataset: 'r2-same-eas' });
    fs.writeFileSync(path.join(work, 'three.json'), JSON.stringify(three));
    const report = await run('three.json', 'out-three');
    const r = spawnSync(
      'Rscript',
      [path.join(ROOT, 'tests', 'reference', 'monitoring.R'), path.join(work, 'r2-new-eas'), path.join(work, 'r2-same-eas'), 'independent'],
      {
        encoding: 'utf8',
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const ref = JSON.parse(r.stdout) as Record<string, Record<string, [number, number]>>;
    const row = report.rows.find((x) => x.indicator === 'rem_receiving_hh' && x.group === 'all')! as Row & {
      changeFromPrevious: { from: string; to: string; estimate: number; se: number };
    };
    expect([row.changeFromPrevious.from, row.changeFromPrevious.to]).toEqual(['2029', '2029b']);
    expectClose(row.changeFromPrevious.estimate, ref.rem_receiving_hh.all[0]);
    expectClose(row.changeFromPrevious.se, ref.rem_receiving_hh.all[1]);
  }, 60_000);
});

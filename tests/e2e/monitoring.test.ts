/**
 * The monitoring page in Chromium (issue 23), on two rounds of the synthetic DotM survey sent to the
 * server as real interviews (round 1 dated 2023, round 2 in 2026 revisiting the same EAs) and approved:
 * the analyst picks the surveys as rounds, computes the plan, sees the matrix and a chart per indicator,
 * downloads the XLSX. Its numbers equal `mdsurvey monitor` on the analyst's dataset.zip of each survey;
 * a withheld estimate (too few households) appears nowhere on the page or in the workbook.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTool, need } from '../helpers/tools.js';
import { screenshotDir, signIn, startWebApp } from '../helpers/browser.js';
import { runMdsurvey } from '../helpers/cli.js';
import { PASSWORD, seedDotmServer } from '../helpers/dotm-server.js';
import { computeIndicators, shippedCatalogue } from '../../analysis/index.js';
import { readDataset } from '../../io/dataset-files.js';

describe.runIf(need(chromiumTool(), 'the monitoring page in Chromium'))('monitoring page', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-monitor-e2e-'));
  let surveys: { id: string; title: string }[] = [];
  let tokens: Record<string, string> = {};

  beforeAll(async () => {
    app = await startWebApp();
    ({ surveys, tokens } = await seedDotmServer(app, [
      { round: 1, year: 2023 },
      { round: 2, year: 2026 },
    ]));
  }, 240_000);
  afterAll(() => app?.close());

  const plan = (rounds: { id: string; date: string; survey?: string; dataset?: string }[]) => ({
    format: 'mdsurvey-monitoring/1',
    title: 'Migration policy: monitoring matrix',
    rounds,
    baseline: 'R2023',
    sampling: 'shared-psus',
    compare: 'hh_migration_status',
    goals: [
      {
        id: 'G1',
        outcome: 'Return migrants reintegrate and remittances reach households',
        outputs: [
          {
            output: 'Return and remittances',
            indicators: [
              { id: 'mig_return_hh', groups: ['all'], targets: [{ date: '2030', value: 0.3 }] },
              { id: 'rem_receiving_hh', groups: ['all', 'migrant', 'H1', 'H2', 'H3'], targets: [{ date: '2030', value: 0.5, group: 'all' }] },
            ],
          },
        ],
      },
    ],
  });

  it('computes the matrix with charts and a workbook, equal to mdsurvey monitor on the analyst datasets, with nothing withheld shown', async () => {
    // The CLI on the analyst's dataset.zip of each survey.
    const files = [];
    for (const [k, s] of surveys.entries()) {
      const res = await fetch(`${app.url}/api/v1/surveys/${s.id}/export/dataset.zip`, { headers: { authorization: `Bearer ${tokens.analyst}` } });
      const file = path.join(work, `round${k + 1}.zip`);
      fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
      files.push(file);
    }
    fs.writeFileSync(
      path.join(work, 'plan.json'),
      JSON.stringify(
        plan([
          { id: 'R2023', date: '2023-06', dataset: files[0] },
          { id: 'R2026', date: '2026-06', dataset: files[1] },
        ]),
      ),
    );
    const cli = await runMdsurvey(['monitor', path.join(work, 'plan.json'), '--out', path.join(work, 'cli')]);
    expect(cli.code, cli.stderr).toBe(0);
    const expected = JSON.parse(fs.readFileSync(path.join(work, 'cli', 'monitoring.json'), 'utf8'));
    // What the suppression hides: the withheld groups' shares, computed without publication rules.
    const hidden: number[] = [];
    for (const f of files) {
      const raw = computeIndicators(await readDataset(f), shippedCatalogue(), { only: ['rem_receiving_hh'], compare: 'hh_migration_status' });
      for (const r of raw.rows)
        if (['H1', 'H2', 'H3'].includes(r.group) && r.flags.some((x) => x === 'suppressed' || x === 'complementary') && r.estimate! > 0 && r.estimate! < 1)
          hidden.push(r.estimate!);
    }
    expect(hidden.length).toBeGreaterThan(0);
    const context = await app.browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await signIn(page, app.url, 'analyst', PASSWORD);
    await page.getByRole('link', { name: 'Monitoring' }).click();
    await page.getByRole('heading', { name: 'Monitoring across survey rounds' }).waitFor();
    for (const [k, s] of surveys.entries()) {
      await page.getByLabel(`${s.title} is a round`).check();
      await page.getByLabel(`${s.title} round id`).fill(k === 0 ? 'R2023' : 'R2026');
      await page.getByLabel(`${s.title} date`).fill(k === 0 ? '2023-06' : '2026-06');
    }
    await page.getByRole('button', { name: 'Start a plan with these rounds' }).click();
    const template = JSON.parse(await page.getByLabel('Plan', { exact: true }).inputValue());
    expect(template.rounds.map((r: { survey: string }) => r.survey)).toEqual(surveys.map((s) => s.id));
    // The analyst's plan: the template's rounds, the plan's goals.
    await page.getByLabel('Plan', { exact: true }).fill(JSON.stringify(plan(template.rounds), null, 2));
    await page.getByRole('button', { name: 'Compute the matrix' }).click();
    await page.getByTestId('matrix').waitFor();
    for (const row of expected.rows as {
      indicator: string;
      group: string;
      rounds: { round: string; estimate: number | null }[];
      changeFromBaseline: { estimate: number } | null;
    }[]) {
      for (const v of row.rounds) {
        const cell = await page.getByTestId(`estimate-${row.indicator}-${row.group}-${v.round}`).textContent();
        if (v.estimate === null) expect(cell).toBe('withheld');
        else expect(cell!.startsWith(v.estimate.toFixed(3))).toBe(true);
      }
      const change = await page.getByTestId(`change-${row.indicator}-${row.group}`).textContent();
      if (row.changeFromBaseline) expect(change!.startsWith(row.changeFromBaseline.estimate.toFixed(3))).toBe(true);
      else expect(change).toBe('');
    }
    // A chart per indicator and group: points with their intervals, drawn as SVG.
    expect(await page.getByTestId('chart-mig_return_hh-all').locator('svg circle').count()).toBeGreaterThanOrEqual(2);
    for (const row of expected.rows as { indicator: string; group: string; rounds: { estimate: number | null }[] }[])
      if (row.rounds.every((v) => v.estimate === null))
        expect(await page.getByTestId(`chart-${row.indicator}-${row.group}`).locator('svg circle').count()).toBe(0);
    const html = await page.content();
    for (const h of hidden) for (const digits of [3, 4, 6]) expect(html.includes(h.toFixed(digits)), `withheld ${h} on the page`).toBe(false);
    await page.screenshot({ path: path.join(screenshotDir(), 'monitoring-1280.png'), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download XLSX' }).click()]);
    const xlsx = path.join(work, 'page.xlsx');
    await download.saveAs(xlsx);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(xlsx);
    const ws = wb.getWorksheet('G1')!;
    const head = (ws.getRow(1).values as string[]).slice(1);
    expected.rows.forEach(
      (row: { indicator: string; group: string; rounds: { estimate: number | null }[]; changeFromBaseline: { estimate: number } | null }, k: number) => {
        const cells = (ws.getRow(k + 2).values as unknown[]).slice(1);
        expect([cells[head.indexOf('indicator')], cells[head.indexOf('group')]]).toEqual([row.indicator, row.group]);
        const est = cells[head.indexOf('R2026 estimate')];
        if (row.rounds[1].estimate === null) expect(est ?? '').toBe('');
        else expect(Math.abs((est as number) - row.rounds[1].estimate)).toBeLessThan(1e-12);
        if (row.changeFromBaseline)
          expect(Math.abs((cells[head.indexOf('change from baseline')] as number) - row.changeFromBaseline.estimate)).toBeLessThan(1e-12);
      },
    );
    const everything: string[] = [];
    wb.eachSheet((s) => s.eachRow((r) => everything.push(JSON.stringify(r.values))));
    for (const h of hidden) expect(everything.join('\n').includes(String(h)), `withheld ${h} in the workbook`).toBe(false);
    await context.close();
  }, 180_000);
});

/**
 * The analyst workspace in Chromium (issue 18), on a synthetic DotM survey sent to the server as real
 * interviews and approved: the analyst switches to French, reads the indicators by migration status
 * with their chart, downloads CSV, XLSX and PNG, builds a table; the downloaded numbers equal the CLI's
 * on the analyst's dataset.zip, and no withheld value appears in the page or in any download.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTool, need } from '../helpers/tools.js';
import { screenshotDir, signIn, startWebApp } from '../helpers/browser.js';
import { runMdsurvey } from '../helpers/cli.js';
import { PASSWORD, seedDotmServer } from '../helpers/dotm-server.js';
import { computeIndicators, shippedCatalogue } from '../../analysis/index.js';
import { readDataset } from '../../io/dataset-files.js';

describe.runIf(need(chromiumTool(), 'the analyst workspace in Chromium'))('analyst workspace', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let surveys: { id: string; title: string }[] = [];
  let tokens: Record<string, string> = {};
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-workspace-'));
  beforeAll(async () => {
    app = await startWebApp();
    ({ surveys, tokens } = await seedDotmServer(app, [{ round: 1, year: 2026, title: 'DotM Ghana 2026' }]));
  }, 240_000);
  afterAll(() => app?.close());

  it('French, indicators with a chart, table builder, downloads equal to the CLI, nothing withheld anywhere', async () => {
    const survey = surveys[0];
    const res = await fetch(`${app.url}/api/v1/surveys/${survey.id}/export/dataset.zip`, { headers: { authorization: `Bearer ${tokens.analyst}` } });
    const zip = path.join(work, 'dataset.zip');
    fs.writeFileSync(zip, Buffer.from(await res.arrayBuffer()));
    const cli = await runMdsurvey(['indicators', zip, '--compare', 'hh_migration_status', '--language', 'fr']);
    expect(cli.code, cli.stderr).toBe(0);
    const expected = JSON.parse(cli.stdout) as { rows: { id: string; category: string | null; group: string; estimate: number | null; label: string }[] };
    // The values publication withholds (computed here without its rules): they must appear nowhere.
    const raw = computeIndicators(await readDataset(zip), shippedCatalogue(), { compare: 'hh_migration_status' });
    const hidden = raw.rows
      .filter((r) => r.flags.includes('suppressed') || r.flags.includes('complementary'))
      .map((r) => r.estimate)
      .filter((x): x is number => x !== null && x > 0 && x < 1 && Math.abs(x * 1e6 - Math.round(x * 1e6)) > 1e-3)
      // (a value another, published row has too is no secret)
      .filter((x) => !expected.rows.some((r) => r.estimate === x));
    expect(hidden.length).toBeGreaterThan(0);
    const noHidden = (text: string, where: string) => {
      for (const h of hidden)
        // Full precision (data, titles, downloads) and six decimals: three would meet other figures by chance.
        for (const s of [String(h), h.toFixed(6)]) {
          const at = text.indexOf(s);
          expect(at, `${where} shows withheld ${s}: ...${text.slice(Math.max(0, at - 300), at + 60)}`).toBe(-1);
        }
    };

    const context = await app.browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await signIn(page, app.url, 'analyst', PASSWORD);
    await page.getByRole('link', { name: 'Workspace' }).click();
    await page.getByRole('heading', { name: 'Analysis workspace' }).waitFor();
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('heading', { name: "Espace d'analyse" }).waitFor();
    await page.getByTestId('indicator-table').waitFor();
    // Labels in French, from the catalogue.
    const firstLabel = expected.rows.find((r) => r.estimate !== null)!.label;
    await page.getByTestId('indicator-table').getByText(firstLabel).first().waitFor();
    expect(await page.getByTestId('indicator-chart').locator('svg circle').count()).toBeGreaterThan(0);
    noHidden(await page.content(), 'the indicators page');
    await page.screenshot({ path: path.join(screenshotDir(), 'workspace-1280.png'), fullPage: false });

    // CSV of what is on screen: every published estimate equals the CLI's.
    const [csvDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger CSV' }).click()]);
    const csvText = fs.readFileSync(await csvDownload.path(), 'utf8');
    noHidden(csvText, 'the CSV');
    const csvRows = parse(csvText, { columns: true }) as Record<string, string>[];
    expect(csvRows.length).toBe(expected.rows.length);
    for (const row of csvRows) {
      const e = expected.rows.find((x) => x.id === row.Indicateur && (x.category ?? '') === row.category && x.group === row.Groupe)!;
      expect(e, `${row.Indicateur} ${row.Groupe}`).toBeDefined();
      if (e.estimate === null) expect(row.Estimation).toBe('');
      else expect(Number(row.Estimation)).toBe(e.estimate);
    }
    // XLSX from the server.
    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger XLSX' }).click()]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(await xlsxDownload.path());
    const cells: string[] = [];
    let compared = 0;
    wb.eachSheet((ws) =>
      ws.eachRow((r, k) => {
        cells.push(JSON.stringify(r.values));
        if (k === 1 || ws.name === 'Notes') return;
        const v = (r.values as unknown[]).slice(1);
        const e = expected.rows.find((x) => x.id === v[0] && (x.category ?? '') === (v[2] ?? '') && x.group === v[3]);
        if (e && e.estimate !== null && typeof v[5] === 'number') {
          expect(v[5]).toBe(e.estimate);
          compared++;
        }
      }),
    );
    expect(compared).toBeGreaterThan(20);
    noHidden(cells.join('\n'), 'the XLSX');
    // The chart as PNG.
    const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger le graphique (PNG)' }).click()]);
    const png = fs.readFileSync(await pngDownload.path());
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.length).toBeGreaterThan(2000);

    // The table builder: households by migration status and region, percentages of the table.
    await page.getByRole('tab', { name: 'Tableaux' }).click();
    await page.getByLabel('Lignes').selectOption('hh_migration_status');
    await page.getByLabel('Colonnes').selectOption('region');
    await page.getByRole('button', { name: 'Construire le tableau' }).click();
    await page.getByTestId('weighted-table').waitFor();
    await page.getByTestId('rao-scott').waitFor();
    noHidden(await page.content(), 'the table page');
    await page.screenshot({ path: path.join(screenshotDir(), 'workspace-table-1280.png'), fullPage: false });
    const [tableCsv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger CSV' }).click()]);
    const tableRows = parse(fs.readFileSync(await tableCsv.path(), 'utf8'), { columns: true }) as Record<string, string>[];
    const tab = await runMdsurvey(['tabulate', zip, '--rows', 'hh_migration_status', '--cols', 'region', '--language', 'fr']);
    expect(tab.code, tab.stderr).toBe(0);
    const local = JSON.parse(tab.stdout).tables[0].cells as { row: string; col: string; count: { estimate: number } | null }[];
    expect(tableRows.length).toBe(local.length);
    for (const r of tableRows) {
      const c = local.find((x) => x.row === r.hh_migration_status && x.col === r.region)!;
      if (c.count === null) expect(r.count).toBe('');
      else expect(Number(r.count)).toBe(c.count.estimate);
    }

    // Row percentages: each published cell shows the CLI's share of its row.
    await page.getByLabel('Statistique').selectOption('rowPercent');
    const localRow = JSON.parse(tab.stdout).tables[0].cells as { row: string; col: string; rowPercent: { estimate: number } | null }[];
    const shown = localRow.find((c) => c.rowPercent !== null)!;
    expect((await page.getByTestId(`cell-0-${shown.row}-${shown.col}`).textContent())!.startsWith(shown.rowPercent!.estimate.toFixed(1))).toBe(true);

    // The Migration Profile annex, in French, printed as PDF on the server.
    await page.getByRole('tab', { name: 'Microdonnées et annexe' }).click();
    const [pdfDownload] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('link', { name: 'Annexe (PDF)' }).click()]);
    const pdf = fs.readFileSync(await pdfDownload.path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const [htmlDownload] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), page.getByRole('link', { name: 'Annexe (HTML)' }).click()]);
    const annexHtml = fs.readFileSync(await htmlDownload.path(), 'utf8');
    expect(annexHtml).toContain('Profil migratoire');
    noHidden(annexHtml, 'the annex');
    // The public-use microdata: anonymised files with their disclosure report.
    const [publicDownload] = await Promise.all([
      page.waitForEvent('download', { timeout: 120_000 }),
      page.getByRole('link', { name: /Fichier à usage public/ }).click(),
    ]);
    const JSZip = (await import('jszip')).default;
    const publicZip = await JSZip.loadAsync(fs.readFileSync(await publicDownload.path()));
    expect(Object.keys(publicZip.files)).toEqual(expect.arrayContaining(['household.csv', 'household.dta', 'design.json', 'codebook.json', 'disclosure.json']));
    expect(JSON.parse(await publicZip.file('disclosure.json')!.async('string')).tier).toBe('public-use');

    // Narrow screens: no horizontal scroll of the page itself.
    for (const width of [768, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.getByRole('tab', { name: 'Indicateurs' }).click();
      await page.getByTestId('indicator-table').waitFor();
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
      await page.screenshot({ path: path.join(screenshotDir(), `workspace-${width}.png`), fullPage: false });
    }
    await context.close();
  }, 240_000);
});

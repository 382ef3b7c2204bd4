/**
 * The Migration Profile annex (issue 18), as a user runs it: `mdsurvey report` on the synthetic DotM
 * dataset in French. Its tables equal `tabulate` and its indicators `indicators`; the national total of
 * remittances equals the mean per receiving household times their weighted number; every page of the
 * PDF renders (poppler's pdftoppm); no withheld value is in the HTML or the workbook.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';
import { chromiumTool, need, popplerTool } from '../helpers/tools.js';
import { computeIndicators, shippedCatalogue } from '../../analysis/index.js';
import { readDataset } from '../../io/dataset-files.js';

let dir: string;
let out: string;
let annex: {
  sections: {
    tables: {
      id: string;
      tabulation: { rows: string; cols: string; tables: { cells: { row: string; col: string; percent: { estimate: number } | null }[] }[] } | null;
    }[];
  }[];
  indicators: { id: string; category: string | null; group: string; estimate: number | null; weightedN: number | null }[];
  remittanceTotal: { currency: string; estimate: number }[];
};
beforeAll(async () => {
  dir = writeSyntheticDotm().dir;
  out = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-annex-'));
  const r = await runMdsurvey(['report', dir, '--out', out, '--language', 'fr', ...(chromiumTool().ok ? [] : ['--no-pdf'])]);
  expect(r.code, r.stderr).toBe(0);
  annex = JSON.parse(fs.readFileSync(path.join(out, 'annex.json'), 'utf8'));
}, 180_000);

describe('mdsurvey report', () => {
  it('tables equal tabulate, indicators equal indicators, the national total adds up', async () => {
    const tables = annex.sections.flatMap((s) => s.tables);
    expect(tables.every((t) => t.tabulation !== null)).toBe(true);
    for (const [id, level, rows, cols, universe] of [
      ['H1', 'household', 'hh_migration_status', 'region', undefined],
      ['E1', 'emigrants', 'em_country', 'em_sex', undefined],
      ['R3', 'members', 'rm_reason_return', 'sex', "${rm_lived_abroad} = '1'"],
    ] as const) {
      const t = await runMdsurvey([
        'tabulate',
        dir,
        '--level',
        level,
        '--rows',
        rows,
        '--cols',
        cols,
        '--language',
        'fr',
        ...(universe ? ['--universe', universe] : []),
      ]);
      expect(t.code, t.stderr).toBe(0);
      const local = JSON.parse(t.stdout).tables[0].cells as { row: string; col: string; percent: { estimate: number } | null }[];
      const ours = tables.find((x) => x.id === id)!.tabulation!.tables[0].cells;
      expect(ours.map((c) => [c.row, c.col, c.percent?.estimate ?? null])).toEqual(local.map((c) => [c.row, c.col, c.percent?.estimate ?? null]));
    }
    const ind = await runMdsurvey(['indicators', dir, '--compare', 'hh_migration_status', '--language', 'fr']);
    const rows = JSON.parse(ind.stdout).rows as typeof annex.indicators;
    expect(annex.indicators.map((r) => [r.id, r.category, r.group, r.estimate])).toEqual(rows.map((r) => [r.id, r.category, r.group, r.estimate]));
    const mean = rows.find((r) => r.id === 'rem_mean_amount' && r.group === 'all')!;
    const total = annex.remittanceTotal.find((r) => r.currency === 'GHS')!;
    expect(Math.abs(total.estimate - mean.estimate! * mean.weightedN!) / total.estimate).toBeLessThan(1e-9);
  });

  it('shows no withheld value in the HTML or the workbook', async () => {
    const raw = computeIndicators(await readDataset(dir), shippedCatalogue(), { compare: 'hh_migration_status', language: 'fr' });
    const published = new Set(annex.indicators.map((r) => r.estimate));
    const hidden = raw.rows
      .filter((r) => r.flags.includes('suppressed') || r.flags.includes('complementary'))
      .map((r) => r.estimate)
      .filter((x): x is number => x !== null && !published.has(x) && Math.abs(x * 1e6 - Math.round(x * 1e6)) > 1e-3);
    expect(hidden.length).toBeGreaterThan(0);
    const html = fs.readFileSync(path.join(out, 'annex.html'), 'utf8');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path.join(out, 'annex.xlsx'));
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((r) => cells.push(JSON.stringify(r.values))));
    for (const h of hidden)
      for (const s of [String(h), h.toFixed(6)]) {
        expect(html.includes(s), `HTML shows withheld ${s}`).toBe(false);
        expect(cells.join('\n').includes(s), `workbook shows withheld ${s}`).toBe(false);
      }
    expect(wb.worksheets.map((w) => w.name).slice(0, 3)).toEqual(['Contents', 'H1', 'H2']);
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Profil migratoire');
  });

  it.runIf(need(chromiumTool(), 'the annex PDF (Chromium)') && need(popplerTool(), 'rendering the annex PDF (pdftoppm)'))(
    'prints a PDF whose every page renders',
    () => {
      const pdf = path.join(out, 'annex.pdf');
      const info = spawnSync('pdfinfo', [pdf], { encoding: 'utf8' });
      expect(info.status, info.stderr).toBe(0);
      const pages = Number(/Pages:\s+(\d+)/.exec(info.stdout)![1]);
      expect(pages).toBeGreaterThan(10);
      const png = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-pages-'));
      const r = spawnSync('pdftoppm', ['-png', '-r', '30', pdf, path.join(png, 'p')], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      const rendered = fs.readdirSync(png).filter((f) => f.endsWith('.png'));
      expect(rendered).toHaveLength(pages);
      for (const f of rendered) expect(fs.statSync(path.join(png, f)).size).toBeGreaterThan(500);
    },
    60_000,
  );
});

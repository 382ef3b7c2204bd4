import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeIndicators, shippedCatalogue, tabulateDataset, type Dataset, type IndicatorReport } from '../../analysis/index.js';
import { readDataset } from '../../io/dataset-files.js';
import { exportMicrodata, writeExportFiles } from '../../io/microdata-export.js';
import { ROOT } from '../helpers/cli.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';
import { need, rTool } from '../helpers/tools.js';

// The "done when": on the synthetic two-phase DotM dataset every indicator of the catalogue is
// computed by group, and R survey, run by tests/reference/dotm-indicators.R on the exported .dta files,
// reproduces each estimate, se, difference to H0, its se and p value to 1e-9.
const R = rTool();
let report: IndicatorReport;
let exportDir: string;
let dataset: Dataset;

beforeAll(async () => {
  const { dir } = writeSyntheticDotm();
  dataset = await readDataset(dir);
  report = computeIndicators(dataset, shippedCatalogue(), { compare: 'hh_migration_status' });
  exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-dta-'));
  await writeExportFiles(exportDir, exportMicrodata(dataset, { publicUse: false, formats: ['dta'] }).files);
}, 60_000);

describe('indicator catalogue on the synthetic DotM dataset', () => {
  it('computes every indicator for every migration status group', () => {
    expect(report.skipped).toEqual([]);
    const groups = ['all', 'H0', 'H1', 'H2', 'H3', 'migrant'];
    for (const ind of shippedCatalogue().indicators) {
      const rows = report.rows.filter((r) => r.id === ind.id);
      expect(rows.map((r) => r.group)).toEqual(expect.arrayContaining(groups));
      // Every group has cases except where the definition rules it out (emigrants of H0/H2 households).
      for (const r of rows.filter((x) => x.group === 'all' || x.group === 'migrant')) expect(r.estimate, `${ind.id} ${r.group}`).not.toBeNull();
      const h0 = rows.find((x) => x.group === 'H0' && x.category === rows[0].category)!;
      for (const r of rows.filter((x) => x.group !== 'all' && x.group !== 'H0' && x.estimate !== null && h0.estimate !== null))
        expect(r.difference, `${ind.id} ${r.group}`).not.toBeNull();
    }
    expect(shippedCatalogue().indicators.length).toBeGreaterThanOrEqual(25);
  });
});

describe.runIf(need(R, 'R survey on the exported .dta files'))('R survey on the exported .dta files', () => {
  it('reproduces every estimate, se, difference, its se and p value to 1e-9', () => {
    const out = path.join(exportDir, 'reference.csv');
    const run = spawnSync('Rscript', [path.join(ROOT, 'tests', 'reference', 'dotm-indicators.R'), exportDir, out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const ref = parse(fs.readFileSync(out), { columns: true, trim: true }) as Record<string, string>[];
    expect(ref.length).toBeGreaterThan(200);
    let compared = 0;
    for (const x of ref) {
      const ours = report.rows.find((o) => o.id === x.id && (o.category ?? 'NA') === x.category && o.group === x.group)!;
      expect(ours, `${x.id} ${x.category} ${x.group}`).toBeDefined();
      const pairs: [string, number | null | undefined, number][] = [
        ['estimate', ours.estimate, Number(x.estimate)],
        ['se', ours.se, Number(x.se)],
        ['difference', ours.difference?.estimate, Number(x.difference)],
        ['difference se', ours.difference?.se, Number(x.difference_se)],
        ['p', ours.difference?.p, Number(x.difference_p)],
      ];
      for (const [what, a, b] of pairs) {
        const where = `${x.id} ${x.category} ${x.group} ${what}`;
        if (what === 'p' && ours.flags.includes('definitional')) {
          // A difference that holds by definition is not tested (no p); R tests it: se 0, p 0.
          expect(Math.abs(Number(x.difference_se)), where).toBeLessThan(1e-12);
          expect(a === null || a === undefined || Number.isNaN(a), where).toBe(true);
          continue;
        }
        if (Number.isNaN(b)) {
          // R has no value (no cases, or 0/0 for a p value): neither do we.
          expect(a === null || a === undefined || Number.isNaN(a), where).toBe(true);
          continue;
        }
        expect(a, where).not.toBeNull();
        const err = Math.abs(b) < 1e-12 ? Math.abs(a! - b) : Math.abs(a! - b) / Math.abs(b);
        expect(err, `${where}: ours ${a}, R ${b}`).toBeLessThan(1e-9);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(700);
  }, 60_000);

  it('reproduces the nativity x sex x age group table: counts, percentages, their SEs and the Rao-Scott F test', () => {
    const out = path.join(exportDir, 'tables.csv');
    const run = spawnSync('Rscript', [path.join(ROOT, 'tests', 'reference', 'dotm-tables.R'), exportDir, out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const ref = parse(fs.readFileSync(out), { columns: true, trim: true }) as Record<string, string>[];
    const tab = tabulateDataset(dataset, { level: 'members', rows: 'nativity', cols: 'sex', by: 'age_group', grouping: { ageBreaks: [0, 15, 65] } });
    expect(tab.tables.map((t) => t.by.age_group)).toEqual(['0-14', '15-64', '65+']);
    const close = (a: number, b: number, where: string) =>
      expect(Math.abs(b) < 1e-12 ? Math.abs(a - b) : Math.abs(a - b) / Math.abs(b), `${where}: ours ${a}, R ${b}`).toBeLessThan(1e-9);
    let rowPercents = 0;
    for (const x of ref) {
      const t = tab.tables.find((tt) => tt.by.age_group === x.age_group)!;
      const where = `${x.age_group} ${x.row} ${x.col}`;
      if (x.row === 'test') {
        close(t.test!.f, Number(x.f), `${where} F`);
        close(t.test!.p, Number(x.p), `${where} p`);
        continue;
      }
      const entries = [...t.cells, ...t.rowMargins, ...t.colMargins, t.total];
      const e = entries.find((en) => (en.row ?? 'Total') === x.row && (en.col ?? 'Total') === x.col)!;
      expect(e, where).toBeDefined();
      close(e.count.estimate, Number(x.count), `${where} count`);
      close(e.count.se, Number(x.count_se), `${where} count se`);
      close(e.percent.estimate, Number(x.percent), `${where} percent`);
      close(e.percent.se, Number(x.percent_se), `${where} percent se`);
      if (x.row_pct !== 'NA' && x.row !== 'Total' && x.col !== 'Total') {
        expect(e.rowPercent, where).toBeDefined();
        close(e.rowPercent!.estimate, Number(x.row_pct), `${where} row percent`);
        close(e.rowPercent!.se, Number(x.row_pct_se), `${where} row percent se`);
        close(e.colPercent!.estimate, Number(x.col_pct), `${where} column percent`);
        close(e.colPercent!.se, Number(x.col_pct_se), `${where} column percent se`);
        rowPercents++;
      }
    }
    expect(rowPercents).toBe(3 * 4);
    expect(ref.length).toBe(3 * (9 + 1));
  }, 60_000);

  it('haven reads the .dta files with their variable and value labels', () => {
    const script = `
      suppressPackageStartupMessages(library(haven))
      m <- read_dta(file.path("${exportDir}", "members.dta"))
      h <- read_dta(file.path("${exportDir}", "household.dta"))
      cat(attr(m$sex, "label"), "|", paste(names(attr(m$sex, "labels")), attr(m$sex, "labels"), sep = "=", collapse = ";"), "|",
          attr(h$hh_migration_status, "label"), "|", nrow(m), "|", paste(setdiff(c("name", "weight", "region", "ea"), names(m)), collapse = ","), "|", attr(m, "label"), "\\n")`;
    const run = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [sexLabel, sexValues, statusLabel, rows, missing, fileLabel] = run.stdout
      .trim()
      .split(' | ')
      .map((s) => s.trim());
    expect(sexLabel).toBe('Sex');
    expect(sexValues).toBe('Male=1;Female=2');
    expect(statusLabel).toMatch(/migration status/i);
    expect(Number(rows)).toBeGreaterThan(3000);
    expect(missing).toBe('name'); // the direct identifier is dropped; the design columns are in every file
    expect(fileLabel).toMatch(/members \(analyst\)/);
  }, 30_000);
});

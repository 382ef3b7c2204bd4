// Multiple comparisons (issue 16): with --p-adjust holm each difference's p value is adjusted across the
// groups of its indicator (one category, one by-domain) exactly as R's p.adjust(method = "holm") does.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { computeIndicators, shippedCatalogue, type Dataset, type IndicatorReport } from '../../analysis/index.js';
import { readDataset } from '../../io/dataset-files.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';
import { need, rTool } from '../helpers/tools.js';

let report: IndicatorReport;
let plain: IndicatorReport;
beforeAll(async () => {
  const dataset: Dataset = await readDataset(writeSyntheticDotm().dir);
  report = computeIndicators(dataset, shippedCatalogue(), { compare: 'hh_migration_status', pAdjust: 'holm' });
  plain = computeIndicators(dataset, shippedCatalogue(), { compare: 'hh_migration_status', only: ['mig_emigrant_hh'] });
}, 60_000);

describe('Holm adjustment of the differences', () => {
  it('labels differences as descriptive unless adjusted, and never lowers a p value', () => {
    expect(report.differences).toBe('Holm-adjusted across the groups of each indicator');
    expect(plain.differences).toBe('descriptive: unadjusted t tests');
    expect(plain.rows.every((r) => r.difference?.pAdjusted === undefined)).toBe(true);
    for (const r of report.rows) if (r.difference && Number.isFinite(r.difference.p)) expect(r.difference.pAdjusted!).toBeGreaterThanOrEqual(r.difference.p);
  });
});

describe.runIf(need(rTool(), "R's p.adjust"))("R's p.adjust", () => {
  it('gives the same adjusted p values, family by family', () => {
    const families = new Map<string, { raw: number[]; ours: number[] }>();
    for (const r of report.rows) {
      if (!r.difference || !Number.isFinite(r.difference.p)) continue;
      const key = `${r.id}:${r.category ?? ''}`;
      const f = families.get(key) ?? { raw: [], ours: [] };
      f.raw.push(r.difference.p);
      f.ours.push(r.difference.pAdjusted!);
      families.set(key, f);
    }
    const list = [...families.values()].filter((f) => f.raw.length > 1);
    expect(list.length).toBeGreaterThan(20);
    const script = `ps <- list(${list.map((f) => `c(${f.raw.map((p) => p.toPrecision(17)).join(',')})`).join(',')}); for (p in ps) cat(format(p.adjust(p, "holm"), digits = 17), "\\n")`;
    const run = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    list.forEach((f, i) => {
      const r = lines[i].trim().split(/\s+/).map(Number);
      f.ours.forEach((p, j) => expect(Math.abs(p - r[j]), `family ${i}`).toBeLessThanOrEqual(1e-12 * Math.max(1, r[j])));
    });
  });
});

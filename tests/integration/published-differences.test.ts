/**
 * No suppressed estimate can be recovered from what is published: every linear relation of the output
 * (a difference to the reference group; a total's population and estimate as the sum of its parts'
 * weighted by their populations) is solved as far as it goes (tests/helpers/leaks.ts), over every row
 * of the synthetic DotM indicators by migration status and urban/rural, in each output format (JSON, CSV,
 * XLSX; HTTP in money-chain.test.ts). The solver is shown to find values when only the primary
 * suppression is applied, so the check can fail.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';
import { recoverable, type PublishedRow } from '../helpers/leaks.js';

interface JsonRow {
  id: string;
  category: string | null;
  group: string;
  statistic: string;
  by: Record<string, string>;
  estimate: number | null;
  weightedN: number | null;
  difference: { estimate: number } | null;
  flags: string[];
  n: number;
}

const keyOf = (id: string, category: string | null | undefined, urban: string | number | null | undefined) => `${id}:${category ?? ''}:${urban ?? ''}`;
const fromJson = (rows: JsonRow[]): PublishedRow[] =>
  rows.map((x) => ({
    key: keyOf(x.id, x.category, x.by.urban),
    group: x.group,
    statistic: x.statistic,
    estimate: x.estimate,
    difference: x.difference?.estimate ?? null,
    weightedN: x.weightedN,
  }));

describe('published indicators give no suppressed estimate away', () => {
  let dir: string;
  let all: JsonRow[];
  let suppressed: Set<string>;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-leaks-'));
  // The threshold is set just above the number of non-migrant (H0) households receiving remittances, so
  // that the remittance indicators of the reference group are suppressed: references to protect.
  let minCases = 25;
  const cli = (...extra: string[]) =>
    runMdsurvey(['indicators', dir, '--compare', 'hh_migration_status', '--by', 'urban', '--min-cases', String(minCases), ...extra]);
  /** No hidden estimate may be determined by the published rows. */
  const expectNoLeak = (rows: PublishedRow[]) => {
    const found = recoverable(rows);
    const leaked = [...found.keys()].filter((k) => suppressed.has(k));
    expect(leaked).toEqual([]);
  };
  beforeAll(async () => {
    dir = writeSyntheticDotm().dir;
    const probe = JSON.parse(
      (await runMdsurvey(['indicators', dir, '--compare', 'hh_migration_status', '--no-suppress', '--only', 'rem_mean_amount'])).stdout,
    ) as {
      rows: JsonRow[];
    };
    minCases = Math.max(25, 1 + Math.max(...probe.rows.filter((r) => r.group === 'H0').map((r) => r.n)));
    all = (JSON.parse((await cli('--format', 'json', '--no-suppress')).stdout) as { rows: JsonRow[] }).rows;
    suppressed = new Set(all.filter((r) => r.flags.includes('suppressed')).map((r) => `${keyOf(r.id, r.category, r.by.urban)}|${r.group}`));
  }, 120_000);

  it('the synthetic survey has suppressed groups to protect, and the check finds them when only they are blanked', () => {
    expect(suppressed.size).toBeGreaterThan(20);
    expect([...suppressed].some((k) => k.endsWith('|H0'))).toBe(true);
    // Primary suppression alone (the suppressed rows blanked, everything else published) gives values away:
    // the solver finds them, and they are the true ones.
    const primaryOnly = fromJson(
      all.map((r) => (r.flags.includes('suppressed') ? { ...r, estimate: null, weightedN: null, difference: null } : { ...r, flags: [] })),
    );
    const found = recoverable(primaryOnly);
    const truth = new Map(all.map((r) => [`${keyOf(r.id, r.category, r.by.urban)}|${r.group}`, r.estimate!]));
    const leaked = [...found].filter(([k]) => suppressed.has(k));
    expect(leaked.length).toBeGreaterThan(10);
    for (const [k, v] of leaked) expect(Math.abs(v - truth.get(k)!), k).toBeLessThan(1e-6 * Math.max(1, Math.abs(truth.get(k)!)));
    // Complementary suppression hides more groups, differences to a hidden reference go.
    expect(all.some((r) => r.flags.includes('complementary'))).toBe(true);
  });

  it('JSON', async () => {
    const r = JSON.parse((await cli('--format', 'json')).stdout) as { rows: JsonRow[] };
    expectNoLeak(fromJson(r.rows));
    expect(r.rows.filter((x) => x.flags.includes('difference-suppressed')).length).toBeGreaterThan(0);
    // Hidden rows keep their n and flags, nothing else.
    for (const x of r.rows.filter((y) => y.flags.includes('suppressed') || y.flags.includes('complementary')))
      expect([x.estimate, x.weightedN, x.difference]).toEqual([null, null, null]);
  });

  it('CSV', async () => {
    const recs = parse((await cli('--format', 'csv')).stdout, { columns: true }) as Record<string, string>[];
    const num = (s: string) => (s === '' ? null : Number(s));
    expectNoLeak(
      recs.map((x) => ({
        key: keyOf(x.indicator, x.category, x.urban),
        group: x.group,
        statistic: x.statistic,
        estimate: num(x.estimate),
        difference: num(x.difference),
        weightedN: num(x.weighted_n),
      })),
    );
  });

  it('XLSX', async () => {
    const file = path.join(work, 'i.xlsx');
    expect((await cli('--format', 'xlsx', '--out', file)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const rows: PublishedRow[] = [];
    wb.eachSheet((ws) => {
      const head = Array.from(ws.getRow(1).values as unknown[], (h) => String(h ?? ''));
      const col = (name: string) => head.findIndex((h) => h.startsWith(name));
      if (col('estimate') < 0) return;
      ws.eachRow((row, k) => {
        if (k === 1) return;
        const v = row.values as unknown[];
        const n = (x: unknown) => (typeof x === 'number' ? x : null);
        const id = String(v[col('indicator')]);
        rows.push({
          key: keyOf(id, (v[col('category')] as string) || null, v[col('urban')] as string | number),
          group: String(v[col('group')]),
          statistic: all.find((r) => r.id === id)!.statistic,
          estimate: n(v[col('estimate')]),
          difference: n(v[col('difference vs')]),
          weightedN: n(v[col('weighted N')]),
        });
      });
    });
    expect(rows.length).toBeGreaterThan(100);
    expectNoLeak(rows);
  });

  it('a comparison that holds by definition is labelled, not tested; an estimate without variance is flagged', async () => {
    const r = JSON.parse((await runMdsurvey(['indicators', dir, '--compare', 'hh_migration_status', '--only', 'mig_emigrant_hh'])).stdout) as {
      rows: { group: string; estimate: number; se: number; difference: { estimate: number; p: number | null } | null; flags: string[] }[];
    };
    const h1 = r.rows.find((x) => x.group === 'H1')!;
    expect(h1.estimate).toBe(1);
    expect(h1.flags).toEqual(expect.arrayContaining(['no-variance', 'definitional']));
    expect(h1.difference!.estimate).toBe(1);
    expect(h1.difference!.p).toBeNull();
  });
});

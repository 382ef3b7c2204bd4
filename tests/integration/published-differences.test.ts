/**
 * A suppressed estimate cannot be recovered from a published estimate and a published difference:
 * checked exhaustively over every row of the synthetic DotM indicators, in each output format (JSON,
 * CSV, XLSX), against the unsuppressed values.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';

interface Row {
  key: string;
  group: string;
  estimate: number | null;
  difference: number | null;
}

/** Every (estimate of group g) - (difference of g to the reference) is the reference's estimate: is that one published? */
function leaks(rows: Row[], truth: Map<string, number>): string[] {
  const out: string[] = [];
  const byKey = new Map<string, Row>();
  for (const r of rows) byKey.set(`${r.key}|${r.group}`, r);
  for (const r of rows) {
    if (r.estimate === null || r.difference === null) continue;
    const ref = byKey.get(`${r.key}|H0`);
    if (ref && ref.estimate === null)
      out.push(`${r.key} ${r.group}: difference to suppressed H0 published (H0 = ${r.estimate - r.difference}, truly ${truth.get(`${r.key}|H0`)})`);
  }
  return out;
}

describe('published indicators give no suppressed estimate away', () => {
  let dir: string;
  let truth: Map<string, number>;
  let suppressedCount = 0;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-leaks-'));
  // The threshold is set just above the number of non-migrant (H0) households receiving remittances, so
  // that the remittance indicators of the reference group are suppressed: references to protect.
  let minCases = 25;
  const cli = (...extra: string[]) => runMdsurvey(['indicators', dir, '--compare', 'hh_migration_status', '--min-cases', String(minCases), ...extra]);
  beforeAll(async () => {
    dir = writeSyntheticDotm().dir;
    type Rows = { rows: { id: string; category: string | null; group: string; estimate: number; n: number; flags: string[] }[] };
    const probe = JSON.parse((await cli('--format', 'json', '--no-suppress')).stdout) as Rows;
    minCases = Math.max(25, 1 + Math.max(...probe.rows.filter((r) => r.group === 'H0' && r.id === 'rem_mean_amount').map((r) => r.n)));
    const all = JSON.parse((await cli('--format', 'json', '--no-suppress')).stdout) as Rows;
    truth = new Map(all.rows.map((r) => [`${r.id}:${r.category ?? ''}|${r.group}`, r.estimate]));
    suppressedCount = all.rows.filter((r) => r.group === 'H0' && r.flags.includes('suppressed')).length;
  }, 120_000);

  it('the synthetic survey has suppressed reference groups to protect', () => {
    expect(suppressedCount).toBeGreaterThan(3);
  });

  it('JSON', async () => {
    const r = JSON.parse((await cli('--format', 'json')).stdout) as {
      rows: { id: string; category: string | null; group: string; estimate: number | null; difference: { estimate: number } | null; flags: string[] }[];
    };
    const rows = r.rows.map((x) => ({ key: `${x.id}:${x.category ?? ''}`, group: x.group, estimate: x.estimate, difference: x.difference?.estimate ?? null }));
    expect(leaks(rows, truth)).toEqual([]);
    expect(r.rows.filter((x) => x.flags.includes('difference-suppressed')).length).toBeGreaterThan(0);
  });

  it('CSV', async () => {
    const recs = parse((await cli('--format', 'csv')).stdout, { columns: true }) as Record<string, string>[];
    const num = (s: string) => (s === '' ? null : Number(s));
    expect(
      leaks(
        recs.map((x) => ({ key: `${x.indicator}:${x.category}`, group: x.group, estimate: num(x.estimate), difference: num(x.difference) })),
        truth,
      ),
    ).toEqual([]);
  });

  it('XLSX', async () => {
    const file = path.join(work, 'i.xlsx');
    expect((await cli('--format', 'xlsx', '--out', file)).code).toBe(0);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const rows: Row[] = [];
    wb.eachSheet((ws) => {
      const head = (ws.getRow(1).values as unknown[]).map(String);
      const col = (name: string) => head.findIndex((h) => String(h ?? '').startsWith(name));
      if (col('estimate') < 0) return;
      ws.eachRow((row, k) => {
        if (k === 1) return;
        const v = row.values as unknown[];
        const n = (x: unknown) => (typeof x === 'number' ? x : null);
        rows.push({
          key: `${v[col('indicator')]}:${v[col('category')] ?? ''}`,
          group: String(v[col('group')]),
          estimate: n(v[col('estimate')]),
          difference: n(v[col('difference vs')]),
        });
      });
    });
    expect(rows.length).toBeGreaterThan(100);
    expect(leaks(rows, truth)).toEqual([]);
  });

  it('a comparison that holds by definition is labelled, not tested; an estimate without variance is flagged', async () => {
    const r = JSON.parse((await cli('--format', 'json', '--only', 'mig_emigrant_hh')).stdout) as {
      rows: { group: string; estimate: number; se: number; difference: { estimate: number; p: number | null } | null; flags: string[] }[];
    };
    const h1 = r.rows.find((x) => x.group === 'H1')!;
    expect(h1.estimate).toBe(1);
    expect(h1.flags).toEqual(expect.arrayContaining(['no-variance', 'definitional']));
    expect(h1.difference!.estimate).toBe(1);
    expect(h1.difference!.p).toBeNull();
  });
});

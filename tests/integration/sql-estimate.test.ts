// Estimates inside PostgreSQL (issue 21): `mdsurvey estimate postgres://... --table t` reduces the rows
// to per-cell sums with one GROUP BY and finishes the variance in mdsurvey; the estimates equal those
// of the same table read from a file, to 1e-12 (design effects to 1e-9: their element variance comes
// from sums of squares), on the api data (stratified; clustered) and on the synthetic DotM households.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/reference.js';
import { need, postgresTool } from '../helpers/tools.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';

type Estimate = {
  statistic: string;
  domain: Record<string, string> | null;
  variable: string;
  estimate: number;
  se: number;
  n: number;
  missing: number;
  deff: number | null;
  df: number;
};

/** A CSV file as a table: numeric columns as double precision (NA and empty as NULL), others as text. */
async function load(client: pg.Client, table: string, file: string): Promise<string[]> {
  const rows = parse(fs.readFileSync(file), { columns: true }) as Record<string, string>[];
  const names = Object.keys(rows[0]);
  const missing = (v: string) => v === '' || v === 'NA';
  const numeric = names.map((n) => rows.every((r) => missing(r[n]) || Number.isFinite(Number(r[n]))));
  const col = (n: string) => `"${n.replace(/\./g, '_')}"`;
  await client.query(`CREATE TABLE ${table} (${names.map((n, j) => `${col(n)} ${numeric[j] ? 'double precision' : 'text'}`).join(', ')})`);
  for (let k = 0; k < rows.length; k += 500) {
    const part = rows.slice(k, k + 500);
    const args: unknown[] = [];
    const values = part.map(
      (r) => `(${names.map((n, j) => (args.push(missing(r[n]) ? null : numeric[j] ? Number(r[n]) : r[n]), `$${args.length}`)).join(', ')})`,
    );
    await client.query(`INSERT INTO ${table} VALUES ${values.join(', ')}`, args);
  }
  return names;
}

describe.runIf(need(postgresTool(), 'estimates inside PostgreSQL'))('estimate inside PostgreSQL equals the file path', () => {
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `mdsurvey_sql_${randomBytes(5).toString('hex')}`;
  let url: string;
  let client: pg.Client;
  let dotmDir: string;
  beforeAll(async () => {
    const a = new pg.Client({ connectionString: admin });
    await a.connect();
    await a.query(`CREATE DATABASE ${name}`);
    await a.end();
    const u = new URL(admin);
    u.pathname = `/${name}`;
    url = u.toString();
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await load(client, 'apistrat', path.join(FIXTURES, 'r-survey', 'apistrat.csv'));
    await load(client, 'apiclus1', path.join(FIXTURES, 'r-survey', 'apiclus1.csv'));
    dotmDir = writeSyntheticDotm().dir;
    await load(client, 'households', path.join(dotmDir, 'household.csv'));
  }, 120_000);
  afterAll(async () => {
    await client?.end();
    const a = new pg.Client({ connectionString: admin });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  });

  async function both(file: string, table: string, args: string[]): Promise<[Estimate[], Estimate[]]> {
    // The file read row by row (not through cells, which the database path shares its finishing with).
    const f = await runMdsurvey(['estimate', file, ...args], { env: { MDSURVEY_ROWS: '1' } });
    expect(f.code, f.stderr).toBe(0);
    const d = await runMdsurvey(['estimate', url, '--table', table, ...args]);
    expect(d.code, d.stderr).toBe(0);
    return [JSON.parse(f.stdout).estimates, JSON.parse(d.stdout).estimates];
  }
  function expectEqual(fromFile: Estimate[], inDb: Estimate[]) {
    const key = (e: Estimate) => `${e.statistic} ${e.variable} ${JSON.stringify(e.domain)}`;
    expect(inDb.map(key).sort()).toEqual(fromFile.map(key).sort());
    for (const f of fromFile) {
      const d = inDb.find((x) => key(x) === key(f))!;
      expect([d.n, d.missing, d.df], key(f)).toEqual([f.n, f.missing, f.df]);
      for (const k of ['estimate', 'se'] as const) expect(Math.abs(d[k] - f[k]) / Math.abs(f[k]), `${key(f)} ${k}`).toBeLessThan(1e-12);
      if (f.deff === null) expect(d.deff).toBeNull();
      else expect(Math.abs(d.deff! - f.deff) / f.deff, `${key(f)} deff`).toBeLessThan(1e-9);
    }
  }

  it('a stratified design (each school its own PSU): means and totals by domain, in a subset', async () => {
    const file = path.join(FIXTURES, 'r-survey', 'apistrat.csv');
    const design = ['--weights', 'pw', '--strata', 'stype', '--ids', 'snum'];
    expectEqual(...(await both(file, 'apistrat', [...design, '--mean', 'api00,ell', '--total', 'enroll', '--by', 'awards'])));
    expectEqual(...(await both(file, 'apistrat', [...design, '--mean', 'api00', '--subset', '${api99} > 600 and not(${meals} < 20)'])));
  }, 60_000);

  it('a cluster design with missing values', async () => {
    const file = path.join(FIXTURES, 'r-survey', 'apiclus1.csv');
    expectEqual(...(await both(file, 'apiclus1', ['--weights', 'pw', '--ids', 'dnum', '--mean', 'api00,target', '--by', 'stype'])));
  }, 60_000);

  it('the synthetic DotM households: stratified clusters, domains and a subset', async () => {
    const design = JSON.parse(fs.readFileSync(path.join(dotmDir, 'design.json'), 'utf8')) as { weights: string; strata: string; ids: string[] };
    const flags = ['--weights', design.weights, '--strata', design.strata, '--ids', design.ids[0]];
    const file = path.join(dotmDir, 'household.csv');
    const header = (parse(fs.readFileSync(file), { to_line: 1 }) as string[][])[0];
    const numeric = header.filter((h) => /^hh_(size|n_)/.test(h)).slice(0, 2);
    expect(numeric.length).toBeGreaterThan(0);
    expectEqual(...(await both(file, 'households', [...flags, '--mean', numeric.join(','), '--total', numeric[0], '--by', design.strata])));
    expectEqual(...(await both(file, 'households', [...flags, '--mean', numeric[0], '--by', design.strata, '--subset', `\${${numeric[0]}} >= 3`])));
  }, 60_000);

  it('a --spec table of estimates with one scan of the table, as the file gives it', async () => {
    const file = path.join(FIXTURES, 'r-survey', 'apistrat.csv');
    const spec = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sql-spec-')), 'spec.json');
    fs.writeFileSync(
      spec,
      JSON.stringify({
        estimates: [
          { name: 'a', mean: ['api00', 'ell'], by: 'awards' },
          { name: 'b', total: 'enroll', by: 'stype', subset: '${api99} > 600' },
          { name: 'c', mean: 'api00', subset: 'not(${meals} < 20)' },
        ],
      }),
    );
    const flags = ['--weights', 'pw', '--strata', 'stype', '--ids', 'snum', '--spec', spec];
    const f = await runMdsurvey(['estimate', file, ...flags], { env: { MDSURVEY_ROWS: '1' } });
    expect(f.code, f.stderr).toBe(0);
    const d = await runMdsurvey(['estimate', url, '--table', 'apistrat', ...flags]);
    expect(d.code, d.stderr).toBe(0);
    type Results = { results: { name: string; subsetRows?: number; estimates: Estimate[] }[] };
    const [fr, dr] = [JSON.parse(f.stdout) as Results, JSON.parse(d.stdout) as Results];
    expect(dr.results.map((x) => [x.name, x.subsetRows])).toEqual(fr.results.map((x) => [x.name, x.subsetRows]));
    fr.results.forEach((x, k) => expectEqual(x.estimates, dr.results[k].estimates));
  }, 60_000);

  it('refuses what the database path does not read, and a bad table, with exit code 2', async () => {
    for (const args of [
      ['--table', 'apistrat', '--weights', 'pw', '--ratio', 'api00/api99'],
      ['--table', 'apistrat', '--weights', 'pw', '--mean', 'api00', '--subset', 'regex(${sname}, "a")'],
      ['--table', 'nope', '--weights', 'pw', '--mean', 'api00'],
      ['--table', 'apistrat; DROP TABLE apistrat', '--weights', 'pw', '--mean', 'api00'],
      ['--weights', 'pw', '--mean', 'api00'],
      ['--table', 'apistrat', '--weights', 'pw', '--strata', 'stype', '--mean', 'api00'],
    ]) {
      const r = await runMdsurvey(['estimate', url, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
    }
    expect((await client.query('SELECT count(*)::int AS n FROM apistrat')).rows[0].n).toBe(200);
  }, 60_000);
});

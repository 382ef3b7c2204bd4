// Means and totals from cells (issue 21): a CSV file read once, in parts, by two threads, into one
// cell per stratum x PSU x domain x subset x missing, gives the estimates of the row-by-row path
// (MDSURVEY_ROWS=1 forces it) to 1e-12, design effects to 1e-9; a file the cells cannot stand for
// (a bad row, a line break inside quotes where a part starts, a column that turns from numbers to
// text) is read row by row, with the same result or the same error.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/reference.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';
import { csvCells } from '../../io/csv-cells.js';
import { readCsvTable } from '../../io/read-table.js';
import { buildDesign, CellsRefused, estimate, estimatesFromCells, evaluateSubset, type ColumnRole, type Estimate } from '../../analysis/index.js';

type Out = { design: Record<string, unknown>; estimates: Estimate[] };

function expectSame(cells: Estimate[], rows: Estimate[], what: string) {
  expect(
    cells.map((e) => [e.statistic, e.variable, e.domain, e.n, e.missing, e.df]),
    what,
  ).toEqual(rows.map((e) => [e.statistic, e.variable, e.domain, e.n, e.missing, e.df]));
  cells.forEach((c, k) => {
    const r = rows[k];
    for (const key of ['estimate', 'se'] as const) {
      // An estimate that does not exist (no rows with a value in the domain) is NaN, null in JSON.
      if (r[key] === null || Number.isNaN(r[key])) {
        expect(c[key] === null || Number.isNaN(c[key]), `${what} ${key} ${JSON.stringify(r.domain)}`).toBe(true);
        continue;
      }
      // Relative, except for a standard error that is zero up to rounding (4e-16 one way, 0 the other).
      const diff = Math.abs(c[key] - r[key]);
      expect(
        diff <= 1e-12 * Math.abs(r[key]) || diff <= 1e-14 * (1 + Math.abs(r.estimate)),
        `${what} ${key} ${JSON.stringify(r.domain)}: ${c[key]} ${r[key]}`,
      ).toBe(true);
    }
    // A design effect is a ratio of two variances; when the standard error is zero up to rounding
    // (every value alike in the domain) it is a ratio of rounding errors on either path.
    if (r.se === null || r.se <= 1e-12 * (1 + Math.abs(r.estimate))) return;
    if (r.deff === null || !Number.isFinite(r.deff)) expect(c.deff ?? null).toEqual(r.deff ?? null);
    else expect(Math.abs(c.deff! - r.deff) / r.deff, `${what} deff`).toBeLessThan(1e-9);
  });
}

async function bothPaths(file: string, args: string[]): Promise<[Out, Out]> {
  const cells = await runMdsurvey(['estimate', file, ...args], { env: { MDSURVEY_DEBUG: '1' } });
  expect(cells.code, cells.stderr).toBe(0);
  expect(cells.stderr, 'the cells path was taken').not.toContain('row by row');
  const rows = await runMdsurvey(['estimate', file, ...args], { env: { MDSURVEY_ROWS: '1' } });
  expect(rows.code, rows.stderr).toBe(0);
  return [JSON.parse(cells.stdout) as Out, JSON.parse(rows.stdout) as Out];
}

describe('estimate from cells equals estimate from rows', () => {
  it('on the api data: strata with each school its PSU, clusters with missing values, domains, subsets', async () => {
    const strat = path.join(FIXTURES, 'r-survey', 'apistrat.csv');
    const clus = path.join(FIXTURES, 'r-survey', 'apiclus1.csv');
    for (const [file, args] of [
      [strat, ['--weights', 'pw', '--strata', 'stype', '--ids', 'snum', '--mean', 'api00,ell', '--total', 'enroll', '--by', 'awards']],
      [strat, ['--weights', 'pw', '--strata', 'stype', '--ids', 'snum', '--mean', 'api00', '--subset', '${api99} > 600 and not(${meals} < 20)']],
      [clus, ['--weights', 'pw', '--ids', 'dnum', '--mean', 'api00,target,acs.k3', '--by', 'stype,both']],
      [clus, ['--weights', 'pw', '--ids', 'dnum', '--total', 'enroll', '--format', 'json', '--lonely-psu', 'adjust']],
    ] as [string, string[]][]) {
      const [c, r] = await bothPaths(file, args);
      expect(c.design).toEqual(r.design);
      expectSame(c.estimates, r.estimates, args.join(' '));
    }
  }, 120_000);

  it('on the synthetic DotM households: stratified clusters, a --spec table of domains and subsets', async () => {
    const { dir } = writeSyntheticDotm();
    const design = JSON.parse(fs.readFileSync(path.join(dir, 'design.json'), 'utf8')) as { weights: string; strata: string; ids: string[] };
    const file = path.join(dir, 'household.csv');
    const header = fs.readFileSync(file, 'utf8').split('\n')[0].split(',');
    const numeric = header.filter((h) => /^hh_(size|n_)/.test(h)).slice(0, 2);
    expect(numeric.length).toBeGreaterThan(0);
    const spec = path.join(dir, 'spec.json');
    fs.writeFileSync(
      spec,
      JSON.stringify({
        estimates: [
          { name: 'a', mean: numeric, by: design.strata },
          { name: 'b', total: numeric[0], subset: `\${${numeric[0]}} >= 3` },
        ],
      }),
    );
    const flags = ['--weights', design.weights, '--strata', design.strata, '--ids', design.ids[0], '--spec', spec];
    const cells = await runMdsurvey(['estimate', file, ...flags], { env: { MDSURVEY_DEBUG: '1' } });
    expect(cells.code, cells.stderr).toBe(0);
    expect(cells.stderr).not.toContain('row by row');
    const rows = await runMdsurvey(['estimate', file, ...flags], { env: { MDSURVEY_ROWS: '1' } });
    const c = JSON.parse(cells.stdout) as { design: unknown; results: { name: string; subsetRows?: number; estimates: Estimate[] }[] };
    const r = JSON.parse(rows.stdout) as typeof c;
    expect(c.design).toEqual(r.design);
    expect(c.results.map((x) => [x.name, x.subsetRows])).toEqual(r.results.map((x) => [x.name, x.subsetRows]));
    c.results.forEach((x, k) => expectSame(x.estimates, r.results[k].estimates, x.name));
  }, 120_000);

  it('a bad row is reported as the row-by-row path reports it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cells-'));
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'h,p,w,y\n1,1,2,3\n1,2,2,4\n2,3,,5\n2,4,2,6\n');
    const args = ['estimate', file, '--weights', 'w', '--strata', 'h', '--ids', 'p', '--mean', 'y'];
    const cells = await runMdsurvey(args);
    const rows = await runMdsurvey(args, { env: { MDSURVEY_ROWS: '1' } });
    expect(cells.code).toBe(2);
    expect(cells.stderr).toBe(rows.stderr);
    expect(cells.stderr).toContain('row 3');
  }, 60_000);
});

/** The estimates of the row-by-row path, in process. */
async function fromRows(file: string, roles: Map<string, ColumnRole>, by: string[], subset: string | null, statistic: 'mean' | 'total') {
  const table = await readCsvTable(file, roles);
  const design = buildDesign(table, { weights: 'w', strata: 'h', ids: ['p'], nest: true, lonelyPsu: 'adjust' });
  return estimate(design, table, { [statistic === 'mean' ? 'means' : 'totals']: ['y'], by, subset: subset ? evaluateSubset(table, subset) : null });
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

describe('csvCells reads a file in parts', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cells-parts-'));
  const roles = new Map<string, ColumnRole>([
    ['w', 'number'],
    ['h', 'category'],
    ['p', 'category'],
    ['g', 'category'],
    ['y', 'number'],
    ['a', 'auto'],
  ]);
  const design = { weights: 'w', strata: 'h', psu: 'p', nest: true, lonelyPsu: 'adjust' as const };
  const rowArb = fc.record({
    h: fc.constantFrom('North', 'South, coast', 'Centre "old"'),
    p: fc.integer({ min: 1, max: 4 }),
    w: fc.double({ min: 0.5, max: 50, noNaN: true }),
    g: fc.oneof({ arbitrary: fc.constantFrom('a', 'b', ''), weight: 30 }, { arbitrary: fc.constant('line\nbreak'), weight: 1 }),
    y: fc.oneof(fc.integer({ min: -5, max: 100 }), fc.constant(NaN)),
    a: fc.integer({ min: 0, max: 90 }),
    note: fc.string({ maxLength: 12 }),
  });

  it('in small parts, quoted texts with commas, quotes and line breaks: the cells equal the rows, or it says to read row by row', async () => {
    let tookCells = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { minLength: 30, maxLength: 150 }), fc.integer({ min: 64, max: 600 }), async (rows, segmentBytes) => {
        const lines = rows.map((r) => [quote(r.h), `EA ${r.p}`, r.w, quote(r.g), Number.isNaN(r.y) ? 'NA' : r.y, r.a, quote(r.note)].join(','));
        const file = path.join(dir, 'parts.csv');
        fs.writeFileSync(file, `h,p,w,g,y,a,note\r\n${lines.join('\r\n')}\r\n`);
        const item = { variable: 'y', by: ['g'], subset: '${a} >= 30' };
        const read = await csvCells(file, roles, design, [item], { threads: 1, segmentBytes });
        if (read === null) return;
        tookCells++;
        const expected = await fromRows(file, roles, ['g'], item.subset, 'mean').catch((err: Error) => err);
        if (expected instanceof Error) {
          // A lonely PSU or the like: the cells refuse too, and the user sees the row path's error.
          expect(() => estimatesFromCells(read.cells[0], design, item, 'mean')).toThrow(CellsRefused);
          return;
        }
        expectSame(estimatesFromCells(read.cells[0], design, item, 'mean').estimates, expected, `segments of ${segmentBytes} bytes`);
      }),
      { numRuns: 60, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
    expect(tookCells, 'most files are read as cells').toBeGreaterThan(30);
  }, 120_000);

  it('by two threads, a file with texts that turn a numeric column into text: row by row', async () => {
    const file = path.join(dir, 'two.csv');
    const n = 20_000;
    const out: string[] = ['h,p,w,g,y,a'];
    for (let i = 0; i < n; i++)
      out.push(`${quote(`S${i % 7}`)},${Math.floor(i / 40)},${1 + (i % 13)},${quote(i % 3 ? 'x' : 'y "z"')},${i % 11 === 0 ? '' : (i * 7) % 23},${i % 80}`);
    fs.writeFileSync(file, `${out.join('\n')}\n`);
    const item = { variable: 'y', by: ['g'], subset: '${a} < 40' };
    const read = await csvCells(file, roles, design, [item], { threads: 2, segmentBytes: 20_000 });
    expect(read).not.toBeNull();
    expectSame(estimatesFromCells(read!.cells[0], design, item, 'total').estimates, await fromRows(file, roles, ['g'], item.subset, 'total'), 'two threads');
    fs.appendFileSync(file, `${quote('S1')},1,1,${quote('x')},3,unknown\n`);
    expect(await csvCells(file, roles, design, [item], { threads: 2, segmentBytes: 20_000 })).toBeNull();
  }, 120_000);
});

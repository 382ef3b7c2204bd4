import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { tableFromRecords } from '../../../analysis/index.js';
import { adjustForNonresponse, calibrate, postStratify, rake, trimWeights, weightDiagnostics } from '../../../sampling/index.js';
import { FIXTURES } from '../../helpers/reference.js';

describe('raking: Kalton and Flores-Cervantes (2003) 4x3 example', () => {
  // tests/fixtures/kalton: sample cells, population margins and R survey's raked weights (kalton-raking.R).
  const cells = parse(fs.readFileSync(path.join(FIXTURES, 'kalton', 'kalton-raking.csv')), { columns: true }) as Record<string, string>[];
  const units = cells.flatMap((c) => Array.from({ length: Number(c.n) }, () => ({ A: c.A, B: c.B })));
  const table = tableFromRecords(units);
  const margin = (v: 'A' | 'B', pop: 'popA' | 'popB') => ({ variable: v, totals: new Map(cells.map((c) => [c[v], Number(c[pop])])) });
  it('reproduces R rake() to 1e-10 with a relative tolerance', () => {
    const r = rake(table, new Float64Array(units.length).fill(1), [margin('A', 'popA'), margin('B', 'popB')], {
      epsilon: 1e-13,
      relative: true,
      maxIterations: 1000,
    });
    expect(r.converged).toBe(true);
    for (const c of cells) {
      const i = units.findIndex((u) => u.A === c.A && u.B === c.B);
      expect(Math.abs(r.weights[i] - Number(c.weight)) / Number(c.weight)).toBeLessThan(1e-10);
    }
  });
  it('with a margin-error tolerance, every margin is within it and the weights still match R', () => {
    const r = rake(table, new Float64Array(units.length).fill(1), [margin('A', 'popA'), margin('B', 'popB')], { marginTolerance: 1e-12, maxIterations: 1000 });
    for (const a of r.achieved) expect(Math.abs(a.achieved - a.target) / a.target).toBeLessThan(1e-12);
    for (const c of cells) {
      const i = units.findIndex((u) => u.A === c.A && u.B === c.B);
      expect(Math.abs(r.weights[i] - Number(c.weight)) / Number(c.weight)).toBeLessThan(1e-10);
    }
  });
  it('fails with a clear message when it cannot converge in the sweeps allowed', () => {
    expect(() =>
      rake(table, new Float64Array(units.length).fill(1), [margin('A', 'popA'), margin('B', 'popB')], { epsilon: 1e-13, relative: true, maxIterations: 2 }),
    ).toThrow(/raking did not converge in 2 sweeps .* furthest from its target: [AB]=/);
  });
});

describe('impossible margins are errors that say which', () => {
  const table = tableFromRecords([
    { sex: 'm', region: 'n' },
    { sex: 'f', region: 's' },
    { sex: 'f', region: 'n' },
  ]);
  const w = new Float64Array([1, 1, 1]);
  it('a target category with no sample case', () => {
    expect(() =>
      rake(table, w, [
        {
          variable: 'region',
          totals: new Map([
            ['n', 50],
            ['s', 30],
            ['e', 20],
          ]),
        },
      ]),
    ).toThrow(/category "e" has a population total of 20 but no sample cases/);
  });
  it('a sample category with no target', () => {
    expect(() => postStratify(table, w, { variable: 'sex', totals: new Map([['m', 50]]) })).toThrow(
      /category "f" is in the sample but has no population total/,
    );
  });
  it('margins whose totals disagree', () => {
    expect(() =>
      rake(table, w, [
        {
          variable: 'sex',
          totals: new Map([
            ['m', 50],
            ['f', 50],
          ]),
        },
        {
          variable: 'region',
          totals: new Map([
            ['n', 60],
            ['s', 50],
          ]),
        },
      ]),
    ).toThrow(/totals disagree: "sex" sums to 100 but "region" to 110/);
  });
  it('calibration bounds that cannot be met', () => {
    expect(() =>
      calibrate(
        table,
        w,
        {
          categorical: [
            {
              variable: 'sex',
              totals: new Map([
                ['m', 1],
                ['f', 100],
              ]),
            },
          ],
        },
        { method: 'bounded', bounds: [0.5, 1.5] },
      ),
    ).toThrow(/did not reach the totals|singular/);
  });
});

const marginArb = fc
  .array(fc.record({ a: fc.integer({ min: 0, max: 3 }), b: fc.integer({ min: 0, max: 2 }), w: fc.double({ min: 0.5, max: 20, noNaN: true }) }), {
    minLength: 30,
    maxLength: 150,
  })
  .filter((rows) => new Set(rows.map((r) => `${r.a},${r.b}`)).size === 12); // every cell present: the margins are attainable

describe('properties', () => {
  it('raked weights hit every margin within the tolerance', () => {
    fc.assert(
      fc.property(
        marginArb,
        fc.array(fc.integer({ min: 50, max: 500 }), { minLength: 4, maxLength: 4 }),
        fc.array(fc.double({ min: 0.1, max: 1, noNaN: true }), { minLength: 3, maxLength: 3 }),
        (rows, aTotals, bShares) => {
          const table = tableFromRecords(rows.map((r) => ({ a: `a${r.a}`, b: `b${r.b}` })));
          const N = aTotals.reduce((s, x) => s + x, 0);
          const shareSum = bShares.reduce((s, x) => s + x, 0);
          const margins = [
            { variable: 'a', totals: new Map(aTotals.map((t, k) => [`a${k}`, t])) },
            { variable: 'b', totals: new Map(bShares.map((s, k) => [`b${k}`, (N * s) / shareSum])) },
          ];
          const r = rake(table, Float64Array.from(rows.map((x) => x.w)), margins, { epsilon: 1e-10, relative: true, maxIterations: 5000 });
          for (const a of r.achieved) expect(Math.abs(a.achieved - a.target)).toBeLessThan(1e-6 * N);
        },
      ),
      { numRuns: 60 },
    );
  });
  it('trimming keeps the total and every weight within the bounds', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.1, max: 100, noNaN: true }), { minLength: 5, maxLength: 200 }), (ws) => {
        const w = Float64Array.from(ws);
        const total = ws.reduce((a, b) => a + b, 0);
        const mean = total / ws.length;
        const lower = mean * 0.3;
        const upper = mean * 3;
        const t = trimWeights(w, lower, upper);
        const after = t.weights.reduce((a, b) => a + b, 0);
        expect(Math.abs(after - total)).toBeLessThan(1e-9 * total);
        for (const x of t.weights) {
          expect(x).toBeGreaterThanOrEqual(lower * (1 - 1e-12));
          expect(x).toBeLessThanOrEqual(upper * (1 + 1e-12));
        }
        // the weights inside the bounds keep their proportions
        const inside = ws.map((x, i) => [x, t.weights[i]]).filter(([, y]) => y > lower * (1 + 1e-9) && y < upper * (1 - 1e-9));
        for (const [x, y] of inside) expect(y / x).toBeCloseTo(t.factor, 9);
      }),
    );
  });
  it('post-stratified weights reproduce each post-stratum total exactly', () => {
    fc.assert(
      fc.property(marginArb, (rows) => {
        const table = tableFromRecords(rows.map((r) => ({ a: `a${r.a}` })));
        const totals = new Map([
          ['a0', 10],
          ['a1', 20],
          ['a2', 30],
          ['a3', 40],
        ]);
        const r = postStratify(table, Float64Array.from(rows.map((x) => x.w)), { variable: 'a', totals });
        for (const a of r.achieved) expect(a.achieved).toBeCloseTo(a.target, 9);
      }),
    );
  });
});

describe('nonresponse adjustment by weighting classes', () => {
  const table = tableFromRecords([
    { r: 'respondent', c: 'x' },
    { r: 'respondent', c: 'x' },
    { r: 'nonrespondent', c: 'x' },
    { r: 'ineligible', c: 'x' },
    { r: 'unknown', c: 'x' },
    { r: 'R', c: 'y' },
    { r: 'NR', c: 'y' },
  ]);
  it('moves the weight of nonrespondents and unknowns to respondents of the same class; ineligibles keep theirs', () => {
    const w = new Float64Array([10, 20, 30, 5, 15, 8, 8]);
    const r = adjustForNonresponse(table, w, 'r', ['c']);
    // class x: RR = 30, NR = 30, UK = 15 -> factor 75/30
    expect(Array.from(r.weights)).toEqual([25, 50, 0, 5, 0, 16, 0]);
    const total = (ws: Float64Array, rows: number[]) => rows.reduce((s, i) => s + ws[i], 0);
    expect(total(r.weights, [0, 1, 2, 4])).toBeCloseTo(total(w, [0, 1, 2, 4]), 12);
    expect(r.classes.find((c) => c.class === 'x')!.factor).toBe(2.5);
  });
  it('a class with nonrespondents but no respondent is an error naming it', () => {
    const t = tableFromRecords([
      { r: 'NR', c: 'z' },
      { r: 'R', c: 'y' },
    ]);
    expect(() => adjustForNonresponse(t, new Float64Array([1, 1]), 'r', ['c'])).toThrow(/class "z" has nonrespondents but no respondent/);
  });
  it('an unknown disposition is an error naming the value', () => {
    const t = tableFromRecords([{ r: 'maybe', c: 'z' }]);
    expect(() => adjustForNonresponse(t, new Float64Array([1]), 'r', ['c'])).toThrow(/"maybe" is not a disposition/);
  });
});

describe('weight diagnostics', () => {
  it('Kish effective sample size and design effect', () => {
    const d = weightDiagnostics(new Float64Array([1, 1, 2, 4]));
    expect(d.effectiveN).toBeCloseTo(64 / 22, 12);
    expect(d.deffWeighting).toBeCloseTo((4 * 22) / 64, 12);
    expect(d.ratio).toBe(4);
    expect(d.cv ** 2).toBeCloseTo(d.deffWeighting - 1, 12);
  });
});

describe('calibration reference category', () => {
  it('leaves out the first category in sorted order, not in file order, as R model.matrix', () => {
    const rows = ['H', 'E', 'M', 'H', 'E', 'M', 'E', 'E'].map((g, i) => ({ g, x: i + 1 }));
    const table = tableFromRecords(rows);
    const r = calibrate(
      table,
      new Float64Array(rows.length).fill(2),
      {
        population: 20,
        categorical: [
          {
            variable: 'g',
            totals: new Map([
              ['E', 9],
              ['H', 5],
              ['M', 6],
            ]),
          },
        ],
      },
      { method: 'logit', bounds: [0.2, 5] },
    );
    expect(r.achieved.filter((a) => a.variable === 'g').map((a) => a.category)).toEqual(['H', 'M']);
    // Every category still meets its total.
    const sum = (g: string) => rows.reduce((s, row, i) => s + (row.g === g ? r.weights[i] : 0), 0);
    expect(sum('E')).toBeCloseTo(9, 6);
    expect(sum('H')).toBeCloseTo(5, 6);
  });
});

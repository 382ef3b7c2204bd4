/** Properties of the estimators that hold for any data (fast-check). */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildDesign, estimate, linearisedTotal, tableFromRecords, varianceOf, type DataTable } from '../../../analysis/index.js';

/** Random stratified cluster samples: stratum, PSU within stratum, weight, outcome, domain flag. */
const sampleArb = fc
  .array(
    fc.record({
      stratum: fc.integer({ min: 1, max: 3 }),
      psu: fc.integer({ min: 1, max: 4 }),
      w: fc.double({ min: 0.5, max: 50, noNaN: true }),
      y: fc.double({ min: -100, max: 100, noNaN: true }),
      inDomain: fc.boolean(),
    }),
    { minLength: 8, maxLength: 80 },
  )
  .map((rows) => rows.map((r) => ({ ...r, psuId: `${r.stratum}-${r.psu}` })))
  .filter((rows) => {
    // every stratum needs two PSUs, and the domain must be non-empty
    const psus = new Map<number, Set<string>>();
    for (const r of rows) psus.set(r.stratum, (psus.get(r.stratum) ?? new Set()).add(r.psuId));
    return [...psus.values()].every((s) => s.size >= 2) && rows.some((r) => r.inDomain);
  });

const close = (a: number, b: number, tol = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('domain estimation', () => {
  it('a domain total equals the total on data whose out-of-domain outcomes are zeroed, estimate and variance', () => {
    fc.assert(
      fc.property(sampleArb, (rows) => {
        const table = tableFromRecords(rows.map((r) => ({ ...r, inDomain: r.inDomain ? 1 : 0, yz: r.inDomain ? r.y : 0 })));
        const design = buildDesign(table, { strata: 'stratum', ids: ['psuId'], weights: 'w' });
        const mask = Uint8Array.from(rows.map((r) => (r.inDomain ? 1 : 0)));
        const [dom] = estimate(design, table, { totals: ['y'], subset: mask });
        const [zeroed] = estimate(design, table, { totals: ['yz'] });
        close(dom.estimate, zeroed.estimate);
        close(dom.se, zeroed.se);
      }),
      { numRuns: 200 },
    );
  });
  it('a domain mean is the ratio of the zeroed total to the zeroed domain size, with the same se', () => {
    fc.assert(
      fc.property(sampleArb, (rows) => {
        const table = tableFromRecords(rows.map((r) => ({ ...r, yz: r.inDomain ? r.y : 0, dz: r.inDomain ? 1 : 0 })));
        const design = buildDesign(table, { strata: 'stratum', ids: ['psuId'], weights: 'w' });
        const mask = Uint8Array.from(rows.map((r) => (r.inDomain ? 1 : 0)));
        const [mean] = estimate(design, table, { means: ['y'], subset: mask });
        const [ratio] = estimate(design, table, { ratios: [{ numerator: 'yz', denominator: 'dz' }] });
        close(mean.estimate, ratio.estimate);
        close(mean.se, ratio.se);
      }),
      { numRuns: 200 },
    );
  });
});

describe('simple random sampling', () => {
  it('one PSU per element, no strata: the variance of a total is N^2 (1 - n/N) s^2 / n and of a mean (1 - n/N) s^2 / n', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1000, max: 1000, noNaN: true }), { minLength: 2, maxLength: 60 }),
        fc.integer({ min: 0, max: 5000 }),
        (ys, extra) => {
          const n = ys.length;
          const N = n + extra;
          const table: DataTable = tableFromRecords(ys.map((y) => ({ y, N })));
          const design = buildDesign(table, { fpc: ['N'] });
          const mean = ys.reduce((a, b) => a + b, 0) / n;
          const s2 = ys.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
          const f = n / N;
          const [m] = estimate(design, table, { means: ['y'] });
          const [t] = estimate(design, table, { totals: ['y'] });
          close(m.estimate, mean);
          close(m.se ** 2, ((1 - f) * s2) / n, 1e-8);
          close(t.se ** 2, (N * N * (1 - f) * s2) / n, 1e-8);
          expect(m.df).toBe(n - 1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('variance engine', () => {
  it('a census (fpc equal to the sample size) has zero variance', () => {
    const table = tableFromRecords(Array.from({ length: 10 }, (_, i) => ({ y: i * i, N: 10 })));
    const design = buildDesign(table, { fpc: ['N'] });
    expect(estimate(design, table, { means: ['y'] })[0].se).toBe(0);
  });
  it('scaling every weight by c scales totals and their se by c and leaves means unchanged', () => {
    fc.assert(
      fc.property(sampleArb, fc.double({ min: 0.1, max: 10, noNaN: true }), (rows, c) => {
        const t1 = tableFromRecords(rows);
        const t2 = tableFromRecords(rows.map((r) => ({ ...r, w: r.w * c })));
        const d1 = buildDesign(t1, { strata: 'stratum', ids: ['psuId'], weights: 'w' });
        const d2 = buildDesign(t2, { strata: 'stratum', ids: ['psuId'], weights: 'w' });
        const l1 = linearisedTotal(d1, t1.columns.get('y')!.kind === 'number' ? (t1.columns.get('y') as { values: Float64Array }).values : new Float64Array(), {
          rows: null,
          labels: null,
        });
        const l2 = linearisedTotal(d2, (t2.columns.get('y') as { values: Float64Array }).values, { rows: null, labels: null });
        close(l2.estimate, c * l1.estimate);
        close(Math.sqrt(varianceOf(d2, l2)), c * Math.sqrt(varianceOf(d1, l1)), 1e-8);
        const [m1] = estimate(d1, t1, { means: ['y'] });
        const [m2] = estimate(d2, t2, { means: ['y'] });
        close(m2.estimate, m1.estimate);
        close(m2.se, m1.se, 1e-8);
      }),
      { numRuns: 100 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accumulateCells, CellSet, concatCells, estimate, buildDesign, estimatesFromCells, tableFromRecords, type CellItem } from '../../../analysis/index.js';

/**
 * Cells stand for their rows whatever the pieces a table is read in: a table accumulated piece by
 * piece (each piece with its own levels, as a numeric by-column has), or split between two sets and
 * concatenated, gives the estimates of the rows themselves (analysis/cells.ts).
 */
const row = fc.record({
  h: fc.integer({ min: 1, max: 3 }),
  p: fc.integer({ min: 1, max: 4 }),
  g: fc.integer({ min: 1, max: 5 }),
  a: fc.integer({ min: 0, max: 30 }),
  w: fc.double({ min: 0.5, max: 50, noNaN: true }),
  y: fc.option(fc.double({ min: -100, max: 100, noNaN: true }), { nil: null, freq: 8 }),
});

describe('cells of a table read in pieces', () => {
  it('equal the rows: any cut into pieces, any split between sets, levels that shrink from piece to piece', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 30, maxLength: 120 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 }), (rows, cuts) => {
        // PSU ids nested in strata, every stratum with two PSUs or more (no lonely PSU).
        const records = rows.map((r, i) => ({ h: `S${r.h}`, p: `S${r.h}-P${(i % 2) + 2 * (r.p % 2)}`, g: r.g, a: r.a, w: r.w, y: r.y ?? '' }));
        const design = { weights: 'w', strata: 'h', psu: 'p', lonelyPsu: 'remove' as const };
        const item: CellItem = { variable: 'y', by: ['g'], subset: '${a} >= 10' };
        const whole = tableFromRecords(records);
        const pieces: Record<string, unknown>[][] = [];
        let at = 0;
        for (const c of cuts) if (at < records.length) pieces.push(records.slice(at, (at += c)));
        if (at < records.length) pieces.push(records.slice(at));
        // Two sets taking the pieces in turn, as the two threads of a file do.
        const sets = [new CellSet(1), new CellSet(1)];
        pieces.forEach((piece, k) => accumulateCells(tableFromRecords(piece, ['h', 'p', 'g', 'a', 'w', 'y']), design, item, sets[k % 2]));
        const cells = concatCells(sets.map((s) => s.data).filter((d) => d.rows.length > 0));
        const fromCells = estimatesFromCells(cells, design, item, 'mean').estimates;
        const d = buildDesign(whole, { weights: 'w', strata: 'h', ids: ['p'], lonelyPsu: 'remove' });
        const subset = Uint8Array.from(records, (r) => (r.a >= 10 ? 1 : 0));
        const fromRows = estimate(d, whole, { means: ['y'], by: ['g'], subset });
        expect(fromCells.map((e) => e.domain)).toEqual(fromRows.map((e) => e.domain));
        fromCells.forEach((e, k) => {
          const r = fromRows[k];
          expect([e.n, e.missing]).toEqual([r.n, r.missing]);
          for (const key of ['estimate', 'se'] as const) {
            const a = e[key];
            const b = r[key];
            if (Number.isNaN(b)) expect(a).toBeNaN();
            else expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b)));
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});

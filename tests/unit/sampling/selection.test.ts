import { describe, expect, it } from 'vitest';
import { tableFromRecords } from '../../../analysis/index.js';
import fc from 'fast-check';
import { allocate, parseSampleDesign, selectHouseholds, selectSample, type SampleDesign } from '../../../sampling/index.js';
import { mulberry32 } from '../../../common/random.js';

/** A frame of 60 enumeration areas in 3 regions with skewed sizes, and a listing of all their households. */
function population(seed = 11) {
  const rand = mulberry32(seed);
  const frame: Record<string, unknown>[] = [];
  const listing: Record<string, unknown>[] = [];
  for (let k = 1; k <= 60; k++) {
    const region = ['north', 'centre', 'south'][k % 3];
    const households = 20 + Math.floor(rand() * 180) + (k === 7 ? 2000 : 0); // EA 7 is huge: a certainty unit
    frame.push({ ea: `EA${k}`, region, households });
    for (let h = 1; h <= households; h++) listing.push({ ea: `EA${k}`, hh: h, status: rand() < 0.2 ? 'migrant' : 'non-migrant' });
  }
  return { frame: tableFromRecords(frame), listing: tableFromRecords(listing), frameRows: frame, listingRows: listing };
}

const design: SampleDesign = parseSampleDesign({
  stages: [
    { id: 'ea', strata: 'region', method: 'pps', size: 'households', sampleSize: 12, allocation: 'proportional' },
    { id: 'hh', cluster: 'ea', method: 'srs', by: 'status', quotas: { migrant: 5, 'non-migrant': 4 } },
  ],
});

describe('allocation', () => {
  it('proportional allocation sums to n, gives every stratum a unit and respects caps', () => {
    expect(allocate(10, [100, 300, 600], [50, 50, 3], ['a', 'b', 'c'])).toEqual([2, 5, 3]);
    expect(allocate(3, [1, 1000, 1], [5, 5, 5], ['a', 'b', 'c'])).toEqual([1, 1, 1]);
    expect(() => allocate(20, [1, 1], [5, 5], ['a', 'b'])).toThrow(/asks for 20 units but the frame has only 10/);
  });
});

describe('first-stage PPS selection', () => {
  const { frame } = population();
  it('is reproducible for a seed and selects exactly the allocated units', () => {
    const a = selectSample({ stages: [design.stages[0]] }, frame, 42);
    const b = selectSample({ stages: [design.stages[0]] }, frame, 42);
    expect(a.rows.map((r) => r.ea)).toEqual(b.rows.map((r) => r.ea));
    expect(a.rows).toHaveLength(12);
    const c = selectSample({ stages: [design.stages[0]] }, frame, 43);
    expect(c.rows.map((r) => r.ea)).not.toEqual(a.rows.map((r) => r.ea));
  });
  it('takes a unit whose expected hits reach 1 with certainty and gives the others pi = n M / sum M', () => {
    const s = selectSample({ stages: [design.stages[0]] }, frame, 1);
    const ea7 = s.rows.find((r) => r.ea === 'EA7')!;
    expect(ea7.certainty).toBe(1);
    expect(ea7.pi1).toBe(1);
    for (const r of s.rows.filter((x) => x.certainty === 0)) expect(r.pi1 as number).toBeLessThan(1);
  });
  it('weights from the selection probabilities sum to the number of frame units in expectation', () => {
    const totals: number[] = [];
    for (let seed = 1; seed <= 1500; seed++) {
      const s = selectSample({ stages: [design.stages[0]] }, frame, seed);
      totals.push(s.rows.reduce((sum, r) => sum + (r.w1 as number), 0));
    }
    const mean = totals.reduce((a, b) => a + b, 0) / totals.length;
    const sd = Math.sqrt(totals.reduce((a, b) => a + (b - mean) ** 2, 0) / (totals.length - 1));
    expect(Math.abs(mean - 60)).toBeLessThan(4 * (sd / Math.sqrt(totals.length)));
  });
});

describe('second stage: households by screening status with quotas', () => {
  const { frame, listing, listingRows } = population();
  it('takes the quota per status, all households where fewer are listed, with pi2 = m / M', () => {
    const s = selectSample(design, frame, 5, listing);
    for (const c of s.clusters) {
      for (const status of ['migrant', 'non-migrant']) expect(c.selected[status]).toBe(Math.min(status === 'migrant' ? 5 : 4, c.listed[status]));
    }
    for (const r of s.rows) {
      expect(r.pi2).toBeCloseTo((r.m_s as number) / (r.M_s as number), 12);
      expect(r.design_weight).toBeCloseTo(1 / ((r.pi1 as number) * (r.pi2 as number)), 9);
    }
  });
  it('design weights sum to the number of listed households in expectation (per status too)', () => {
    const truth = { migrant: 0, 'non-migrant': 0 } as Record<string, number>;
    for (const r of listingRows) truth[r.status as string]++;
    const sums: Record<string, number[]> = { migrant: [], 'non-migrant': [] };
    for (let seed = 1; seed <= 400; seed++) {
      const s = selectSample(design, frame, seed, listing);
      const t: Record<string, number> = { migrant: 0, 'non-migrant': 0 };
      for (const r of s.rows) t[r.status as string] += r.design_weight as number;
      for (const k of Object.keys(t)) sums[k].push(t[k]);
    }
    for (const k of Object.keys(sums)) {
      const xs = sums[k];
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1));
      expect(Math.abs(mean - truth[k])).toBeLessThan(4 * (sd / Math.sqrt(xs.length)));
    }
  });
  it('draws the same first stage without the listing, and names a quota status the listing lacks', () => {
    const firstOnly = selectSample(design, frame, 1);
    expect(firstOnly.rows.map((r) => r.ea)).toEqual(selectSample(design, frame, 1, listing).clusters.map((c) => c.cluster));
    const bad = parseSampleDesign({ stages: [design.stages[0], { ...design.stages[1]!, quotas: { returnee: 3 } }] });
    expect(() => selectSample(bad, frame, 1, listing)).toThrow(/status "returnee", which the listing's column "status" never has/);
  });
});

describe('design.json validation', () => {
  it.each([
    [{}, /must have required property 'stages'/],
    [{ stages: [{ id: 'ea', method: 'cluster' }] }, /\/stages\/0\/method must be equal to one of the allowed values \(pps, srs\)/],
    [{ stages: [{ id: 'ea', method: 'pps', sampleSize: 3 }] }, /uses pps but names no "size" column/],
    [{ stages: [{ id: 'ea', method: 'srs', sampleSize: 3, extra: 1 }] }, /must NOT have additional properties/],
  ])('rejects %j', (value, message) => {
    expect(() => parseSampleDesign(value)).toThrow(message);
  });
});

describe('second stage one unit at a time (the server closes EAs one by one)', () => {
  const { frame, listing } = population();
  it('draws the same households for a unit alone, in any order, as with every unit at once', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: 11 }), (seed, pick) => {
        const all = selectSample(design, frame, seed, listing);
        const firstStage = selectSample({ stages: [design.stages[0]] }, frame, seed).rows;
        const unit = firstStage[pick % firstStage.length];
        const alone = selectHouseholds(design, [unit], listing, seed);
        const key = (r: Record<string, string | number>) => `${r.ea}/${r.hh}/${r.pi2}/${r.design_weight}`;
        expect(alone.rows.map(key)).toEqual(all.rows.filter((r) => r.ea === unit.ea).map(key));
        return true;
      }),
      { numRuns: 15 },
    );
  });
  it('refuses a design without a second stage', () => {
    const { rows } = selectSample({ stages: [design.stages[0]] }, frame, 1);
    expect(() => selectHouseholds({ stages: [design.stages[0]] }, rows, listing, 1)).toThrow(/no second stage/);
  });
});

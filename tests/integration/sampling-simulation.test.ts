/**
 * The whole design in simulation: a synthetic country (examples/sampling/population.mjs), PPS
 * selection of 40 EAs, screening and selection of 10 migrant and 6 non-migrant households per EA,
 * differential nonresponse, nonresponse adjustment and raking to census margins; then the migrant
 * share with its 95% interval. Over repeated samples the interval must cover the true share about
 * 95% of the time and the estimator must be nearly unbiased.
 */
import { describe, expect, it } from 'vitest';
import { buildDesign, estimate, tableFromRecords } from '../../analysis/index.js';
import { computeWeights, parseSampleDesign, selectSample, withCalibration } from '../../sampling/index.js';
// @ts-expect-error plain JavaScript example module without type declarations
import { censusMargins, fieldworkRows, frameRows, generatePopulation, listingRows } from '../../examples/sampling/population.mjs';

type Household = { ea: string; hh: string; status: string };

describe('two-phase migration survey in simulation', () => {
  it('recovers the true migrant share: 95% intervals cover it in most samples and the bias is small', () => {
    const population = generatePopulation(2026);
    const margins = censusMargins(population);
    const frame = tableFromRecords(frameRows(population));
    const fullListing = tableFromRecords(
      listingRows(
        population,
        population.map((a: { ea: string }) => a.ea),
      ) as Household[],
    );
    const design = parseSampleDesign({
      stages: [
        { id: 'ea', strata: 'region', method: 'pps', size: 'households', sampleSize: 40, allocation: 'proportional' },
        { id: 'hh', cluster: 'ea', method: 'srs', by: 'status', quotas: { migrant: 10, 'non-migrant': 6 } },
      ],
    });
    const toMap = (m: Map<string, number>) => new Map([...m].map(([k, v]) => [k, v]));
    const replications = 60;
    let covered = 0;
    const estimates: number[] = [];
    for (let rep = 1; rep <= replications; rep++) {
      const selection = selectSample(design, frame, 1000 + rep, fullListing);
      const interviewed = fieldworkRows(population, selection.rows, 5000 + rep) as Record<string, unknown>[];
      const table = tableFromRecords(interviewed);
      const { weights, calibration } = computeWeights(table, Float64Array.from(interviewed.map((r) => r.design_weight as number)), {
        nonresponse: { disposition: 'result', classes: ['region', 'status_s'] },
        rake: [
          { variable: 'region', totals: toMap(margins.region) },
          { variable: 'head_sex', totals: toMap(margins.sex) },
        ],
        rakeOptions: { epsilon: 1e-10, relative: true, maxIterations: 200 },
      });
      const withW = tableFromRecords(interviewed.map((r, i) => ({ ...r, final_weight: weights[i] })));
      const base = buildDesign(withW, { weights: 'final_weight', strata: 'stratum_h', ids: ['ea'] });
      const d = withCalibration(base, calibration!);
      const [e] = estimate(d, withW, { means: ['migrant'] });
      estimates.push(e.estimate);
      if (e.ci[0] <= margins.migrantShare && margins.migrantShare <= e.ci[1]) covered++;
    }
    const mean = estimates.reduce((a, b) => a + b, 0) / replications;
    const sd = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (replications - 1));
    expect(covered / replications).toBeGreaterThanOrEqual(0.85);
    expect(Math.abs(mean - margins.migrantShare)).toBeLessThan(3 * (sd / Math.sqrt(replications)) + 0.005);
  });
});

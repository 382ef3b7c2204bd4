// M13, one woman per household (issue 15; DHS women's questionnaire practice): drawn at random among the
// eligible women (15-49, currently married or in union) from the interview's own seed, shown to the
// enumerator, and weighted as drawn: household weight x number of eligible women.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeIndicators, shippedCatalogue, tableFromRecords, type Dataset } from '../../../analysis/index.js';
import { compileExpression, compileQuestionnaire, FormState, validateResponse } from '../../../questionnaires/index.js';
import { dotmHousehold } from '../../../questionnaires/library/index.js';

const draw = compileExpression('draw-line(${eligible}, ${seed})');
const drawLine = (eligible: number[], seed: string) => draw.evaluate({ ref: (name) => (name === 'eligible' ? eligible : name === 'seed' ? seed : null) });

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const e = total / counts.length;
  return counts.reduce((a, c) => a + (c - e) ** 2 / e, 0);
}
// Upper 0.1% points of the chi-square distribution, df = 1..5 (the test is deterministic: fixed seeds).
const CHI2_999 = [NaN, 10.828, 13.816, 16.266, 18.467, 20.515];

describe('draw-line: one eligible row drawn from a seed', () => {
  it('always draws an eligible row, the same one for the same seed; nothing when nobody is eligible', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1), { minLength: 1, maxLength: 20 }), fc.string(), (eligible, seed) => {
        const line = drawLine(eligible, seed);
        if (!eligible.includes(1) || seed === '') expect(line).toBe('');
        else {
          expect(eligible[(line as number) - 1]).toBe(1);
          expect(drawLine(eligible, seed)).toBe(line);
        }
      }),
      { numRuns: 500 },
    );
  });

  it.each([1, 2, 3, 4, 5, 6])('is uniform over %i eligible women (chi-square over 12,000 seeds)', (k) => {
    // Eligible women spread among ineligible members, as in a roster.
    const eligible = Array.from({ length: 2 * k + 1 }, (_, i) => (i % 2 === 1 ? 1 : 0));
    const counts = new Array(k).fill(0);
    for (let s = 0; s < 12_000; s++) {
      // Seeds as the engine draws them: random 32-bit numbers, written as text.
      const seed = String((Math.imul(s + 1, 2654435761) >>> 0) ^ 0x5bd1e995);
      const line = drawLine(eligible, seed) as number;
      counts[(line - 2) / 2]++;
    }
    if (k === 1) expect(counts).toEqual([12_000]);
    else expect(chiSquare(counts)).toBeLessThan(CHI2_999[k - 1]);
  });
});

describe('M13 in the DotM questionnaire', () => {
  const q = compileQuestionnaire(dotmHousehold({ host_country: 'GHA', local_currency: 'GHS' }));
  const NOW = new Date('2026-06-15T10:00:00Z');
  function household(seed: number) {
    const s = new FormState(q, { now: () => NOW, newSeed: () => seed });
    const people: [string, number, string, string][] = [
      ['1', 45, '1', '2'], // the head, a man
      ['2', 40, '2', '2'], // his wife: eligible
      ['2', 22, '4', '2'], // daughter-in-law, married: eligible
      ['2', 19, '3', '1'], // daughter, never married: not eligible
      ['2', 52, '6', '4'], // his mother, widowed, over 49: not eligible
      ['2', 30, '8', '2'], // a married cousin: eligible
    ];
    for (const [sex, age, relation, marital] of people) {
      const k = s.addRow('members');
      s.setAnswer(`members[${k}].sex`, sex);
      s.setAnswer(`members[${k}].age`, age);
      s.setAnswer(`members[${k}].relation`, relation);
      s.setAnswer(`members[${k}].marital`, marital);
    }
    return s;
  }

  it('draws among the women 15-49 married or in union, shows her to the enumerator, and the server draws the same woman again', () => {
    const seen = new Set<number>();
    for (let seed = 1; seed <= 40; seed++) {
      const s = household(seed);
      expect(s.get('g_eligible_count').value).toBe(3);
      const line = s.get('g_respondent').value as number;
      expect([2, 3, 6]).toContain(line);
      seen.add(line);
      expect(s.get('g_selected_note').relevant).toBe(true);
      // The stored answers carry the seed: validation (the server) recomputes the same selection.
      const doc = s.toResponse('3f2b8a58-8c4e-4a5e-9a0b-6f2d8f0e7c11');
      expect(doc.answers.interview_seed).toBe(String(seed));
      expect(validateResponse(q, doc, { now: () => NOW }).answers!.g_respondent).toBe(line);
    }
    expect([...seen].sort()).toEqual([2, 3, 6]);
  });
});

describe('her weight: household weight x number of eligible women', () => {
  it('gen_decides is the ratio of sum(w x eligible x decides) to sum(w x eligible)', () => {
    const rows = [
      { w: 10, n: 1, y: 1 },
      { w: 10, n: 3, y: 0 },
      { w: 20, n: 2, y: 1 },
      { w: 5, n: 4, y: 0 },
      { w: 8, n: 1, y: 1 },
      { w: 12, n: 2, y: 0 },
    ];
    const dataset: Dataset = {
      design: {
        format: 'mdsurvey-dataset/1',
        designLevel: 'household',
        weights: 'weight',
        levels: [{ name: 'household', file: 'household.csv', keys: ['interview_id'], parent: null }],
      },
      codebook: { variables: [] },
      tables: new Map([
        [
          'household',
          tableFromRecords(
            rows.map((r, i) => ({ interview_id: `h${i}`, weight: r.w, g_eligible_count: r.n, g_respondent_married: 1, g_decides: r.y, g_spouse_abroad: '0' })),
          ),
        ],
      ]),
    };
    const report = computeIndicators(dataset, shippedCatalogue(), { only: ['gen_decides'], thresholds: { minCases: 1, flagCases: 1, maxRse: 10 } });
    const est = report.rows.find((r) => r.group === 'all')!.estimate!;
    const num = rows.reduce((a, r) => a + r.w * r.n * r.y, 0);
    const den = rows.reduce((a, r) => a + r.w * r.n, 0);
    expect(est).toBeCloseTo(num / den, 12);
    // With the household weight alone the estimate would differ: the factor is applied.
    const plain = rows.reduce((a, r) => a + r.w * r.y, 0) / rows.reduce((a, r) => a + r.w, 0);
    expect(Math.abs(est - plain)).toBeGreaterThan(0.05);
  });
});

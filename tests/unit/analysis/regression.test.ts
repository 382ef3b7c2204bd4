/**
 * Design-based regression: properties that tie it to the estimators already checked against R (for any
 * data), the formula's terms as R's terms() orders them, and errors that name their place.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildDesign, estimate, parseFormula, regress, tableFromRecords } from '../../../analysis/index.js';
import { InputError } from '../../../common/errors.js';

const sampleArb = fc
  .array(
    fc.record({
      stratum: fc.integer({ min: 1, max: 3 }),
      psu: fc.integer({ min: 1, max: 4 }),
      w: fc.double({ min: 0.5, max: 50, noNaN: true }),
      y: fc.double({ min: -100, max: 100, noNaN: true }),
      g: fc.constantFrom('a', 'b', 'c'),
      inDomain: fc.boolean(),
    }),
    { minLength: 12, maxLength: 80 },
  )
  .map((rows) => rows.map((r) => ({ ...r, psuId: `${r.stratum}-${r.psu}`, yes: r.y > 0 ? 1 : 0 })))
  .filter((rows) => {
    const psus = new Map<number, Set<string>>();
    for (const r of rows) psus.set(r.stratum, (psus.get(r.stratum) ?? new Set()).add(r.psuId));
    const domain = rows.filter((r) => r.inDomain);
    return (
      [...psus.values()].every((s) => s.size >= 2) &&
      new Set(domain.map((r) => r.g)).size === 3 &&
      domain.some((r) => r.yes === 1) &&
      domain.some((r) => r.yes === 0)
    );
  });

const close = (a: number, b: number, tol = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('regression as the estimators', () => {
  it('an intercept-only linear model is the domain mean, with the same standard error', () => {
    fc.assert(
      fc.property(sampleArb, (rows) => {
        const table = tableFromRecords(rows);
        const design = buildDesign(table, { strata: 'stratum', ids: ['psuId'], weights: 'w' });
        const subset = Uint8Array.from(rows.map((r) => (r.inDomain ? 1 : 0)));
        const [mean] = estimate(design, table, { means: ['y'], subset });
        const fit = regress(design, table, { formula: 'y ~ 1', family: 'gaussian', subset });
        close(fit.coefficients[0].estimate, mean.estimate);
        close(fit.coefficients[0].se, mean.se);
      }),
      { numRuns: 100 },
    );
  });

  it('y ~ factor(g) - 1 gives the mean of each group with its domain standard error', () => {
    fc.assert(
      fc.property(sampleArb, (rows) => {
        const table = tableFromRecords(rows);
        const design = buildDesign(table, { strata: 'stratum', ids: ['psuId'], weights: 'w' });
        const subset = Uint8Array.from(rows.map((r) => (r.inDomain ? 1 : 0)));
        const means = estimate(design, table, { means: ['y'], by: ['g'], subset });
        const fit = regress(design, table, { formula: 'y ~ g - 1', family: 'gaussian', subset });
        expect(fit.coefficients.map((c) => c.term)).toEqual(['ga', 'gb', 'gc']);
        for (const c of fit.coefficients) {
          const m = means.find((e) => e.domain?.g === c.term.slice(1))!;
          close(c.estimate, m.estimate);
          close(c.se, m.se);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('an intercept-only logistic model is the logit of the weighted proportion', () => {
    fc.assert(
      fc.property(sampleArb, (rows) => {
        const table = tableFromRecords(rows);
        const design = buildDesign(table, { strata: 'stratum', ids: ['psuId'], weights: 'w' });
        const subset = Uint8Array.from(rows.map((r) => (r.inDomain ? 1 : 0)));
        const [p] = estimate(design, table, { means: ['yes'], subset });
        const fit = regress(design, table, { formula: 'yes ~ 1', family: 'quasibinomial', subset });
        close(fit.coefficients[0].estimate, Math.log(p.estimate / (1 - p.estimate)), 1e-7);
        // delta method: se(logit p) = se(p) / (p (1 - p))
        close(fit.coefficients[0].se, p.se / (p.estimate * (1 - p.estimate)), 1e-6);
      }),
      { numRuns: 100 },
    );
  });
});

describe('formulas', () => {
  it('orders terms as R: main effects first, interactions after, each once', () => {
    const f = parseFormula('y ~ a*b + c + b:a + factor(d)');
    expect(f.terms.map((t) => t.join(':'))).toEqual(['a', 'b', 'c', 'factor(d)', 'a:b']);
    expect(f.intercept).toBe(true);
    expect(parseFormula('y ~ x - 1').intercept).toBe(false);
    expect(parseFormula('y ~ 0 + x').intercept).toBe(false);
  });

  it.each([
    ['y x', /one "~"/],
    ['y ~ a + + b', /empty term/],
    ['y ~ a - b', /only "- 1"/],
    ['y ~ log(a)', /"log\(a\)" is not a column name/],
    ['y ~ y + a', /also a term/],
    ['2y ~ a', /must be a column name/],
  ])('refuses %s', (text, message) => {
    expect(() => parseFormula(text)).toThrow(message);
  });
});

describe('errors name their place', () => {
  const rows = Array.from({ length: 40 }, (_, i) => ({
    s: i % 2,
    psu: `${i % 2}-${i % 5}`,
    w: 1 + (i % 3),
    y: i % 7,
    x: i,
    x2: 2 * i,
    g: ['a', 'b'][i % 2],
    t: 'same',
  }));
  const table = tableFromRecords(rows);
  const design = buildDesign(table, { strata: 's', ids: ['psu'], weights: 'w', nest: true });
  const fails = (request: Parameters<typeof regress>[2], code: string, message: RegExp) => {
    let err: unknown;
    try {
      regress(design, table, request);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).code).toBe(code);
    expect((err as InputError).message).toMatch(message);
  };
  it('unknown columns, text responses, constant columns, unknown test terms, margins in the formula', () => {
    fails({ formula: 'y ~ nope', family: 'gaussian' }, 'unknown-column', /"nope"/);
    fails({ formula: 'g ~ x', family: 'gaussian' }, 'bad-response', /holds text/);
    fails({ formula: 'y ~ x + t', family: 'gaussian' }, 'single-level', /"t" has one category \("same"\)/);
    fails({ formula: 'y ~ x + x2', family: 'gaussian' }, 'collinear-model', /column "x2" is a combination/);
    fails({ formula: 'y ~ x', family: 'quasibinomial' }, 'bad-response', /between 0 and 1/);
    fails({ formula: 'y ~ x', family: 'gaussian', tests: [['g']] }, 'unknown-term', /"g" is not a term/);
    fails({ formula: 'y ~ x + g', family: 'gaussian', margins: 'g' }, 'bad-margins', /leave "g" out/);
  });
});

/**
 * Every estimate and standard error against R survey 4.1 (tests/fixtures/r-survey/r-survey-reference.csv,
 * computed by R on the api data sets to 17 digits). Agreement required: 1e-9 relative.
 */
import { describe, expect, it } from 'vitest';
import { buildDesign, compareMeans, designDf, estimate, tabulate, type DesignSpec, type Estimate } from '../../analysis/index.js';
import { apiRecords, apiTable, expectClose, noteValue, ref, tableFromRecords } from '../helpers/reference.js';

const dstrat = () => {
  const t = apiTable('apistrat');
  return { t, d: buildDesign(t, { strata: 'stype', weights: 'pw', fpc: ['fpc'] }) };
};
const dclus1 = (extra: Partial<DesignSpec> = {}) => {
  const t = apiTable('apiclus1');
  return { t, d: buildDesign(t, { ids: ['dnum'], weights: 'pw', fpc: ['fpc'], ...extra }) };
};
const one = (es: Estimate[], level: string | null = null): Estimate => {
  const e = es.find((x) => x.level === level);
  if (!e) throw new Error(`no estimate for level ${level}`);
  return e;
};
const check = (e: Estimate, r: { estimate: number; se: number }) => {
  expectClose(e.estimate, r.estimate);
  expectClose(e.se, r.se);
};

describe('stratified design with fpc (dstrat)', () => {
  const { t, d } = dstrat();
  it('svymean(~api00)', () => check(one(estimate(d, t, { means: ['api00'] })), ref('dstrat', 'svymean(~api00)')));
  it('svytotal(~enroll)', () => check(one(estimate(d, t, { totals: ['enroll'] })), ref('dstrat', 'svytotal(~enroll)')));
  it('svyratio(~api.stu, ~enroll)', () =>
    check(one(estimate(d, t, { ratios: [{ numerator: 'api.stu', denominator: 'enroll' }] })), ref('dstrat', 'svyratio(~api.stu, ~enroll)')));
  it('svymean(~sch.wide): one proportion per level', () => {
    const es = estimate(d, t, { means: ['sch.wide'] });
    expect(es.map((e) => e.level)).toEqual(['No', 'Yes']);
    check(one(es, 'No'), ref('dstrat', 'svymean(~sch.wide)', 'sch.wideNo'));
    check(one(es, 'Yes'), ref('dstrat', 'svymean(~sch.wide)', 'sch.wideYes'));
  });
  it('degf', () => expect(designDf(d)).toBe(ref('dstrat', 'degf').estimate));
});

describe('simple random sample with weights from the fpc (dsrs)', () => {
  it('svymean(~api00)', () => {
    const t = apiTable('apisrs');
    const d = buildDesign(t, { fpc: ['fpc'] });
    check(one(estimate(d, t, { means: ['api00'] })), ref('dsrs', 'svymean(~api00)'));
  });
});

describe('one-stage cluster sample (dclus1)', () => {
  const { t, d } = dclus1();
  it('svymean(~api00)', () => check(one(estimate(d, t, { means: ['api00'] })), ref('dclus1', 'svymean(~api00)')));
  it('svytotal(~enroll)', () => check(one(estimate(d, t, { totals: ['enroll'] })), ref('dclus1', 'svytotal(~enroll)')));
  it('svytotal(~stype): one total per level', () => {
    const es = estimate(d, t, { totals: ['stype'] });
    for (const level of ['E', 'H', 'M']) check(one(es, level), ref('dclus1', 'svytotal(~stype)', `stype${level}`));
  });
  it('svyratio(~api.stu, ~enroll)', () =>
    check(one(estimate(d, t, { ratios: [{ numerator: 'api.stu', denominator: 'enroll' }] })), ref('dclus1', 'svyratio(~api.stu, ~enroll)')));
  it('svyby(~ell+meals, ~stype, svymean)', () => {
    const es = estimate(d, t, { means: ['ell', 'meals'], by: ['stype'] });
    expect(es).toHaveLength(6); // 2 variables x 3 school types: the loop below cannot pass on nothing
    for (const e of es) check(e, ref('dclus1', 'svyby(~ell+meals, ~stype, svymean)', `${e.domain!.stype}:${e.variable}`));
    expect(es).toHaveLength(6);
  });
  it('degf', () => expect(designDf(d)).toBe(ref('dclus1', 'degf').estimate));
  it('without fpc (dclus1wr)', () => {
    const { t: t2, d: d2 } = dclus1({ fpc: [] });
    check(one(estimate(d2, t2, { means: ['api00'] })), ref('dclus1wr', 'svymean(~api00)'));
  });
  it('svyttest(api00~sch.wide): difference, se, t, df = degf - 1, p', () => {
    const r = ref('dclus1', 'svyttest(api00~sch.wide) difference');
    const [c] = compareMeans(d, t, { variable: 'api00', group: 'sch.wide' });
    expect(c.levels).toEqual(['No', 'Yes']);
    expectClose(c.difference, r.estimate);
    expectClose(c.se, r.se);
    expectClose(c.t, noteValue(r.note, 't'), 1e-8);
    expect(c.df).toBe(noteValue(r.note, 'df'));
    expectClose(c.p, noteValue(r.note, 'p'), 1e-8);
    expect(c.covariance).not.toBe(0); // the groups share PSUs
  });
  it('svychisq(~sch.wide+stype): second-order Rao-Scott F and first-order chi-square', () => {
    const tab = tabulate(d, t, { rows: 'sch.wide', cols: 'stype' });
    const f = ref('dclus1', 'svychisq(~sch.wide+stype) F');
    expectClose(tab.test.f, f.estimate);
    expectClose(tab.test.ndf, noteValue(f.note, 'ndf'), 1e-8);
    expectClose(tab.test.ddf, noteValue(f.note, 'ddf'), 1e-8);
    expectClose(tab.test.p, noteValue(f.note, 'p'), 1e-8);
    const x2 = ref('dclus1', "svychisq(~sch.wide+stype, statistic='Chisq')");
    expectClose(tab.test.chisq.statistic, x2.estimate);
    expect(tab.test.chisq.df).toBe(noteValue(x2.note, 'df'));
    expectClose(tab.test.chisq.p, noteValue(x2.note, 'p'), 1e-8);
  });
  it("svyciprop(~I(sch.wide=='Yes'), method='beta'): Korn-Graubard interval", () => {
    const r = ref('dclus1', "svyciprop(~I(sch.wide=='Yes'), method='beta')");
    const e = one(estimate(d, t, { means: ['sch.wide'], proportionCi: 'korn-graubard' }), 'Yes');
    check(e, r);
    expect(e.ciMethod).toBe('korn-graubard');
    const [lo, hi] = r.note.replace('ci=', '').split(',').map(Number);
    expectClose(e.ci[0], lo, 1e-9);
    expectClose(e.ci[1], hi, 1e-9);
  });
  it('the same interval on a numeric 0/1 column; a numeric column that is not 0/1 is refused', () => {
    const r = ref('dclus1', "svyciprop(~I(sch.wide=='Yes'), method='beta')");
    const yes = tableFromRecords(apiRecords('apiclus1').map((x) => ({ ...x, yes: x['sch.wide'] === 'Yes' ? 1 : 0 })));
    const dy = buildDesign(yes, { ids: ['dnum'], weights: 'pw', fpc: ['fpc'] });
    const [e] = estimate(dy, yes, { means: ['yes'], proportionCi: 'korn-graubard' });
    expect(e.ciMethod).toBe('korn-graubard');
    const [lo, hi] = r.note.replace('ci=', '').split(',').map(Number);
    expectClose(e.ci[0], lo, 1e-9);
    expectClose(e.ci[1], hi, 1e-9);
    expect(() => estimate(dy, yes, { means: ['api00'], proportionCi: 'korn-graubard' })).toThrow(
      /needs a 0\/1 or categorical column; "api00" has \d+ in row 1/,
    );
  });
});

describe('two-stage cluster sample (dclus2)', () => {
  const t = apiTable('apiclus2');
  it('with fpc at both stages: svymean(~api00)', () => {
    const d = buildDesign(t, { ids: ['dnum', 'snum'], fpc: ['fpc1', 'fpc2'] });
    check(one(estimate(d, t, { means: ['api00'] })), ref('dclus2', 'svymean(~api00)'));
    expect(designDf(d)).toBe(ref('dclus2', 'degf').estimate);
  });
  it('svytotal(~enroll, na.rm=TRUE): missing values excluded as a domain and counted', () => {
    const d = buildDesign(t, { ids: ['dnum', 'snum'], fpc: ['fpc1', 'fpc2'] });
    const e = one(estimate(d, t, { totals: ['enroll'] }));
    check(e, ref('dclus2', 'svytotal(~enroll, na.rm=TRUE)'));
    expect(e.missing).toBe(t.nRows - e.n);
    expect(e.missing).toBeGreaterThan(0);
  });
  it('with replacement, weights given (dclus2wr)', () => {
    const d = buildDesign(t, { ids: ['dnum', 'snum'], weights: 'pw' });
    check(one(estimate(d, t, { means: ['api00'] })), ref('dclus2wr', 'svymean(~api00)'));
  });
});

describe('lonely PSUs: every district a stratum, every school a PSU (apiclus1)', () => {
  const t = apiTable('apiclus1');
  const name = 'svydesign(id=~1, strata=~dnum, weights=~pw, apiclus1)';
  it.each(['remove', 'adjust', 'average'] as const)('lonely.psu=%s', (lonelyPsu) => {
    const d = buildDesign(t, { strata: 'dnum', weights: 'pw', lonelyPsu });
    check(one(estimate(d, t, { means: ['api00'] })), ref(`${name} lonely.psu=${lonelyPsu}`, 'svymean(~api00)'));
  });
  it('certainty gives the same as remove for a design without fpc', () => {
    const a = one(estimate(buildDesign(t, { strata: 'dnum', weights: 'pw', lonelyPsu: 'certainty' }), t, { means: ['api00'] }));
    check(a, ref(`${name} lonely.psu=remove`, 'svymean(~api00)'));
  });
  it('fail (the default) names the stratum', () => {
    const d = buildDesign(t, { strata: 'dnum', weights: 'pw' });
    expect(() => estimate(d, t, { means: ['api00'] })).toThrow(/stratum "\d+" has only one PSU/);
  });
});

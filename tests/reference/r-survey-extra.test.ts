/**
 * Further values from R survey 4.1.1 (tests/fixtures/r-survey/extra-reference.csv, made by
 * extra-reference.R beside it): design effects, subsets, two-way domains, quantiles, replicate designs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesign, compareMeans, estimate, parseCsvColumns, evaluateSubset, type DataTable, type Estimate } from '../../analysis/index.js';
import { createReplicates, givenReplicates } from '../../analysis/replicates.js';
import { withReplicates } from '../../analysis/design.js';
import { apiDf, apiTable, expectClose, FIXTURES, noteValue, referenceRows } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

const rows = referenceRows('extra-reference.csv');
const xref = (design: string, call: string, term?: string) => {
  const r = rows.find((x) => x.design === design && x.call === call && (term === undefined || x.term === term));
  if (!r) throw new Error(`no extra reference row ${design} / ${call} / ${term}`);
  return r;
};
const check = (e: Estimate, r: { estimate: number; se: number }, tol = 1e-9) => {
  expectClose(e.estimate, r.estimate, tol);
  expectClose(e.se, r.se, tol);
};
const dclus1 = () => {
  const t = apiTable('apiclus1');
  return { t, d: buildDesign(t, { ids: ['dnum'], weights: 'pw', fpc: ['fpc'] }) };
};

describe('design effects', () => {
  it('svymean(~api00, dstrat, deff=TRUE)', () => {
    const t = apiTable('apistrat');
    const d = buildDesign(t, { strata: 'stype', weights: 'pw', fpc: ['fpc'] });
    const [e] = estimate(d, t, { means: ['api00'] });
    const r = xref('dstrat', 'svymean(~api00, deff=TRUE)');
    check(e, r);
    expectClose(e.deff!, noteValue(r.note, 'deff'));
  });
  it('svytotal(~enroll, dclus1, deff=TRUE)', () => {
    const { t, d } = dclus1();
    const [e] = estimate(d, t, { totals: ['enroll'] });
    const r = xref('dclus1', 'svytotal(~enroll, deff=TRUE)');
    check(e, r);
    expectClose(e.deff!, noteValue(r.note, 'deff'));
  });
});

describe('subset(dclus1, api99 > 600): the design is kept, df is that of the subset', () => {
  const { t, d } = dclus1();
  const subset = evaluateSubset(t, '${api99} > 600');
  const name = 'subset(dclus1, api99 > 600)';
  it('svymean', () => {
    const [e] = estimate(d, t, { means: ['api00'], subset });
    const r = xref(name, 'svymean(~api00)');
    check(e, r);
    expect(e.df).toBe(noteValue(r.note, 'df'));
  });
  it('svyciprop beta', () => {
    const e = estimate(d, t, { means: ['sch.wide'], subset, proportionCi: 'korn-graubard' }).find((x) => x.level === 'Yes')!;
    const r = xref(name, "svyciprop(~I(sch.wide=='Yes'), method='beta')");
    check(e, r);
    const [lo, hi] = r.note.replace('ci=', '').split(',').map(Number);
    expectClose(e.ci[0], lo);
    expectClose(e.ci[1], hi);
  });
  it('svyttest', () => {
    const [c] = compareMeans(d, t, { variable: 'api00', group: 'sch.wide', subset });
    const r = xref(name, 'svyttest(api00~sch.wide)');
    expectClose(c.difference, r.estimate);
    expectClose(c.se, r.se);
    expectClose(c.t, noteValue(r.note, 't'));
    expect(c.df).toBe(noteValue(r.note, 'df'));
    expectClose(c.p, noteValue(r.note, 'p'));
  });
});

describe('two by-variables', () => {
  it('svyby(~api00, ~stype+sch.wide, dclus1, svymean)', () => {
    const { t, d } = dclus1();
    const es = estimate(d, t, { means: ['api00'], by: ['stype', 'sch.wide'] });
    expect(es).toHaveLength(6);
    for (const e of es) check(e, xref('dclus1', 'svyby(~api00, ~stype+sch.wide, svymean)', `${e.domain!.stype}:${e.domain!['sch.wide']}`));
  });
});

describe('lonely PSU adjust on a total', () => {
  it('centres the lonely PSU total on zero, as R', () => {
    const t = apiTable('apiclus1');
    const d = buildDesign(t, { strata: 'dnum', weights: 'pw', lonelyPsu: 'adjust' });
    const [e] = estimate(d, t, { totals: ['enroll'] });
    check(e, xref('svydesign(id=~1, strata=~dnum, weights=~pw, apiclus1) lonely.psu=adjust', 'svytotal(~enroll)'));
  });
});

describe('quantiles with Woodruff intervals', () => {
  it('svyquantile(~api00, dclus1, c(0.25, 0.5, 0.9))', () => {
    const { t, d } = dclus1();
    const es = estimate(d, t, { quantiles: { variables: ['api00'], probabilities: [0.25, 0.5, 0.9] } });
    expect(es).toHaveLength(3);
    for (const e of es) {
      const r = xref('dclus1', 'svyquantile(~api00, c(0.25,0.5,0.9))', e.level!);
      check(e, r);
      const [lo, hi] = r.note.replace('ci=', '').split(',').map(Number);
      expect(e.ci).toEqual([lo, hi]);
    }
  });
  it('svyquantile(~enroll, dstrat, 0.5)', () => {
    const t = apiTable('apistrat');
    const d = buildDesign(t, { strata: 'stype', weights: 'pw', fpc: ['fpc'] });
    const [e] = estimate(d, t, { quantiles: { variables: ['enroll'], probabilities: [0.5] } });
    check(e, xref('dstrat', 'svyquantile(~enroll, 0.5)'));
  });
});

describe('replicate weights created from the design', () => {
  it('JK1 on dclus1: svymean (main reference) and svyratio', async () => {
    const { t, d } = dclus1();
    const jk = withReplicates(d, createReplicates(d, { type: 'JK1' }));
    const main = referenceRows().find((r) => r.design === 'dclus1 JK1')!;
    check(estimate(jk, t, { means: ['api00'] })[0], main);
    const r = xref('dclus1 JK1', 'svyratio(~api.stu, ~enroll)');
    const [e] = estimate(jk, t, { ratios: [{ numerator: 'api.stu', denominator: 'enroll' }] });
    check(e, r);
    expect(e.df).toBe(noteValue(r.note, 'df'));
  });
  it('JKn on dstrat', () => {
    const t = apiTable('apistrat');
    const d = buildDesign(t, { strata: 'stype', weights: 'pw', fpc: ['fpc'] });
    const jk = withReplicates(d, createReplicates(d, { type: 'JKn' }));
    const [m] = estimate(jk, t, { means: ['api00'] });
    check(m, xref('dstrat JKn', 'svymean(~api00)'));
    expect(m.df).toBe(apiDf('apistrat', 'stype'));
    check(estimate(jk, t, { totals: ['enroll'] })[0], xref('dstrat JKn', 'svytotal(~enroll)'));
    const byWide = estimate(jk, t, { means: ['api00'], by: ['sch.wide'] });
    expect(byWide).toHaveLength(2);
    for (const e of byWide) check(e, xref('dstrat JKn', 'svyby(~api00, ~sch.wide, svymean)', e.domain!['sch.wide']));
  });
  const scd = (): DataTable =>
    parseCsvColumns(
      fs.readFileSync(path.join(FIXTURES, 'r-survey', 'scd.csv')),
      new Map([
        ['ESA', 'category'],
        ['ambulance', 'category'],
        ['arrests', 'number'],
        ['alive', 'number'],
      ] as const),
    );
  it('BRR and Fay on the scd data (2 PSUs per stratum)', () => {
    const t = scd();
    const w = new Float64Array(t.nRows).fill(1);
    const withW: DataTable = { nRows: t.nRows, columns: new Map([...t.columns, ['w', { kind: 'number', name: 'w', values: w }]]) };
    const d = buildDesign(withW, { strata: 'ESA', ids: ['ambulance'], weights: 'w', nest: true });
    const brr = withReplicates(d, createReplicates(d, { type: 'BRR' }));
    check(estimate(brr, withW, { means: ['arrests'] })[0], xref('scd BRR', 'svymean(~arrests)'));
    check(estimate(brr, withW, { totals: ['alive'] })[0], xref('scd BRR', 'svytotal(~alive)'));
    check(estimate(brr, withW, { ratios: [{ numerator: 'alive', denominator: 'arrests' }] })[0], xref('scd BRR', 'svyratio(~alive, ~arrests)'));
    const fay = withReplicates(d, createReplicates(d, { type: 'Fay', rho: 0.3 }));
    check(estimate(fay, withW, { means: ['arrests'] })[0], xref('scd Fay rho=0.3', 'svymean(~arrests)'));
    check(estimate(fay, withW, { ratios: [{ numerator: 'alive', denominator: 'arrests' }] })[0], xref('scd Fay rho=0.3', 'svyratio(~alive, ~arrests)'));
  });
});

describe('replicate weights given as columns', () => {
  it("R's bootstrap weights of dclus1 reproduce R's bootstrap standard errors", () => {
    const { t } = dclus1();
    const bw = parseCsvColumns(
      fs.readFileSync(path.join(FIXTURES, 'r-survey', 'bootstrap-weights.csv')),
      new Map(Array.from({ length: 50 }, (_, i) => [`bw${i + 1}`, 'number'] as const)),
    );
    const table: DataTable = { nRows: t.nRows, columns: new Map([...t.columns, ...bw.columns]) };
    const d = buildDesign(table, { ids: ['dnum'], weights: 'pw', fpc: ['fpc'] });
    const r = xref('dclus1 bootstrap (weights in bootstrap-weights.csv)', 'svymean(~api00)');
    const reps = givenReplicates(
      table,
      Array.from({ length: 50 }, (_, i) => `bw${i + 1}`),
      { type: 'bootstrap', scale: noteValue(r.note, 'scale') },
    );
    const design = withReplicates(d, reps);
    check(estimate(design, table, { means: ['api00'] })[0], r);
    const byType = estimate(design, table, { means: ['api00'], by: ['stype'] });
    expect(byType).toHaveLength(3);
    for (const e of byType) {
      check(e, xref('dclus1 bootstrap (weights in bootstrap-weights.csv)', 'svyby(~api00, ~stype, svymean)', e.domain!.stype));
    }
  });
});

describe.runIf(need(rTool(), 'the df of a replicate subset against R'))('a subpopulation of a replicate design (issue 20)', () => {
  it('has the df R gives subset(): the rank of the replicate weights over its rows, minus one', () => {
    const file = path.join(FIXTURES, 'r-survey', 'apiclus1.csv');
    const script = `suppressMessages(library(survey)); a <- read.csv("${file}"); r <- as.svrepdesign(svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=a), type = "JK1")
      s <- subset(r, stype == "H"); ci <- confint(svymean(~api00, s), df = degf(s)); cat(sprintf("%.17g %.17g %.17g %.17g", degf(r), degf(s), ci[1], ci[2]))`;
    const run = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [dfAll, dfSub, lo, hi] = run.stdout.trim().split(' ').map(Number);
    const t = apiTable('apiclus1');
    const d = buildDesign(t, { ids: ['dnum'], weights: 'pw', fpc: ['fpc'] });
    const jk = withReplicates(d, createReplicates(d, { type: 'JK1' }));
    const [all] = estimate(jk, t, { means: ['api00'] });
    const [sub] = estimate(jk, t, { means: ['api00'], subset: evaluateSubset(t, "${stype} = 'H'") });
    expect([all.df, sub.df]).toEqual([dfAll, dfSub]);
    expectClose(sub.ci[0], lo, 1e-9);
    expectClose(sub.ci[1], hi, 1e-9);
  });
});

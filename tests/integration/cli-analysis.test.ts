import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runMdsurvey } from '../helpers/cli.js';
import { apiDf, expectClose, FIXTURES, ref } from '../helpers/reference.js';

const api = (name: string) => path.join(FIXTURES, 'r-survey', `${name}.csv`);
const dclus1 = ['--weights', 'pw', '--ids', 'dnum', '--fpc', 'fpc'];

describe('mdsurvey estimate', () => {
  it('prints the documented JSON with R survey values', async () => {
    const r = await runMdsurvey([
      'estimate',
      api('apistrat'),
      '--weights',
      'pw',
      '--strata',
      'stype',
      '--fpc',
      'fpc',
      '--mean',
      'api00',
      '--total',
      'enroll',
      '--ratio',
      'api.stu/enroll',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.design).toMatchObject({ strata: 3, psus: 200, df: apiDf('apistrat', 'stype') });
    const [mean, total, ratio] = out.estimates;
    expect(mean).toMatchObject({ statistic: 'mean', variable: 'api00', level: null, domain: null, df: apiDf('apistrat', 'stype'), n: 200 });
    expectClose(mean.estimate, ref('dstrat', 'svymean(~api00)').estimate);
    expectClose(mean.se, ref('dstrat', 'svymean(~api00)').se);
    expect(mean.ci).toHaveLength(2);
    expectClose(total.se, ref('dstrat', 'svytotal(~enroll)').se);
    expect(ratio.variable).toBe('api.stu/enroll');
    expectClose(ratio.se, ref('dstrat', 'svyratio(~api.stu, ~enroll)').se);
  });

  it('estimates by domain in a subset written in the questionnaire language, as CSV', async () => {
    const r = await runMdsurvey(['estimate', api('apiclus1'), ...dclus1, '--mean', 'ell,meals', '--by', 'stype', '--format', 'csv']);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(6);
    const eEll = rows.find((x) => x.variable === 'ell' && x.domain === 'stype=E')!;
    expectClose(Number(eEll.se), ref('dclus1', 'svyby(~ell+meals, ~stype, svymean)', 'E:ell').se);

    const s = await runMdsurvey(['estimate', api('apiclus1'), ...dclus1, '--mean', 'api00', '--subset', '${api99} > 600 and ${stype} = "E"']);
    expect(s.code).toBe(0);
    const out = JSON.parse(s.stdout);
    expect(out.design.subsetRows).toBeGreaterThan(0);
    expect(out.estimates[0].n).toBe(out.design.subsetRows);
  });

  it('reports rows left out for missing values', async () => {
    const r = await runMdsurvey(['estimate', api('apiclus2'), '--ids', 'dnum,snum', '--fpc', 'fpc1,fpc2', '--total', 'enroll']);
    expect(r.code).toBe(0);
    const [e] = JSON.parse(r.stdout).estimates;
    expectClose(e.se, ref('dclus2', 'svytotal(~enroll, na.rm=TRUE)').se);
    expect(e.missing).toBeGreaterThan(0);
  });

  it.each([
    [['--weights', 'pw', '--mean', 'no_such_column'], /unknown column "no_such_column"/],
    [['--weights', 'stype', '--mean', 'api00'], /row 1, column "stype": "E" is not a number/],
    [['--weights', 'pw', '--strata', 'dnum', '--mean', 'api00'], /stratum "\d+" has only one PSU/],
    [['--weights', 'pw', '--mean', 'api00', '--subset', '${api00 >'], /--subset: unclosed/],
    [['--weights', 'pw', '--mean', 'api00', '--lonely-psu', 'sometimes'], /invalid/],
    [['--weights', 'pw'], /say what to estimate/],
    [['--mean', 'api00'], /--weights is required/],
    [['--weights', 'pw', '--ratio', 'api00', '--format', 'json'], /--ratio takes NUM\/DEN/],
  ])('exits 2 with one line for %j', async (flags, message) => {
    const r = await runMdsurvey(['estimate', api('apistrat'), ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('exits 2 for a PSU in two strata and for a missing file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'est-'));
    const f = path.join(dir, 'bad.csv');
    fs.writeFileSync(f, 'h,psu,w,y\na,1,1,1\na,2,1,2\nb,2,1,3\nb,3,1,4\n');
    const r = await runMdsurvey(['estimate', f, '--weights', 'w', '--strata', 'h', '--ids', 'psu', '--mean', 'y']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/PSU "2" .* stratum "a" and in stratum "b"/);
    const m = await runMdsurvey(['estimate', path.join(dir, 'nope.csv'), '--weights', 'w', '--mean', 'y']);
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/cannot read .*nope.csv: no such file/);
  });
});

describe('mdsurvey compare', () => {
  it('prints the difference (level b minus level a) with the covariance term and R svyttest values', async () => {
    const r = await runMdsurvey(['compare', api('apiclus1'), ...dclus1, '--mean', 'api00', '--group', 'sch.wide']);
    expect(r.code).toBe(0);
    const [c] = JSON.parse(r.stdout).comparisons;
    const R = ref('dclus1', 'svyttest(api00~sch.wide) difference');
    expect(c).toMatchObject({ variable: 'api00', group: 'sch.wide', levels: ['No', 'Yes'], df: 13 });
    expectClose(c.difference, R.estimate);
    expectClose(c.se, R.se);
    expect(c.estimates).toHaveLength(2);
    expect(typeof c.p).toBe('number');
  });
  it('refuses a group that is not binary', async () => {
    const r = await runMdsurvey(['compare', api('apiclus1'), ...dclus1, '--mean', 'api00', '--group', 'stype']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/exactly two levels; it has 3 \(E, H, M\)/);
  });
});

describe('mdsurvey tabulate', () => {
  it('prints cells and the Rao-Scott tests as R svychisq', async () => {
    const r = await runMdsurvey(['tabulate', api('apiclus1'), ...dclus1, '--rows', 'sch.wide', '--cols', 'stype']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.cells).toHaveLength(6);
    expect(out.test.method).toBe('rao-scott-f');
    expectClose(out.test.f, ref('dclus1', 'svychisq(~sch.wide+stype) F').estimate);
    expectClose(out.test.chisq.statistic, ref('dclus1', "svychisq(~sch.wide+stype, statistic='Chisq')").estimate);
    const total = out.cells.reduce((s: number, c: { proportion: { estimate: number } }) => s + c.proportion.estimate, 0);
    expectClose(total, 1, 1e-12);
  });
});

describe('replicate weights on the command line', () => {
  it('--replicates jk1 reproduces R as.svrepdesign(dclus1, "JK1")', async () => {
    const r = await runMdsurvey(['estimate', api('apiclus1'), ...dclus1, '--mean', 'api00', '--replicates', 'jk1']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.design.variance).toBe('replicates (JK1, 15)');
    expectClose(out.estimates[0].se, ref('dclus1 JK1', 'svymean(~api00)').se);
  });
});

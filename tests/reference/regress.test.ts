/**
 * `mdsurvey regress` equals R survey's svyglm (gaussian and quasibinomial), regTermTest and
 * svypredmeans/svycontrast to 1e-9 (issue 20): the reference values come from the committed script
 * tests/reference/regress.R, run here; ours from the CLI on the same CSV files (the api data) and on the
 * synthetic DotM dataset (its folder, design from design.json; R reads its household.csv).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runMdsurvey } from '../helpers/cli.js';
import { expectClose, FIXTURES } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';

interface RCase {
  coefficients: Record<string, [number, number]>;
  df: number;
  tests: [number, number, number, number][];
  margins?: Record<string, [number, number]>;
  differences?: Record<string, [number, number]>;
}

const data = (name: string) => path.join(FIXTURES, 'r-survey', `${name}.csv`);
const STRAT = [data('apistrat'), '--strata', 'stype', '--weights', 'pw', '--fpc', 'fpc'];
const CLUS1 = [data('apiclus1'), '--ids', 'dnum', '--weights', 'pw', '--fpc', 'fpc'];
const CLUS2 = [data('apiclus2'), '--ids', 'dnum,snum', '--fpc', 'fpc1,fpc2'];

// Each case of regress.R and the same model through the CLI.
const CASES: [string, string[]][] = [
  ['strat_gaussian', [...STRAT, '--formula', 'api00 ~ ell + meals + stype', '--test', 'stype', '--test', 'ell,meals']],
  ['clus1_logistic', [...CLUS1, '--formula', 'sch.wide ~ ell + stype', '--family', 'logistic', '--test', 'stype']],
  [
    'clus1_jk1_interaction_subset',
    [...CLUS1, '--replicates', 'jk1', '--subset', '${enroll} > 300', '--formula', 'api00 ~ ell*stype + mobility', '--test', 'ell:stype'],
  ],
  ['clus1_missing', [...CLUS1, '--formula', 'api00 ~ acs.46 + stype', '--test', 'stype']],
  ['clus1_margins_gaussian', [...CLUS1, '--formula', 'api00 ~ ell + meals', '--margins', 'stype']],
  ['clus1_margins_logistic', [...CLUS1, '--formula', 'awards ~ ell + meals', '--family', 'quasibinomial', '--margins', 'stype']],
  ['clus2_logistic', [...CLUS2, '--formula', 'both ~ api99 + stype', '--family', 'logistic', '--test', 'stype']],
  ['strat_jkn_logistic', [...STRAT, '--replicates', 'jkn', '--formula', 'sch.wide ~ meals + factor(yr.rnd)', '--family', 'logistic']],
  ['strat_subset_logistic', [...STRAT, '--subset', "${stype} != 'E'", '--formula', 'awards ~ meals + ell', '--family', 'logistic', '--test', 'meals,ell']],
];
// Cases on the synthetic DotM dataset (its folder is the first argument).
const DOTM_CASES: [string, string[]][] = [
  [
    'dotm_consumption',
    ['--formula', 'consumption_annual ~ hh_size + urban + factor(head_sex) + region', '--test', 'region', '--margins', 'hh_migration_status'],
  ],
  ['dotm_account', ['--formula', 'f_account ~ hh_size + urban + region', '--family', 'logistic', '--margins', 'hh_migrant']],
  [
    'dotm_account_jk1',
    [
      '--replicates',
      'jkn',
      '--subset',
      "${region} != 'North'",
      '--formula',
      'f_account ~ hh_size + urban + factor(head_sex)',
      '--family',
      'logistic',
      '--test',
      'hh_size,urban',
    ],
  ],
];

describe.runIf(need(rTool(), 'regression against R'))('design-based regression against R svyglm', () => {
  let reference: Record<string, RCase>;
  let dotm: string;
  beforeAll(() => {
    dotm = writeSyntheticDotm().dir;
    const r = spawnSync('Rscript', [path.join(ROOT, 'tests', 'reference', 'regress.R'), path.join(FIXTURES, 'r-survey'), dotm], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    reference = JSON.parse(r.stdout);
  }, 120_000);

  it.each([...CASES, ...DOTM_CASES.map(([name, args]): [string, string[]] => [name, ['DOTM', ...args]])])('%s', async (name, args) => {
    const ref = reference[name];
    const out = await runMdsurvey(['regress', ...args.map((a) => (a === 'DOTM' ? dotm : a))]);
    expect(out.code, out.stderr).toBe(0);
    const ours = JSON.parse(out.stdout);
    expect(ours.coefficients.map((c: { term: string }) => c.term)).toEqual(Object.keys(ref.coefficients));
    for (const c of ours.coefficients) {
      expectClose(c.estimate, ref.coefficients[c.term][0], 1e-9);
      expectClose(c.se, ref.coefficients[c.term][1], 1e-9);
    }
    expect(ours.dfResidual).toBe(ref.df);
    expect(ours.tests).toHaveLength(ref.tests.length);
    ours.tests.forEach((t: { f: number; ndf: number; ddf: number; p: number }, k: number) => {
      const [f, ndf, ddf, p] = ref.tests[k];
      expectClose(t.f, f, 1e-9);
      expect([t.ndf, t.ddf]).toEqual([ndf, ddf]);
      expectClose(t.p, p, 1e-9);
    });
    if (ref.margins) {
      const m = ours.margins;
      expect(m.levels.map((l: { level: string }) => l.level)).toEqual(Object.keys(ref.margins));
      for (const l of m.levels) {
        expectClose(l.estimate, ref.margins[l.level][0], 1e-9);
        expectClose(l.se, ref.margins[l.level][1], 1e-9);
      }
      for (const d of m.differences) {
        expectClose(d.difference, ref.differences![d.level][0], 1e-9);
        expectClose(d.se, ref.differences![d.level][1], 1e-9);
      }
    }
  });
});

/**
 * The analysis commands on calibrated designs (issue 20): `estimate`, `compare`, `tabulate` and `regress`
 * with --poststratify, --rake or --calibrate, linearised and with JK1 replicates, equal R's svymean,
 * svytotal, svyttest, svychisq and svyglm on postStratify()/rake()/calibrate() designs to 1e-9 (reference:
 * the committed tests/reference/calibrated-commands.R, run here). Using the calibrated weights as plain
 * weights instead gives a different (too large) SE of the total, which this test would catch.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runMdsurvey } from '../helpers/cli.js';
import { expectClose, FIXTURES } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

type RValues = Record<'mean' | 'total' | 'ttest' | 'chisq' | 'glm', number[]>;
const FILE = path.join(FIXTURES, 'r-survey', 'apiclus1.csv');
const DESIGN = [FILE, '--ids', 'dnum', '--weights', 'pw', '--fpc', 'fpc'];

describe.runIf(need(rTool(), 'calibrated designs against R'))('analysis commands on calibrated designs', () => {
  let reference: Record<string, RValues>;
  let calibration: Record<string, string[]>;
  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-cal-'));
    fs.writeFileSync(path.join(dir, 'stype.csv'), 'stype,total\nE,4421\nH,755\nM,1018\n');
    fs.writeFileSync(path.join(dir, 'sch.csv'), 'sch.wide,total\nNo,1072\nYes,5122\n');
    fs.writeFileSync(
      path.join(dir, 'totals.json'),
      JSON.stringify({ population: 6194, categorical: { stype: { E: 4421, H: 755, M: 1018 } }, numeric: { api99: 3914069 } }),
    );
    const post = ['--poststratify', `stype=${path.join(dir, 'stype.csv')}`];
    const rake = ['--rake', `stype=${path.join(dir, 'stype.csv')}`, '--rake', `sch.wide=${path.join(dir, 'sch.csv')}`];
    const cal = ['--calibrate', 'linear', '--totals', path.join(dir, 'totals.json')];
    calibration = {
      poststratify: post,
      rake,
      calibrate: cal,
      // Logit with bounds; the file lists stype H first, R's reference category is the first sorted (E).
      logit: ['--calibrate', 'logit', '--bounds', '0.5,2.5', '--totals', path.join(dir, 'totals.json')],
      jk1_poststratify: ['--replicates', 'jk1', ...post],
      jk1_rake: ['--replicates', 'jk1', ...rake],
      jk1_calibrate: ['--replicates', 'jk1', ...cal],
      jk1_logit_unreached: ['--replicates', 'jk1', '--calibrate', 'logit', '--bounds', '0.6,1.8', '--totals', path.join(dir, 'totals.json')],
    };
    const r = spawnSync('Rscript', [path.join(ROOT, 'tests', 'reference', 'calibrated-commands.R'), path.join(FIXTURES, 'r-survey')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    reference = JSON.parse(r.stdout);
  }, 120_000);

  it.each(['poststratify', 'rake', 'calibrate', 'logit', 'jk1_poststratify', 'jk1_rake', 'jk1_calibrate', 'jk1_logit_unreached'])('%s', async (name) => {
    const ref = reference[name];
    const flags = calibration[name];
    const run = async (args: string[]) => {
      const out = await runMdsurvey([...args, ...flags]);
      expect(out.code, out.stderr).toBe(0);
      // Replicates that cannot reach the totals are named on stderr (R warns), and only then.
      expect(out.stderr.match(/replicate \d+: calibration failed to converge/g)?.length ?? 0).toBe(name === 'jk1_logit_unreached' ? 2 : 0);
      return JSON.parse(out.stdout);
    };
    const est = await run(['estimate', ...DESIGN, '--mean', 'api00', '--total', 'enroll']);
    expectClose(est.estimates[0].estimate, ref.mean[0]);
    expectClose(est.estimates[0].se, ref.mean[1]);
    expectClose(est.estimates[1].estimate, ref.total[0]);
    expectClose(est.estimates[1].se, ref.total[1]);

    const cmp = (await run(['compare', ...DESIGN, '--mean', 'api00', '--group', 'sch.wide'])).comparisons[0];
    expectClose(cmp.difference, ref.ttest[0]);
    expectClose(cmp.t, ref.ttest[1]);
    expect(cmp.df).toBe(ref.ttest[2]);
    expectClose(cmp.p, ref.ttest[3]);

    const tab = await run(['tabulate', ...DESIGN, '--rows', 'sch.wide', '--cols', 'comp.imp']);
    expectClose(tab.test.f, ref.chisq[0]);
    expect([tab.test.ndf, tab.test.ddf]).toEqual([ref.chisq[1], ref.chisq[2]]);
    expectClose(tab.test.p, ref.chisq[2 + 1]);

    const reg = await run(['regress', ...DESIGN, '--formula', 'api00 ~ ell + meals']);
    reg.coefficients.forEach((c: { estimate: number; se: number }, k: number) => {
      expectClose(c.estimate, ref.glm[k]);
      expectClose(c.se, ref.glm[3 + k]);
    });
  });
});

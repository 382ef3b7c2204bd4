/**
 * `--factor`: a numeric-coded column read as categories gives R's svymean(~factor(col)): one
 * proportion per code, in numeric order, with its SE (issue 20), to 1e-9.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { expectClose, FIXTURES } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

describe.runIf(need(rTool(), '--factor against R'))('--factor', () => {
  it('proportions of the codes of cnum in dclus1 equal R', async () => {
    const file = path.join(FIXTURES, 'r-survey', 'apiclus1.csv');
    const script = `suppressMessages(library(survey)); a <- read.csv("${file}"); d <- svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=a)
      m <- svymean(~factor(cnum), d); cat(sprintf("%s %.17g %.17g\\n", sub("factor\\\\(cnum\\\\)", "", names(coef(m))), coef(m), SE(m)), sep = "")`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const ref = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' '));
    expect(ref.length).toBeGreaterThan(5);
    const ours = await runMdsurvey(['estimate', file, '--ids', 'dnum', '--weights', 'pw', '--fpc', 'fpc', '--mean', 'cnum', '--factor', 'cnum']);
    expect(ours.code, ours.stderr).toBe(0);
    const est = JSON.parse(ours.stdout).estimates as { level: string; estimate: number; se: number }[];
    expect(est.map((e) => e.level)).toEqual(ref.map((x) => x[0]));
    ref.forEach(([, e, se], k) => {
      expectClose(est[k].estimate, Number(e), 1e-9);
      expectClose(est[k].se, Number(se), 1e-9);
    });
    // A column needed as a number cannot be a factor.
    const clash = await runMdsurvey(['estimate', file, '--ids', 'dnum', '--weights', 'pw', '--mean', 'api00', '--factor', 'pw']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/--factor pw: the column is also used as a number/);
  });
});

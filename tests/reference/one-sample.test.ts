/**
 * The one-sample design-based t test (`mdsurvey compare --mean Y --mu M`, no group) equals R's
 * svyttest(I(Y - M) ~ 0, design), on the whole sample and on a subset (issue 20), to 1e-9.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { expectClose, FIXTURES } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

describe.runIf(need(rTool(), 'the one-sample t test against R'))('one-sample t test', () => {
  it.each([
    ['the whole sample', 'd', []],
    ['elementary schools', 'subset(d, stype == "E")', ['--subset', "${stype} = 'E'"]],
  ])('%s', async (_what, design, extra) => {
    const file = path.join(FIXTURES, 'r-survey', 'apiclus1.csv');
    const script = `suppressMessages(library(survey)); a <- read.csv("${file}"); d <- svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=a)
      t <- svyttest(I(api00 - 600) ~ 0, ${design}); ci <- confint(t)
      cat(sprintf("%.17g %.17g %.17g %.17g %.17g %.17g", t$estimate, t$statistic, t$parameter, t$p.value, ci[1], ci[2]))`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [estimate, t, df, p, lo, hi] = r.stdout.trim().split(' ').map(Number);
    const ours = await runMdsurvey(['compare', file, '--ids', 'dnum', '--weights', 'pw', '--fpc', 'fpc', '--mean', 'api00', '--mu', '600', ...extra]);
    expect(ours.code, ours.stderr).toBe(0);
    const [test] = JSON.parse(ours.stdout).tests;
    expectClose(test.difference, estimate, 1e-9);
    expectClose(test.t, t, 1e-9);
    expect(test.df).toBe(df);
    expectClose(test.p, p, 1e-9);
    expectClose(test.ci[0], lo, 1e-9);
    expectClose(test.ci[1], hi, 1e-9);
  });
});

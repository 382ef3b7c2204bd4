/**
 * `mdsurvey compare --group` with an expression (`${api99} > 600`) equals R's svyttest(y ~ I(api99 > 600))
 * (issue 20), to 1e-9.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { expectClose, FIXTURES } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

describe.runIf(need(rTool(), 'compare --group EXPRESSION against R'))('compare --group with an expression', () => {
  it('equals svyttest(api00 ~ I(api99 > 600))', async () => {
    const file = path.join(FIXTURES, 'r-survey', 'apiclus1.csv');
    const script = `suppressMessages(library(survey)); a <- read.csv("${file}"); d <- svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=a)
      t <- svyttest(api00 ~ I(api99 > 600), d); cat(sprintf("%.17g %.17g %.17g %.17g", t$estimate, t$statistic, t$parameter, t$p.value))`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [difference, t, df, p] = r.stdout.trim().split(' ').map(Number);
    const ours = await runMdsurvey(['compare', file, '--ids', 'dnum', '--weights', 'pw', '--fpc', 'fpc', '--mean', 'api00', '--group', '${api99} > 600']);
    expect(ours.code, ours.stderr).toBe(0);
    const [c] = JSON.parse(ours.stdout).comparisons;
    expect(c.levels).toEqual(['0', '1']);
    expectClose(c.difference, difference, 1e-9);
    expectClose(c.t, t, 1e-9);
    expect(c.df).toBe(df);
    expectClose(c.p, p, 1e-9);
  });
});

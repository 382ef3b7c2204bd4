/**
 * The Wald and adjusted Wald tests of association of a two-way table equal R's svychisq(statistic =
 * "Wald" / "adjWald") (issue 20), to 1e-9.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesign, tabulate, type DesignSpec } from '../../analysis/index.js';
import { apiTable, expectClose, FIXTURES } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

describe.runIf(need(rTool(), 'Wald tests against R'))('Wald tests of association', () => {
  it.each([
    ['apiclus1', 'svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=a)', { ids: ['dnum'], weights: 'pw', fpc: ['fpc'] }, 'sch.wide', 'stype'],
    ['apistrat', 'svydesign(id=~1, strata=~stype, weights=~pw, fpc=~fpc, data=a)', { strata: 'stype', weights: 'pw', fpc: ['fpc'] }, 'awards', 'stype'],
    ['apiclus1', 'svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=a)', { ids: ['dnum'], weights: 'pw', fpc: ['fpc'] }, 'stype', 'both'],
  ] as const)('%s: %s rows %s x %s', (data, rDesign, spec, rows, cols) => {
    const file = path.join(FIXTURES, 'r-survey', `${data}.csv`);
    const script = `suppressMessages(library(survey)); a <- read.csv("${file}"); d <- ${rDesign}
      for (s in c("Wald", "adjWald")) { x <- svychisq(~${rows}+${cols}, d, statistic = s); cat(sprintf("%.17g %.17g %.17g %.17g\\n", x$statistic, x$parameter[1], x$parameter[2], x$p.value)) }`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [wald, adj] = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ').map(Number));
    const t = apiTable(data);
    const tab = tabulate(buildDesign(t, spec as unknown as DesignSpec), t, { rows, cols });
    for (const [ours, ref] of [
      [tab.test.wald, wald],
      [tab.test.adjWald, adj],
    ] as const) {
      expectClose(ours.f, ref[0], 1e-9);
      expect([ours.ndf, ours.ddf]).toEqual([ref[1], ref[2]]);
      expectClose(ours.p, ref[3], 1e-9);
    }
  });
});

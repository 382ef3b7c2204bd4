/**
 * lonely.psu = "average" with a single sampled unit in a PSU at stage 2 (issue 20): R survey's variance
 * is NaN there (nothing to average within a PSU); mdsurvey refuses, naming the PSU, instead of silently
 * treating it as "remove". Other options are unchanged and equal R.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesign, estimate, withColumn } from '../../analysis/index.js';
import { apiTable, expectClose, FIXTURES } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

// apiclus2 with one more school in every district than the data say: single-school PSUs are no longer censuses.
const base = apiTable('apiclus2');
const fpc2 = base.columns.get('fpc2')!;
const t = withColumn(base, { kind: 'number', name: 'fpc2b', values: Float64Array.from(fpc2.kind === 'number' ? fpc2.values : [], (x) => x + 1) });

describe('a lonely unit at stage 2', () => {
  it('refuses "average", naming the PSU', () => {
    const d = buildDesign(t, { ids: ['dnum', 'snum'], fpc: ['fpc1', 'fpc2b'], lonelyPsu: 'average' });
    expect(() => estimate(d, t, { means: ['api00'] })).toThrow(
      /PSU "\d+" has only one sampled unit at stage 2, where the "average" option has nothing to average \(R survey gives NaN\)/,
    );
  });

  it.runIf(need(rTool(), 'R on a lonely unit at stage 2'))('R gives NaN for "average" and the same as mdsurvey for "adjust" and "remove"', () => {
    const file = path.join(FIXTURES, 'r-survey', 'apiclus2.csv');
    const script = `suppressMessages(library(survey)); a <- read.csv("${file}"); a$fpc2b <- a$fpc2 + 1
      for (o in c("average", "adjust", "remove")) { options(survey.lonely.psu = o); m <- svymean(~api00, svydesign(id = ~dnum + snum, fpc = ~fpc1 + fpc2b, data = a)); cat(sprintf("%.17g %.17g\\n", coef(m), SE(m))) }`;
    const r = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [average, adjust, remove] = r.stdout
      .trim()
      .split('\n')
      .map((l) => l.split(' ').map(Number));
    expect(Number.isNaN(average[1])).toBe(true);
    for (const [option, ref] of [
      ['adjust', adjust],
      ['remove', remove],
    ] as const) {
      const [e] = estimate(buildDesign(t, { ids: ['dnum', 'snum'], fpc: ['fpc1', 'fpc2b'], lonelyPsu: option }), t, { means: ['api00'] });
      expectClose(e.estimate, ref[0]);
      expectClose(e.se, ref[1]);
    }
  });
});

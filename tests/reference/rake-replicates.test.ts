/**
 * Raking a replicate design as R's rake() does (issue 20): every replicate gets as many sweeps as the
 * full sample took (R's default stopping rule, epsilon = 1), not its own convergence; the SE of a mean
 * then equals R's to 1e-9.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDesign, estimate, givenReplicates, withReplicates } from '../../analysis/index.js';
import { computeWeights, replicateWeights } from '../../sampling/index.js';
import { apiTable, expectClose, FIXTURES } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

describe.runIf(need(rTool(), 'raked replicate designs against R'))('raking replicates', () => {
  it('svymean(~api00) on rake(as.svrepdesign(dclus1 without fpc, "JK1"), ~stype, ~sch.wide) equals R', () => {
    const file = path.join(FIXTURES, 'r-survey', 'apiclus1.csv');
    const script = `suppressMessages(library(survey)); a <- read.csv("${file}"); r <- as.svrepdesign(svydesign(id=~dnum, weights=~pw, data=a), type = "JK1")
      rk <- rake(r, list(~stype, ~sch.wide), list(data.frame(stype = c("E","H","M"), Freq = c(4421, 755, 1018)), data.frame(sch.wide = c("No","Yes"), Freq = c(1072, 5122))))
      m <- svymean(~api00, rk); cat(sprintf("%.17g %.17g", coef(m), SE(m)))`;
    const run = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [est, se] = run.stdout.trim().split(' ').map(Number);
    const t = apiTable('apiclus1');
    const pw = (t.columns.get('pw') as { values: Float64Array }).values;
    const margins = [
      {
        variable: 'stype',
        totals: new Map([
          ['E', 4421],
          ['H', 755],
          ['M', 1018],
        ]),
      },
      {
        variable: 'sch.wide',
        totals: new Map([
          ['No', 1072],
          ['Yes', 5122],
        ]),
      },
    ];
    const steps = { rake: margins };
    const full = computeWeights(t, pw, steps).weights;
    const reps = replicateWeights(t, pw, { psu: 'dnum' }, { type: 'JK1' }, steps);
    const columns = new Map([
      ...t.columns,
      ['w', { kind: 'number' as const, name: 'w', values: full }],
      ...reps.columns.map((c, r) => [`r${r}`, { kind: 'number' as const, name: `r${r}`, values: c }] as const),
    ]);
    const table = { nRows: t.nRows, columns };
    const d = withReplicates(
      buildDesign(table, { weights: 'w' }),
      givenReplicates(
        table,
        reps.columns.map((_, r) => `r${r}`),
        { type: 'JK1' },
      ),
    );
    const [m] = estimate(d, table, { means: ['api00'] });
    expectClose(m.estimate, est, 1e-9);
    expectClose(m.se, se, 1e-9);
  });
});

/**
 * Given JKn replicate weights with their rscales (issue 20): `mdsurvey estimate --repweights --rep-type
 * JKn --rscales` equals R survey's svrepdesign(type = "JKn", rscales = ...) on the same columns, written
 * by R from as.svrepdesign(dstrat, type = "JKn") (tests/reference/given-jkn.R), to 1e-9.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ROOT, runMdsurvey } from '../helpers/cli.js';
import { expectClose } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

describe.runIf(need(rTool(), 'given JKn replicate weights against R'))('given JKn replicate weights', () => {
  it('mean and total with their SEs equal R', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'given-jkn-'));
    const run = spawnSync('Rscript', [path.join(ROOT, 'tests', 'reference', 'given-jkn.R'), dir], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const ref = parse(fs.readFileSync(path.join(dir, 'reference.csv')), { columns: true }) as { stat: string; estimate: string; se: string }[];
    const rscales = fs.readFileSync(path.join(dir, 'rscales.txt'), 'utf8').trim();
    expect(rscales.split(',').length).toBeGreaterThan(100);
    const args = [
      'estimate',
      path.join(dir, 'apistrat-jkn.csv'),
      '--weights',
      'pw',
      '--mean',
      'api00',
      '--total',
      'enroll',
      '--repweights',
      'repw*',
      '--rep-type',
      'JKn',
    ];
    const r = await runMdsurvey([...args, '--rscales', rscales]);
    expect(r.code, r.stderr).toBe(0);
    const [mean, total] = JSON.parse(r.stdout).estimates;
    const R = Object.fromEntries(ref.map((x) => [x.stat, { estimate: Number(x.estimate), se: Number(x.se) }]));
    expectClose(mean.estimate, R.mean.estimate, 1e-9);
    expectClose(mean.se, R.mean.se, 1e-9);
    expectClose(total.estimate, R.total.estimate, 1e-9);
    expectClose(total.se, R.total.se, 1e-9);
    // One rscale for all replicates is accepted as in R; none is refused.
    expect((await runMdsurvey([...args, '--rscales', rscales.split(',')[0]])).code).toBe(0);
    expect((await runMdsurvey(args)).code).toBe(2);
  }, 60_000);
});

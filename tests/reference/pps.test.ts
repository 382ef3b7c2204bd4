/**
 * PPS without replacement (issue 20): `--pps brewer` (Brewer's approximation, one and two stages) and
 * `--pps overton` (Horvitz-Thompson with Overton's joint probabilities) equal R survey's svydesign(pps=)
 * to 1e-9, by the committed tests/reference/pps.R run here. The files mdsurvey reads keep the api row
 * order (not sorted by PSU): mdsurvey does not depend on it, R's Brewer variance does (see pps.R).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runMdsurvey } from '../helpers/cli.js';
import { expectClose, FIXTURES } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

const CASES: [string, string, string[]][] = [
  ['clus1_brewer', 'clus1', ['--ids', 'dnum', '--fpc', 'p', '--pps', 'brewer']],
  ['clus1_overton', 'clus1', ['--ids', 'dnum', '--fpc', 'p', '--pps', 'overton']],
  ['clus2_brewer_remove', 'clus2', ['--ids', 'dnum,snum', '--fpc', 'p,q', '--pps', 'brewer', '--lonely-psu', 'remove']],
  ['strat_brewer', 'strat', ['--strata', 'h', '--fpc', 'p', '--pps', 'brewer']],
  ['strat_overton', 'strat', ['--strata', 'h', '--fpc', 'p', '--pps', 'overton']],
];

describe.runIf(need(rTool(), 'PPS designs against R'))('PPS without replacement against R', () => {
  let reference: Record<string, number[]>;
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-pps-'));
    const r = spawnSync('Rscript', [path.join(ROOT, 'tests', 'reference', 'pps.R'), path.join(FIXTURES, 'r-survey'), dir], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    reference = JSON.parse(r.stdout);
  }, 60_000);

  it.each(CASES)('%s', async (name, file, flags) => {
    const [mean, meanSe, total, totalSe, df] = reference[name];
    const out = await runMdsurvey(['estimate', path.join(dir, `${file}.csv`), ...flags, '--mean', 'api00', '--total', 'enroll']);
    expect(out.code, out.stderr).toBe(0);
    const [m, t] = JSON.parse(out.stdout).estimates;
    expectClose(m.estimate, mean);
    expectClose(m.se, meanSe);
    expect(m.df).toBe(df);
    expectClose(t.estimate, total);
    expectClose(t.se, totalSe);
  });

  it('refuses probabilities outside (0, 1] and probabilities that vary within a PSU, naming the row', async () => {
    const bad = path.join(dir, 'bad.csv');
    fs.writeFileSync(bad, 'psu,p,y\n1,0.2,1\n1,0.3,2\n2,0.4,3\n');
    const varies = await runMdsurvey(['estimate', bad, '--ids', 'psu', '--fpc', 'p', '--pps', 'brewer', '--mean', 'y']);
    expect(varies.code).toBe(2);
    expect(varies.stderr).toMatch(/row 2: the inclusion probability \(column "p"\) must be the same within PSU "1"/);
    fs.writeFileSync(bad, 'psu,p,y\n1,2,1\n2,0.4,3\n');
    const big = await runMdsurvey(['estimate', bad, '--ids', 'psu', '--fpc', 'p', '--pps', 'overton', '--mean', 'y']);
    expect(big.code).toBe(2);
    expect(big.stderr).toMatch(/row 1: with pps=overton the fpc \(column "p"\) is the PSU's inclusion probability, between 0 and 1; got 2/);
  });
});

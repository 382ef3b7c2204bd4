import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { runMdsurvey, ROOT } from '../helpers/cli.js';

const design = path.join(ROOT, 'examples', 'sampling', 'design.json');
const population = path.join(ROOT, 'examples', 'sampling', 'population.mjs');
let dir: string;
const run = (step: string) => execFileSync(process.execPath, [population, step, dir], { encoding: 'utf8' });

describe('the README worked example, one command per step', () => {
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sampling-'));
    run('frame');
  });

  it('selects EAs, lists, selects households, weights and estimates', async () => {
    const first = await runMdsurvey(['sample', 'select', '--design', design, '--frame', `${dir}/frame.csv`, '--seed', '2026', '--out', `${dir}/eas.csv`]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('selected 40 enumeration areas');
    run('list');
    const second = await runMdsurvey([
      'sample',
      'select',
      '--design',
      design,
      '--frame',
      `${dir}/frame.csv`,
      '--listing',
      `${dir}/listing.csv`,
      '--seed',
      '2026',
      '--out',
      `${dir}/households.csv`,
      '--report',
      `${dir}/selection.json`,
    ]);
    expect(second.code).toBe(0);
    const households = parse(fs.readFileSync(`${dir}/households.csv`), { columns: true }) as Record<string, string>[];
    const eas = parse(fs.readFileSync(`${dir}/eas.csv`), { columns: true }) as Record<string, string>[];
    expect(new Set(households.map((h) => h.ea))).toEqual(new Set(eas.map((e) => e.ea))); // same first stage with the same seed
    run('fieldwork');
    const w = await runMdsurvey([
      'weights',
      `${dir}/interviewed.csv`,
      '--design',
      design,
      '--nonresponse',
      'result',
      '--classes',
      'region,status_s',
      '--rake',
      `region=${dir}/region.csv`,
      '--rake',
      `head_sex=${dir}/sex.csv`,
      '--replicates',
      'jkn',
      '--out',
      `${dir}/weighted.csv`,
      '--report',
      `${dir}/report.json`,
    ]);
    expect(w.stderr).toBe('');
    expect(w.code).toBe(0);
    expect(w.stdout).toMatch(/Kish deff/);
    expect(w.stdout).toMatch(/raking converged in \d+ sweeps/);
    const report = JSON.parse(fs.readFileSync(`${dir}/report.json`, 'utf8'));
    for (const a of report.achieved) expect(Math.abs(a.achieved - a.target)).toBeLessThan(1e-6 * a.target);
    expect(report.steps.map((s: { step: string }) => s.step)).toEqual(['design', 'nonresponse', 'rake region, head_sex']);
    expect(report.strata).toHaveLength(4);

    const est = await runMdsurvey([
      'estimate',
      `${dir}/weighted.csv`,
      '--weights',
      'final_weight',
      '--strata',
      'stratum_h',
      '--ids',
      'ea',
      '--mean',
      'migrant',
    ]);
    expect(est.code).toBe(0);
    const [e] = JSON.parse(est.stdout).estimates;
    const truth = JSON.parse(fs.readFileSync(`${dir}/truth.json`, 'utf8')).migrantShare;
    expect(truth).toBeGreaterThanOrEqual(e.ci[0]);
    expect(truth).toBeLessThanOrEqual(e.ci[1]);
    // Replicate weights went through the same steps: each replicate hits the margins too.
    const rep = await runMdsurvey([
      'estimate',
      `${dir}/weighted.csv`,
      '--weights',
      'final_weight',
      '--strata',
      'stratum_h',
      '--ids',
      'ea',
      '--mean',
      'migrant',
      '--repweights',
      'repw*',
      '--rep-type',
      'JKn',
      '--rscales',
      `${dir}/report.json`,
    ]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(JSON.parse(rep.stdout).estimates[0].se).toBeGreaterThan(0);
    // Given JKn weights without their rscales are refused, as R's svrepdesign does (rscales = 1 would understate the SE).
    const bare = await runMdsurvey([
      'estimate',
      `${dir}/weighted.csv`,
      '--weights',
      'final_weight',
      '--mean',
      'migrant',
      '--repweights',
      'repw*',
      '--rep-type',
      'JKn',
    ]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/need the \(n_h - 1\)\/n_h factor of each replicate \(--rscales/);
    const fay = await runMdsurvey([
      'estimate',
      `${dir}/weighted.csv`,
      '--weights',
      'final_weight',
      '--mean',
      'migrant',
      '--repweights',
      'repw*',
      '--rep-type',
      'Fay',
    ]);
    expect(fay.code).toBe(2);
    expect(fay.stderr).toMatch(/--fay-rho/);
  });

  it.each([
    [['sample', 'select', '--design', 'nope.json', '--frame', 'x.csv', '--seed', '1', '--out', 'o.csv'], /cannot read the design nope.json: no such file/],
    [['sample', 'select', '--design', design, '--frame', 'missing.csv', '--seed', '1', '--out', 'o.csv'], /cannot read missing.csv/],
    [['sample', 'select', '--design', design, '--frame', '__FRAME__', '--seed', 'abc', '--out', 'o.csv'], /--seed takes a whole non-negative number/],
    [['weights', '__HH__', '--design', design, '--rake', 'region', '--out', 'o.csv'], /--rake takes COL=totals.csv/],
    [
      ['weights', '__HH__', '--design', design, '--poststratify', 'region=__SEX__', '--out', 'o.csv'],
      /category "(Coast|Highlands|North|South)" is in the sample but has no population total/,
    ],
    [['weights', '__HH__', '--design', design, '--calibrate', 'logit', '--totals', 'x.json', '--out', 'o.csv'], /--calibrate logit needs --bounds/],
  ])('exits 2 with one line: %j', async (args, message) => {
    const a = args.map((x) => x.replace('__FRAME__', `${dir}/frame.csv`).replace('__HH__', `${dir}/households.csv`).replace('__SEX__', `${dir}/sex.csv`));
    const r = await runMdsurvey(a, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('a bad design.json lists every problem with its path', async () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ stages: [{ id: 'ea', method: 'lottery', sampleSize: -1 }] }));
    const r = await runMdsurvey(['sample', 'select', '--design', bad, '--frame', `${dir}/frame.csv`, '--seed', '1', '--out', `${dir}/o.csv`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\/stages\/0\/method must be equal to one of the allowed values/);
    expect(r.stderr).toMatch(/\/stages\/0\/sampleSize must be >= 1/);
  });
});

// `mdsurvey estimate FILE --spec analysis.json` (issue 21): a table of estimates, each with its own
// statistic, domains and subset, from one reading of the file, equal to the same estimates asked one
// by one; a bad spec is refused with exit code 2 and the JSON path of the problem.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runMdsurvey } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/reference.js';

const file = path.join(FIXTURES, 'r-survey', 'apistrat.csv');
const design = ['--weights', 'pw', '--strata', 'stype', '--fpc', 'fpc'];
const ENTRIES = [
  { name: 'api00 by type', mean: 'api00', by: 'stype' },
  { name: 'high scorers', mean: ['ell', 'meals'], subset: '${api99} > 600' },
  { name: 'enrolment of elementary schools', total: 'enroll', by: 'awards', subset: '${stype} = "E"' },
  { name: 'students per teacher', ratio: 'api.stu/enroll' },
  { name: 'median score', quantile: 'api00', probs: [0.5, 0.9] },
];
const flagsOf = (e: Record<string, unknown>) =>
  Object.entries(e).flatMap(([k, v]) =>
    k === 'name' ? [] : k === 'probs' ? ['--probs', (v as number[]).join(',')] : [`--${k}`, Array.isArray(v) ? v.join(',') : String(v)],
  );

describe('estimate --spec', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'spec-'));
  it('gives every estimate of the spec, each as it is alone', async () => {
    const spec = path.join(dir, 'analysis.json');
    fs.writeFileSync(spec, JSON.stringify({ estimates: ENTRIES }));
    const r = await runMdsurvey(['estimate', file, ...design, '--spec', spec]);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { results: { name: string; estimates: unknown[] }[] };
    expect(out.results.map((x) => x.name)).toEqual(ENTRIES.map((e) => e.name));
    for (const [k, e] of ENTRIES.entries()) {
      const alone = await runMdsurvey(['estimate', file, ...design, ...flagsOf(e)]);
      expect(alone.code, alone.stderr).toBe(0);
      expect(out.results[k].estimates, e.name).toEqual(JSON.parse(alone.stdout).estimates);
    }
    const csv = await runMdsurvey(['estimate', file, ...design, '--spec', spec, '--format', 'csv']);
    expect(csv.stdout.split('\n')[0]).toMatch(/^name,statistic,variable/);
  }, 60_000);

  it('refuses a bad spec with the place named', async () => {
    const cases: [unknown, RegExp][] = [
      [{ estimates: [{ name: 'x', by: 'stype' }] }, /estimates\/0 says nothing to estimate/],
      [{ estimates: [{ mean: 'api00', weight: 'pw' }] }, /\/estimates\/0.*weight/],
      [{ estimates: [{ ratio: 'api00' }] }, /\/estimates\/0/],
      [{}, /estimates/],
    ];
    for (const [spec, message] of cases) {
      const f = path.join(dir, 'bad.json');
      fs.writeFileSync(f, JSON.stringify(spec));
      const r = await runMdsurvey(['estimate', file, ...design, '--spec', f]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    const both = await runMdsurvey(['estimate', file, ...design, '--spec', path.join(dir, 'bad.json'), '--mean', 'api00']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--spec gives the estimates');
  }, 60_000);
});

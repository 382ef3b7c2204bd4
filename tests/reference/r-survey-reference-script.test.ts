/**
 * tests/fixtures/r-survey/r-survey-reference.csv can be regenerated from the repository: the committed
 * R script reproduces every estimate, SE and number of its notes to 1e-9 relative.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, referenceRows } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

describe.runIf(need(rTool(), 'regenerating r-survey-reference.csv'))('the R survey reference file', () => {
  it('is what r-survey-reference.R computes', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rref-')), 'r.csv');
    const run = spawnSync('Rscript', ['r-survey-reference.R', out], { cwd: path.join(FIXTURES, 'r-survey'), encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const committed = referenceRows();
    const fresh = referenceRows(path.relative(path.join(FIXTURES, 'r-survey'), out));
    expect(fresh).toHaveLength(committed.length);
    expect(committed.length).toBeGreaterThan(30);
    const rel = (a: number, b: number) => (Number.isNaN(a) && Number.isNaN(b) ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), 1e-300));
    const numbers = (note: string) => [...note.matchAll(/=(-?[0-9.]+(?:e-?\d+)?)/g)].map((m) => Number(m[1]));
    committed.forEach((c, k) => {
      const f = fresh[k];
      expect([f.design, f.call, f.term]).toEqual([c.design, c.call, c.term]);
      expect(rel(f.estimate, c.estimate), `${c.design} ${c.call} estimate`).toBeLessThan(1e-9);
      expect(rel(f.se, c.se), `${c.design} ${c.call} se`).toBeLessThan(1e-9);
      // Notes carry 10 significant digits.
      numbers(c.note).forEach((x, j) => expect(rel(numbers(f.note)[j], x), `${c.call} note ${c.note}`).toBeLessThan(1e-9));
    });
  }, 60_000);
});

/**
 * Quantiles where R's arithmetic decides (issue 20): exact ties under equal weights (R accumulates in
 * extended precision), and a lower interval probability below the first value's share (R returns the
 * second-smallest value). Reference values from tests/reference/quantile-edges.R, to 1e-9.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildDesign, estimate } from '../../analysis/index.js';
import { ROOT } from '../helpers/cli.js';
import { apiTable } from '../helpers/reference.js';
import { need, rTool } from '../helpers/tools.js';

describe.runIf(need(rTool(), 'quantile edge cases against R'))('quantiles at ties and small domains', () => {
  it('equal R svyquantile (qrule "math", Woodruff) everywhere', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'qe-')), 'q.csv');
    const run = spawnSync('Rscript', [path.join(ROOT, 'tests', 'reference', 'quantile-edges.R'), out], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const ref = parse(fs.readFileSync(out), { columns: true, trim: true }) as Record<string, string>[];
    expect(ref.length).toBe(23);
    const srs = apiTable('apisrs');
    const dsrs = buildDesign(srs, { fpc: ['fpc'] });
    const clus = apiTable('apiclus1');
    const dclus1 = buildDesign(clus, { ids: ['dnum'], weights: 'pw', fpc: ['fpc'] });
    const num = (s: string) => (s === 'NA' ? NaN : Number(s));
    const close = (a: number, b: number, where: string) =>
      expect(Number.isNaN(b) ? Number.isNaN(a) : Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${where}: ours ${a}, R ${b}`).toBe(true);
    for (const r of ref) {
      const p = Number(r.p);
      const [e] =
        r.design === 'dsrs'
          ? estimate(dsrs, srs, { quantiles: { variables: [r.variable], probabilities: [p] } })
          : estimate(dclus1, clus, { quantiles: { variables: [r.variable], probabilities: [p] }, by: ['stype'] }).filter((x) => x.domain!.stype === r.domain);
      const where = `${r.design} ${r.variable} ${r.domain} p=${p}`;
      close(e.estimate, num(r.quantile), `${where} quantile`);
      close(e.ci[0], num(r.lower), `${where} lower`);
      close(e.ci[1], num(r.upper), `${where} upper`);
      close(e.se, num(r.se), `${where} se`);
    }
  });
});

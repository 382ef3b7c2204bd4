// The public-use file of the synthetic DotM survey (issue 16): every variable that reveals origin is
// coarsened, and consistently within a record; dates are years; k-anonymity holds on person, household
// and emigrant keys (checked here independently of the code that enforces it); R reads the .dta files
// and a public-file estimate has the variance of the restricted file's.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { analysisTable, cellText, type Dataset } from '../../analysis/index.js';
import { readDataset } from '../../io/dataset-files.js';
import { exportMicrodata, writeExportFiles, type DisclosureStatement } from '../../io/microdata-export.js';
import { writeSyntheticDotm } from '../helpers/dotm-dataset.js';
import { need, rTool } from '../helpers/tools.js';

const RARE = 20;
const K = 3;
let restricted: Dataset;
let pub: Dataset;
let disclosure: DisclosureStatement;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-public-'));

beforeAll(async () => {
  restricted = await readDataset(writeSyntheticDotm().dir);
  const p = exportMicrodata(restricted, { publicUse: true, formats: ['csv', 'dta'], k: K, rareCountry: RARE });
  disclosure = p.disclosure;
  await writeExportFiles(path.join(work, 'public'), p.files);
  await writeExportFiles(path.join(work, 'analyst'), exportMicrodata(restricted, { publicUse: false, formats: ['dta'] }).files);
  pub = await readDataset(path.join(work, 'public'));
}, 120_000);

const column = (d: Dataset, level: string, variable: string): (string | null)[] => {
  const t = d.tables.get(level)!;
  const c = t.columns.get(variable);
  return c ? Array.from({ length: t.nRows }, (_, i) => cellText(c, i)) : [];
};
const SPECIAL = new Set(['THIS', 'XXA', 'XXX', 'GHA']);

describe('public-use microdata', () => {
  it('coarsens every origin variable: a country is named only with 20 records in each origin variable of its level, and a coarsened one is named nowhere in it', () => {
    const origin = restricted.codebook.variables.filter((v) => v.type === 'country' && restricted.tables.get(v.level)!.columns.has(v.variable));
    expect(origin.map((v) => v.variable)).toEqual(expect.arrayContaining(['country_birth', 'citizenship', 'im_prev_country', 'rm_country', 'em_country']));
    for (const level of new Set(origin.map((v) => v.level))) {
      const vars = origin.filter((v) => v.level === level).map((v) => v.variable);
      const countsIn = (d: Dataset) =>
        vars.map((v) => {
          const m = new Map<string, number>();
          for (const s of column(d, level, v)) for (const c of (s ?? '').split(' ').filter(Boolean)) m.set(c, (m.get(c) ?? 0) + 1);
          return m;
        });
      // Named in the public file; its records counted in the restricted one (k-anonymity may blank some afterwards).
      const named = new Set(
        countsIn(pub)
          .flatMap((m) => [...m.keys()])
          .filter((c) => !c.startsWith('region:') && !SPECIAL.has(c)),
      );
      const counts = countsIn(restricted);
      for (const c of named) for (const [i, m] of counts.entries()) if (m.has(c)) expect(m.get(c)!, `${level}.${vars[i]} ${c}`).toBeGreaterThanOrEqual(RARE);
      // Where the restricted value was coarsened, the country is named in no origin variable of the level.
      for (const v of vars) {
        const before = column(restricted, level, v);
        const after = column(pub, level, v);
        before.forEach((b, i) => {
          // (A value blanked by k-anonymity's local suppression is missing, not coarsened.)
          if (after[i] === null) return;
          for (const c of (b ?? '').split(' ').filter(Boolean)) if (!after[i]!.split(' ').includes(c)) expect(named.has(c), `${level}.${v} ${c}`).toBe(false);
        });
      }
    }
  });

  it('gives dates as years and drops identifiers and interview metadata', () => {
    const dates = restricted.codebook.variables.filter((v) => v.type === 'date' && !v.identifier);
    expect(dates.map((v) => v.variable)).toContain('em_left');
    for (const v of dates) for (const s of column(pub, v.level, v.variable)) if (s !== null) expect(s).toMatch(/^\d{4}$/);
    for (const v of ['name', 'em_name', 'birth_date', 'start', 'interview_seed', 'head_name'])
      for (const t of pub.tables.values()) expect(t.columns.has(v), v).toBe(false);
  });

  it('holds k-anonymity on person, household and emigrant keys (a blank matches any value)', () => {
    const levels = disclosure.anonymisation!.kAnonymity.map((r) => r.level);
    expect(levels).toEqual(expect.arrayContaining(['members', 'household', 'emigrants']));
    for (const r of disclosure.anonymisation!.kAnonymity) {
      expect(r.keys.length).toBeGreaterThan(1);
      const joined = analysisTable(pub, r.level);
      const values = r.keys.map((k) => Array.from({ length: joined.nRows }, (_, i) => cellText(joined.columns.get(k)!, i)));
      const patterns = new Map<string, { vals: (string | null)[]; count: number }>();
      for (let i = 0; i < joined.nRows; i++) {
        const vals = values.map((col) => col[i]);
        const id = JSON.stringify(vals);
        const p = patterns.get(id) ?? { vals, count: 0 };
        p.count++;
        patterns.set(id, p);
      }
      const list = [...patterns.values()];
      for (const p of list) {
        const f = list.filter((q) => p.vals.every((v, j) => v === null || q.vals[j] === null || v === q.vals[j])).reduce((a, q) => a + q.count, 0);
        expect(f, `${r.level} ${JSON.stringify(p.vals)}`).toBeGreaterThanOrEqual(K);
      }
    }
    expect(disclosure.anonymisation!.kAnonymity.find((r) => r.level === 'household')!.keys).toEqual(expect.arrayContaining(['hh_size', 'head_sex', 'region']));
    expect(disclosure.anonymisation!.kAnonymity.find((r) => r.level === 'emigrants')!.keys).toEqual(
      expect.arrayContaining(['em_sex', 'em_age_left', 'em_country']),
    );
  });
});

describe.runIf(need(rTool(), 'R reads the public-use .dta files'))('R on the public-use and restricted files', () => {
  it('reads the public .dta files, and a public-file estimate has the estimate and variance of the restricted file', () => {
    const script = `
      suppressPackageStartupMessages({ library(haven); library(survey) })
      est <- function(dir) {
        m <- as.data.frame(zap_labels(read_dta(file.path(dir, "members.dta"))))
        h <- as.data.frame(zap_labels(read_dta(file.path(dir, "household.dta"))))
        dm <- svydesign(ids = ~ea, strata = ~region, weights = ~weight, data = m)
        dh <- svydesign(ids = ~ea, strata = ~region, weights = ~weight, data = h)
        a <- svymean(~I(h_insured == 1), dm)
        b <- svymean(~hh_remit_receiving, dh)
        c(coef(a)[[2]], SE(a)[[2]], coef(b)[[1]], SE(b)[[1]], length(unique(m$ea)))
      }
      cat(est("${path.join(work, 'public')}"), "\\n", est("${path.join(work, 'analyst')}"), "\\n")`;
    const run = spawnSync('Rscript', ['-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const [pubLine, resLine] = run.stdout.trim().split('\n');
    const p = pubLine.trim().split(/\s+/).map(Number);
    const r = resLine.trim().split(/\s+/).map(Number);
    expect(p.length).toBe(5);
    for (let i = 0; i < 5; i++)
      expect(Math.abs(p[i] - r[i]), `value ${i}: public ${p[i]}, restricted ${r[i]}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(r[i])));
  }, 60_000);
});

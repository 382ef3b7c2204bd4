import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { syntheticDotm } from '../../examples/dotm/synthetic-dataset.js';
import { writeDataset } from '../../io/dataset-files.js';

/** Writes the synthetic DotM dataset (examples/dotm/synthetic-dataset.ts) into a new temporary folder. */
export function writeSyntheticDotm(seed?: number, eas?: number): { dir: string; data: ReturnType<typeof syntheticDotm> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-dotm-'));
  const data = syntheticDotm(seed, eas);
  writeDataset(dir, data.design, { variables: data.codebook, languages: ['en', 'fr', 'es'] }, data.levels);
  return { dir, data };
}

/** Whether R with survey and haven can run here; the reason when not (printed by tests that skip). */
export function rAvailable(): { ok: boolean; reason: string } {
  const r = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages({library(survey); library(haven)})'], { encoding: 'utf8' });
  if (r.error) return { ok: false, reason: `Rscript not found (${r.error.message}); install r-cran-survey r-cran-haven` };
  if (r.status !== 0) return { ok: false, reason: `R survey/haven not installed: ${r.stderr.trim().split('\n').pop()}` };
  return { ok: true, reason: '' };
}

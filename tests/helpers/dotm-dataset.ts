import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { syntheticDotm } from '../../examples/dotm/synthetic-dataset.js';
import { writeDataset } from '../../io/dataset-files.js';

/** Writes the synthetic DotM dataset (examples/dotm/synthetic-dataset.ts) into a new temporary folder. */
export function writeSyntheticDotm(seed?: number, eas?: number): { dir: string; data: ReturnType<typeof syntheticDotm> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-dotm-'));
  const data = syntheticDotm(seed, eas);
  writeDataset(dir, data.design, { variables: data.codebook, languages: ['en', 'fr', 'es'] }, data.levels, data.exchangeRates);
  return { dir, data };
}

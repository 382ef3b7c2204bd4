import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Codebook, DatasetDesign, IndicatorReport } from '../../analysis/index.js';
import { InputError } from '../../common/errors.js';
import { packageRoot } from '../package-info.js';
import type { LevelRow } from '../../io/dataset-files.js';

/** What the worker computes: the catalogue on these rows, with these options. */
export interface IndicatorJob {
  design: DatasetDesign;
  codebook: Codebook;
  rows: Record<string, LevelRow[]>;
  options: { compare?: string; reference?: string; by?: string[] };
}

/**
 * The worker's file: the bundled one after `npm run build`, else the TypeScript source run through tsx
 * (a source checkout, the test suite).
 */
function startWorker(): Worker {
  const built = path.join(packageRoot(), 'dist', 'cli', 'indicators-worker.js');
  if (fs.existsSync(built)) return new Worker(built);
  // From the sources: a bootstrap registers tsx's loader in the worker, then imports the TypeScript entry.
  const tsx = pathToFileURL(createRequire(path.join(packageRoot(), 'package.json')).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = pathToFileURL(path.join(packageRoot(), 'server', 'workers', 'indicators-worker.ts')).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

/**
 * Computes the indicators in a worker thread, so a large survey does not hold up other requests.
 * Bad input (an unknown compare variable ...) comes back as an InputError; the worker ends after the job.
 */
export function computeIndicatorsOffLoop(job: IndicatorJob): Promise<IndicatorReport> {
  return new Promise((resolve, reject) => {
    const worker = startWorker();
    let done = false;
    worker.once('message', (m: { ok: true; report: IndicatorReport } | { ok: false; input: boolean; code: string; message: string }) => {
      done = true;
      void worker.terminate();
      if (m.ok) resolve(m.report);
      else reject(m.input ? new InputError(m.code, m.message) : new Error(m.message));
    });
    worker.once('error', (err) => {
      if (!done) reject(err);
    });
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the indicator worker stopped (exit ${code})`));
    });
    worker.postMessage(job);
  });
}

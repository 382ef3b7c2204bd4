import fs from 'node:fs';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { startWorkerFile } from '../common/worker-file.js';

/**
 * The worker thread of io/csv-cells.ts, started early: loading its code takes it ~150 ms, which it can
 * spend while the main thread loads the command's own code and reads its flags. It then waits for its
 * job (a message); unused, it does not keep the process alive. Only node built-ins here, so that the
 * command line can call it before loading anything else.
 */

/** Files smaller than this are read by one thread (a worker takes ~150 ms to start). */
const PARALLEL_FROM = 16 * 1048576;

let early: Worker | null = null;

/** The worker (bundled, or its source through tsx). */
export function startCellsWorker(): Worker {
  return startWorkerFile('csv-cells-worker', 'io/csv-cells-worker.ts');
}

/** Whether a file is read by two threads: a CSV file (not .dta, .sav, .parquet) of 16 MB or more, two cores or more. */
export function readsInParallel(file: string): boolean {
  if (/^postgres(ql)?:\/\//.test(file) || /\.(dta|sav|zsav|parquet)$/i.test(file) || os.availableParallelism() < 2) return false;
  try {
    return fs.statSync(file).size >= PARALLEL_FROM;
  } catch {
    return false;
  }
}

/** Starts the worker for a file `estimate` is about to read, if it is large enough to share. */
export function prestartCellsWorker(file: string): void {
  if (early || process.env.MDSURVEY_ROWS === '1' || !readsInParallel(file)) return;
  early = startCellsWorker();
  early.unref();
  early.on('error', () => undefined);
}

/**
 * From the command line itself, before the CLI loads its commands: `mdsurvey estimate FILE ...` with
 * FILE a large CSV starts the worker ~30 ms sooner than the estimate action can. Anything else (FILE
 * after the flags, replicate weights) leaves it to the action.
 */
export function prestartFromArgv(argv: readonly string[]): void {
  if (argv[0] !== 'estimate' || !argv[1] || argv[1].startsWith('-')) return;
  if (argv.some((a) => a === '--replicates' || a === '--repweights' || a.startsWith('--replicates=') || a.startsWith('--repweights='))) return;
  prestartCellsWorker(argv[1]);
}

/** The early worker (kept alive again from now), or a new one. */
export function cellsWorker(): Worker {
  const w = early ?? startCellsWorker();
  early = null;
  w.ref();
  return w;
}

/**
 * Worker thread of csvCells (io/csv-cells.ts): takes segments of a CSV file from the counter it shares
 * with the main thread, reads them into cells and posts these at the end, with progress on the way. An error is
 * posted as a message; the main thread then reads the file row by row.
 */
import { parentPort } from 'node:worker_threads';
import { readSegments, type CsvCellsJob } from './csv-cells.js';

async function run(job: CsvCellsJob): Promise<void> {
  try {
    const result = await readSegments(job, (bytes) => parentPort!.postMessage({ kind: 'progress', bytes }));
    parentPort!.postMessage({ kind: 'done', result });
  } catch (err) {
    parentPort!.postMessage({ kind: 'error', message: (err as Error).message });
  }
}

// The job comes as the first message (the worker may be started before the job is known).
parentPort!.once('message', (m: { kind: 'job'; job: CsvCellsJob }) => void run(m.job));

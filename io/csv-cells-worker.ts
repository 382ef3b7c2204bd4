/**
 * Worker thread of csvCells (io/csv-cells.ts): takes segments of a CSV file from the counter it shares
 * with the main thread, reads each into cells and posts them, with progress on the way. An error is
 * posted as a message; the main thread then reads the file row by row.
 */
import { parentPort } from 'node:worker_threads';
import { readSegments, type CsvCellsJob } from './csv-cells.js';

async function run(job: CsvCellsJob): Promise<void> {
  try {
    await readSegments(
      job,
      (result) => parentPort!.postMessage({ kind: 'segment', result }),
      (bytes) => parentPort!.postMessage({ kind: 'progress', bytes }),
    );
    parentPort!.postMessage({ kind: 'done' });
  } catch (err) {
    parentPort!.postMessage({ kind: 'error', message: (err as Error).message });
  }
}

// The job comes as the first message (the worker may be started before the job is known).
parentPort!.once('message', (m: { kind: 'job'; job: CsvCellsJob }) => void run(m.job));

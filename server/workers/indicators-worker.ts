/**
 * Worker thread: builds the dataset tables and computes the indicator catalogue, off the server's
 * request loop. Input and output are plain data (structured clone); errors come back as messages.
 */
import { parentPort } from 'node:worker_threads';
import { computeIndicators, shippedCatalogue, tableFromRecords, type DataTable, type IndicatorOptions } from '../../analysis/index.js';
import { levelColumns } from '../../io/dataset-files.js';
import type { IndicatorJob } from './indicators.js';
import { isInputError } from '../../common/errors.js';

parentPort!.on('message', (job: IndicatorJob) => {
  try {
    const tables = new Map<string, DataTable>();
    for (const level of job.design.levels) tables.set(level.name, tableFromRecords(job.rows[level.name] ?? [], levelColumns(job.design, job.codebook, level.name, job.rows[level.name] ?? [])));
    const report = computeIndicators({ design: job.design, codebook: job.codebook, tables }, shippedCatalogue(), job.options as IndicatorOptions);
    parentPort!.postMessage({ ok: true, report });
  } catch (err) {
    parentPort!.postMessage({ ok: false, input: isInputError(err), code: (err as { code?: string }).code ?? 'internal', message: (err as Error).message });
  }
});

import type { Worker } from 'node:worker_threads';
import type {
  Codebook,
  MigrationProfileAnnex,
  DatasetDesign,
  DatasetTabulation,
  TabulationRequest,
  ExchangeRate,
  IndicatorReport,
  MonitoringPlan,
  MonitoringReport,
  Regression,
  RegressionRequest,
} from '../../analysis/index.js';
import { InputError } from '../../common/errors.js';
import { startWorkerFile } from '../../common/worker-file.js';
import type { RawInterviewRow } from '../queries/submissions.js';

/** Messages to the worker: the job, the interviews page by page (JSON text), the end. */
export type IndicatorMessage =
  | {
      kind: 'start';
      definition: unknown;
      design: DatasetDesign;
      codebook: Codebook;
      caseColumns: string[];
      exchangeRates: ExchangeRate[];
      options: { compare?: string; reference?: string; by?: string[]; pAdjust?: 'none' | 'holm' };
      /** Instead of the indicators: a regression on one level (its subset given as an expression). */
      regression?: Omit<RegressionRequest, 'subset'> & { datasetLevel: string; where?: string; minCases: number };
      /** Monitoring: the plan round this survey is. */
      roundId?: string;
      /** Instead of the indicators: a weighted table (suppressed and complementary entries come back blank). */
      tabulation?: TabulationRequest & { preset?: string };
      /** Instead of the indicators: the Migration Profile annex in this language. */
      report?: { language: 'en' | 'fr' | 'es' };
      /** Instead of the indicators: the public-use microdata (anonymised) written into this folder. */
      publicUse?: { dir: string; language: string };
    }
  | { kind: 'page'; rows: RawInterviewRow[] }
  | { kind: 'end'; monitoring?: MonitoringPlan };

/** The indicator worker (bundled, or its source through tsx). */
function startWorker(): Worker {
  return startWorkerFile('indicators-worker', 'server/workers/indicators-worker.ts');
}

/**
 * Computes the indicators in a worker thread, so a large survey does not hold up other requests: the
 * request loop only reads pages of JSON text from the database and hands them on; the worker parses,
 * flattens, builds the tables and estimates. Bad input (an unknown compare variable ...) comes back as
 * an InputError; the worker ends after the job.
 */
export async function computeIndicatorsOffLoop(
  job: Extract<IndicatorMessage, { kind: 'start' }>,
  pages: AsyncIterable<RawInterviewRow[]>,
): Promise<IndicatorReport> {
  return offLoop<IndicatorReport>({ ...job, regression: undefined }, pages);
}

/** A design-based regression (analysis/regression.ts) on the approved interviews, in the same worker. */
export async function computeRegressionOffLoop(
  job: Extract<IndicatorMessage, { kind: 'start' }> & { regression: NonNullable<Extract<IndicatorMessage, { kind: 'start' }>['regression']> },
  pages: AsyncIterable<RawInterviewRow[]>,
): Promise<Regression> {
  return offLoop<Regression>(job, pages);
}

/** A weighted table of the survey (tabulateDataset) on the approved interviews, published entries only. */
export async function computeTabulationOffLoop(
  job: Extract<IndicatorMessage, { kind: 'start' }> & { tabulation: TabulationRequest },
  pages: AsyncIterable<RawInterviewRow[]>,
): Promise<DatasetTabulation> {
  return offLoop<DatasetTabulation>(job, pages);
}

/** The Migration Profile annex of the survey's approved interviews. */
export async function computeReportOffLoop(
  job: Extract<IndicatorMessage, { kind: 'start' }> & { report: { language: 'en' | 'fr' | 'es' } },
  pages: AsyncIterable<RawInterviewRow[]>,
): Promise<MigrationProfileAnnex> {
  return offLoop<MigrationProfileAnnex>(job, pages);
}

/** The public-use files (anonymised CSV and .dta, design, codebook, disclosure report) written into a folder. */
export async function writePublicUseOffLoop(
  job: Extract<IndicatorMessage, { kind: 'start' }> & { publicUse: { dir: string; language: string } },
  pages: AsyncIterable<RawInterviewRow[]>,
): Promise<{ files: string[] }> {
  return offLoop<{ files: string[] }>(job, pages);
}

/** The monitoring matrix of a plan whose rounds are surveys on the server, each round's interviews sent in turn. */
export async function computeMonitoringOffLoop(
  rounds: { job: Extract<IndicatorMessage, { kind: 'start' }>; pages: AsyncIterable<RawInterviewRow[]> }[],
  plan: MonitoringPlan,
): Promise<MonitoringReport> {
  return offLoopRounds<MonitoringReport>(rounds, plan);
}

async function offLoop<T>(job: Extract<IndicatorMessage, { kind: 'start' }>, pages: AsyncIterable<RawInterviewRow[]>): Promise<T> {
  return offLoopRounds<T>([{ job, pages }]);
}

async function offLoopRounds<T>(
  rounds: { job: Extract<IndicatorMessage, { kind: 'start' }>; pages: AsyncIterable<RawInterviewRow[]> }[],
  monitoring?: MonitoringPlan,
): Promise<T> {
  const worker = startWorker();
  let settled = false;
  const result = new Promise<T>((resolve, reject) => {
    worker.once('message', (m: { ok: true; report: T } | { ok: false; input: boolean; code: string; message: string }) => {
      settled = true;
      void worker.terminate();
      if (m.ok) resolve(m.report);
      else reject(m.input ? new InputError(m.code, m.message) : new Error(m.message));
    });
    worker.once('error', (err) => {
      if (!settled) reject(err);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the indicator worker stopped (exit ${code})`));
    });
  });
  try {
    for (const { job, pages } of rounds) {
      worker.postMessage(job);
      for await (const rows of pages) {
        if (settled) break; // the worker already failed: its error is the answer
        worker.postMessage({ kind: 'page', rows } satisfies IndicatorMessage);
      }
    }
    worker.postMessage({ kind: 'end', ...(monitoring ? { monitoring } : {}) } satisfies IndicatorMessage);
  } catch (err) {
    void worker.terminate();
    throw err;
  }
  return result;
}

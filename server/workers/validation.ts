import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { startWorkerFile } from '../../common/worker-file.js';
import { HttpProblem } from '../http/problem.js';
import type { CompiledQuestionnaire } from '../../questionnaires/index.js';
import type { Submission } from '../../common/submission.js';
import { checkSubmission, type SubmissionCheck } from '../services/submission-check.js';

/** A submission to check against a compiled questionnaire version (its definition with the first submission of it). */
export interface ValidationRequest {
  id: number;
  key: number;
  source?: unknown;
  doc: Submission;
}

/** checkSubmission's result, the error the worker met, or `missing`: the worker no longer has the version's definition (send it again). */
export type ValidationResult =
  | (SubmissionCheck & { id: number; error?: undefined; missing?: undefined })
  | { id: number; error: string; missing?: undefined }
  | { id: number; missing: true; error?: undefined };

/** Compiled questionnaire versions a worker keeps (the server's own cache keeps 200). */
export const WORKER_VERSIONS = 200;

/** The worker ended or failed while documents were being validated (they can be sent again). */
export class ValidationWorkerStopped extends Error {}

/**
 * Validation of submissions in a worker thread. The engine's work (a DotM household: 250 us, more for a
 * large one) no longer holds the request loop, which meanwhile parses bodies, answers, and hands the
 * database its next group of inserts; on the 2-core machine this gave 0.94-1.65x the submissions/s
 * (median 1.29x) in five interleaved pairs (bench/ingest.mjs), although the thread's messages cost some
 * CPU. One thread per server process: the other core runs PostgreSQL. The result is checkSubmission's,
 * computed from the same definition (the worker compiles it once per version, and keeps the last
 * WORKER_VERSIONS) and the same document (a structured clone).
 */
export class ValidationThread {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, { resolve(r: ValidationResult): void; reject(err: unknown): void }>();
  /** Compiled versions the current worker has the definition of, by key. */
  private sent = new WeakSet<CompiledQuestionnaire>();
  private readonly keys = new WeakMap<CompiledQuestionnaire, number>();
  private nextKey = 1;
  private nextId = 1;

  /** checkSubmission(q, doc) in the worker thread. Rejects when the worker fails (it is started again for the next document). */
  async validate(q: CompiledQuestionnaire, doc: Submission): Promise<SubmissionCheck> {
    let key = this.keys.get(q);
    if (key === undefined) this.keys.set(q, (key = this.nextKey++));
    const post = (withSource: boolean) =>
      new Promise<ValidationResult>((resolve, reject) => {
        const worker = this.worker ?? this.start();
        const id = this.nextId++;
        this.pending.set(id, { resolve, reject });
        // Kept alive while a document is being validated, not otherwise (a CLI process may end).
        if (this.pending.size === 1) worker.ref();
        worker.postMessage({ id, key, source: withSource ? q.source : undefined, doc } satisfies ValidationRequest);
        this.sent.add(q);
      });
    let result = await post(!this.sent.has(q));
    // The worker let the definition go (it keeps the last WORKER_VERSIONS): sent with the document again.
    if (result.missing) result = await post(true);
    if (result.error !== undefined) throw new Error(`validation failed: ${result.error}`); // as checkSubmission would have thrown
    if (result.missing) throw new ValidationWorkerStopped('the validation worker lost the questionnaire it was just sent');
    return { hash: result.hash, problems: result.problems, answersText: result.answersText, unsafe: result.unsafe };
  }

  /** Ends the worker; documents being validated are rejected. */
  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }

  private start(): Worker {
    const worker = startWorkerFile('validation-worker', 'server/workers/validation-worker.ts');
    this.worker = worker;
    this.sent = new WeakSet();
    worker.unref();
    worker.on('message', (m: ValidationResult) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0 && this.worker === worker) worker.unref();
      p.resolve(m);
    });
    const fail = (err: unknown) => {
      if (this.worker === worker) this.worker = null;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const p of waiting) p.reject(err);
    };
    worker.on('error', (err) => fail(new ValidationWorkerStopped(`the validation worker failed: ${err.message}`)));
    worker.on('exit', (code) => fail(new ValidationWorkerStopped(`the validation worker stopped (exit code ${code})`)));
    return worker;
  }
}

/**
 * How busy the request loop was over the last ~100 ms (event loop utilisation, 0-1), and whether
 * submissions are validated in the thread: from 60% busy on, until it falls under 30% (hysteresis, so
 * that the choice does not flip at each request). Under light load a submission is validated on the
 * loop as before: the two thread hops cost more latency than they save (p99 at a fixed 300/s: 49-121 ms
 * with the thread always, 39-80 ms without, in paired runs of bench/ingest.mjs); under heavy load the
 * thread is where the throughput comes from.
 */
export class LoopLoad {
  private mark = performance.eventLoopUtilization();
  private markAt = performance.now();
  private offload = false;
  constructor(
    private readonly on = 0.6,
    private readonly off = 0.3,
  ) {}

  /** Whether to validate in the thread now. */
  busy(): boolean {
    const now = performance.now();
    if (now - this.markAt >= 100) {
      const current = performance.eventLoopUtilization();
      const utilisation = performance.eventLoopUtilization(current, this.mark).utilization;
      this.mark = current;
      this.markAt = now;
      if (utilisation >= this.on) this.offload = true;
      else if (utilisation < this.off) this.offload = false;
    }
    return this.offload;
  }
}

const load = new LoopLoad();

/**
 * checkSubmission(q, doc): in the validation thread while the request loop is busy, on it otherwise.
 * A stopped worker is a 503 to send the interview again (nothing was stored).
 */
export async function validateSubmission(q: CompiledQuestionnaire, doc: Submission): Promise<SubmissionCheck> {
  if (!load.busy()) return checkSubmission(q, doc);
  return validationThread()
    .validate(q, doc)
    .catch((err: unknown) => {
      // A stopped worker: the interview can be sent again. An error of the engine on this document is
      // not retried (a 500, as on the loop).
      if (err instanceof ValidationWorkerStopped) throw new HttpProblem('retry', `the interview could not be checked (${err.message}); send it again`);
      throw err;
    });
}

let shared: ValidationThread | null = null;

/** The process's validation thread (started on first use). */
export function validationThread(): ValidationThread {
  return (shared ??= new ValidationThread());
}

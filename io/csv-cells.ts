import fs from 'node:fs';
import type { Worker } from 'node:worker_threads';
import cliProgress from 'cli-progress';
import {
  accumulateCells,
  CellSet,
  ColumnarCsvParser,
  concatCells,
  csvHeader,
  type CellData,
  type CellDesign,
  type CellItem,
  type ColumnRole,
} from '../analysis/stream/index.js';
import { cellsWorker, readsInParallel } from './csv-cells-prestart.js';
import { forEachLinePiece, readHead } from './read-file.js';

/**
 * A CSV file reduced to the cells of several estimates (analysis/cells.ts) in one reading, in pieces of
 * a megabyte (memory stays that of the cells whatever the file's size), by two threads when the file is
 * large: the main thread and a worker take 2 MB segments from a shared counter. A segment starts at the
 * first line break after a multiple of 2 MB: a guess a line break inside a quoted text could fool,
 * settled because every segment must end outside quotes exactly where the next begins. Anything
 * unusual (a guess that failed, a bad row, a column that is numeric in one part and text in another)
 * gives null: the caller reads the file row by row, which says what is wrong.
 */

export interface CsvCellsJob {
  file: string;
  /** Byte offsets: segment k is [bounds[k], bounds[k + 1]). */
  bounds: number[];
  /** Shared counter of the next segment to read (both threads take segments from it). */
  next: SharedArrayBuffer;
  header: string[];
  roles: [string, ColumnRole][];
  design: CellDesign;
  items: CellItem[];
}

/** What a thread read: its segments' cells (one set per item), rows, and how its `auto` columns read. */
export interface ThreadResult {
  segments: number;
  cells: CellData[];
  rows: number;
  autoKinds: Record<string, 'number' | 'category'>;
  unstable: string[];
}

/**
 * Takes segments from the shared counter until none is left and reads each into the thread's cells.
 * One parser serves all the segments (its columns are emptied by each drain; a segment ends with whole
 * rows, so none is carried into the next): no new columns per segment. A segment that does not end
 * outside quotes at its end throws here (parser.end): the guess of its end was wrong.
 */
export async function readSegments(job: CsvCellsJob, onProgress?: (bytes: number) => void): Promise<ThreadResult> {
  const counter = new Int32Array(job.next);
  const parser = new ColumnarCsvParser(new Map(job.roles), 1 << 15, job.header);
  const sets = job.items.map((i) => new CellSet(i.by.length));
  const take = () => {
    const piece = parser.drain();
    job.items.forEach((item, k) => accumulateCells(piece, job.design, item, sets[k]));
  };
  let segments = 0;
  const buf = Buffer.allocUnsafe(1 << 20);
  const fd = fs.openSync(job.file, 'r');
  try {
    for (;;) {
      const k = Atomics.add(counter, 0, 1);
      if (k >= job.bounds.length - 1) break;
      await forEachLinePiece(
        fd,
        job.bounds[k],
        job.bounds[k + 1],
        (piece) => {
          parser.push(piece);
          take();
          onProgress?.(piece.length);
        },
        buf,
      );
      parser.end();
      take();
      segments++;
    }
  } finally {
    fs.closeSync(fd);
  }
  return { segments, cells: sets.map((x) => x.data), rows: parser.rowCount, autoKinds: parser.autoKinds(), unstable: [...parser.unstable] };
}

/** Offset just after the header row (a line break outside quotes), or -1 when it is not in the first megabyte. */
function headerEnd(head: Uint8Array): number {
  let quoted = false;
  for (let i = 0; i < head.length; i++) {
    const c = head[i];
    if (c === 0x22) quoted = !quoted;
    else if (c === 0x0a && !quoted) return i + 1;
  }
  return -1;
}

/** Size of the segments the threads share out (the last thread to finish waits for at most one). */
const SEGMENT = 2 * 1048576;

/** Each segment's start: the first line break after each multiple of SEGMENT (a guess, settled afterwards). */
function segmentBounds(file: string, start: number, size: number, segment: number): number[] {
  const bounds = [start];
  const fd = fs.openSync(file, 'r');
  try {
    const probe = Buffer.alloc(1 << 16);
    for (let guess = start + segment; guess < size - segment / 4; guess += segment) {
      const n = fs.readSync(fd, probe, 0, probe.length, guess);
      const lf = probe.subarray(0, n).indexOf(0x0a);
      if (lf < 0) continue;
      if (guess + lf + 1 > bounds[bounds.length - 1] && guess + lf + 1 < size) bounds.push(guess + lf + 1);
    }
  } finally {
    fs.closeSync(fd);
  }
  bounds.push(size);
  return bounds;
}

type WorkerAnswer = { kind: 'progress'; bytes: number } | { kind: 'done'; result: ThreadResult } | { kind: 'error'; message: string };

/**
 * Each item's cells, or null when the file must be read row by row (see above). `threads`: 1 or 2
 * (default: 2 for a file of 16 MB or more on a machine with two cores or more); `segmentBytes`: the
 * size of the segments shared out (2 MB; tests make them small).
 */
export async function csvCells(
  file: string,
  roles: ReadonlyMap<string, ColumnRole>,
  design: CellDesign,
  items: CellItem[],
  options: { threads?: number; segmentBytes?: number } = {},
): Promise<{ cells: CellData[]; rows: number } | null> {
  const refuse = (why: string) => {
    if (process.env.MDSURVEY_DEBUG) process.stderr.write(`mdsurvey: reading ${file} row by row: ${why}\n`);
    return null;
  };
  try {
    const size = fs.statSync(file).size;
    const head = readHead(file);
    const start = headerEnd(head);
    if (start < 0) return refuse('no header row in the first megabyte');
    const header = csvHeader(head.subarray(0, start));
    if (new Set(header).size !== header.length || [...roles.keys()].some((c) => !header.includes(c))) return refuse('a column is missing or named twice');
    const threads = options.threads ?? (readsInParallel(file) ? 2 : 1);
    const job: CsvCellsJob = {
      file,
      bounds: threads > 1 || options.segmentBytes ? segmentBounds(file, start, size, options.segmentBytes ?? SEGMENT) : [start, size],
      next: new SharedArrayBuffer(4),
      header,
      roles: [...roles],
      design,
      items,
    };
    const showProgress = process.stderr.isTTY && size > 20 * 1048576 && !process.env.CI;
    const bar = showProgress
      ? new cliProgress.SingleBar(
          { format: 'reading {file} [{bar}] {percentage}%', stream: process.stderr, hideCursor: true, clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
    let done = start;
    bar?.start(size, done, { file });
    const progress = (bytes: number) => {
      done += bytes;
      bar?.update(done, { file });
    };
    const parts: ThreadResult[] = [];
    let worker: Worker | null = null;
    try {
      const other =
        threads > 1 && job.bounds.length > 2
          ? new Promise<boolean>((resolve) => {
              worker = cellsWorker();
              worker.postMessage({ kind: 'job', job });
              worker.on('message', (m: WorkerAnswer) => {
                if (m.kind === 'progress') progress(m.bytes);
                else if (m.kind === 'done') {
                  parts.push(m.result);
                  resolve(true);
                } else resolve(false);
              });
              worker.on('error', () => resolve(false));
              worker.on('exit', () => resolve(false));
            })
          : Promise.resolve(true);
      parts.push(await readSegments(job, progress));
      if (!(await other)) return refuse('the second thread stopped on an error');
    } finally {
      bar?.stop();
      // Not awaited: stopping the thread's isolate takes tens of milliseconds nobody needs to wait for.
      void (worker as Worker | null)?.terminate();
    }
    // Every segment read without error, the first from the header's end: so each ended outside quotes
    // exactly where the next began, and every guess was right. A column must read alike in all.
    if (parts.reduce((s, p) => s + p.segments, 0) !== job.bounds.length - 1) return refuse('a part was not read');
    const kinds = new Map<string, string>();
    for (const p of parts) {
      if (p.unstable.length) return refuse(`column ${p.unstable[0]} is numbers, then text`);
      for (const [c, kind] of Object.entries(p.autoKinds)) {
        if (kinds.has(c) && kinds.get(c) !== kind) return refuse(`column ${c} is numbers in one part, text in another`);
        kinds.set(c, kind);
      }
    }
    const cells = items.map((_, k) => concatCells(parts.map((p) => p.cells[k])));
    return { cells, rows: parts.reduce((s, p) => s + p.rows, 0) };
  } catch (err) {
    return refuse((err as Error).message);
  }
}

import fs from 'node:fs';
import cliProgress from 'cli-progress';
import { InputError } from '../common/errors.js';
import { ColumnarCsvParser, type ColumnRole, type DataTable } from '../analysis/index.js';

/**
 * Streams a CSV file through the columnar parser, keeping only `columns`. Shows a progress bar on a
 * terminal for files over 20 MB. A missing or unreadable file is an InputError.
 */
export async function readCsvTable(file: string, columns: ReadonlyMap<string, ColumnRole>): Promise<DataTable> {
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new InputError('not-a-file', `${file} is not a file`, file);
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(
      'file-not-found',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      file,
    );
  }
  // Rows expected from the size and the first line's length, so the columns are allocated once.
  const head = readHead(file).subarray(0, 65536);
  const lines = head.reduce((c, b) => c + (b === 10 ? 1 : 0), 0);
  const expectedRows = lines > 1 ? (size / head.length) * lines * 1.05 : undefined;
  const parser = new ColumnarCsvParser(columns, expectedRows);
  const showProgress = process.stderr.isTTY && size > 20 * 1024 * 1024 && !process.env.CI;
  const bar = showProgress
    ? new cliProgress.SingleBar(
        { format: 'reading {file} [{bar}] {percentage}% | {mb}/{totalMb} MB', stream: process.stderr, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const mb = (b: number) => (b / 1048576).toFixed(0);
  bar?.start(size, 0, { file, mb: '0', totalMb: mb(size) });
  try {
    const stream = fs.createReadStream(file, { highWaterMark: 1 << 20 });
    for await (const chunk of stream) {
      parser.push(chunk as Buffer);
      bar?.update(parser.bytesRead, { mb: mb(parser.bytesRead) });
    }
    return parser.finish();
  } finally {
    bar?.stop();
  }
}

/** The first megabyte of a file (for its header). */
export function readHead(file: string): Uint8Array {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (err) {
    throw new InputError(
      'file-not-found',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      file,
    );
  }
  try {
    const buf = Buffer.alloc(1 << 20);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

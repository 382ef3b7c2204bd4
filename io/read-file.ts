import fs from 'node:fs';
import { InputError } from '../common/errors.js';

/** A whole file's bytes, or an InputError naming it ("no such file", or the system's reason). */
export function readFileBytes(file: string, what = ''): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new InputError(
      'file-not-found',
      `cannot read ${what ? `${what} ` : ''}${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      file,
    );
  }
}

/** A file opened for reading, or an InputError naming it ("no such file", or the system's reason). */
export function openForReading(file: string): number {
  try {
    return fs.openSync(file, 'r');
  } catch (err) {
    throw new InputError(
      'file-not-found',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      file,
    );
  }
}

/** The first megabyte of a file (for its header). */
export function readHead(file: string): Uint8Array {
  const fd = openForReading(file);
  try {
    const buf = Buffer.alloc(1 << 20);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads bytes [start, end) of an open file in pieces of up to `size` bytes into one reused buffer, each
 * piece but the last ending at its last line break (the next is read from there): a CSV parser is
 * handed whole rows and joins no partial row onto the next piece (a quoted text holding a line break
 * is the exception it still handles). `each` sees a piece, valid until it returns; the event loop
 * runs between pieces. `buf`: the buffer to read into (a caller reading many ranges passes one, so that
 * its pages are not mapped afresh for every range).
 */
export async function forEachLinePiece(
  fd: number,
  start: number,
  end: number,
  each: (piece: Uint8Array) => void,
  buf: Buffer = Buffer.allocUnsafe(1 << 20),
): Promise<void> {
  const size = buf.length;
  let pos = start;
  while (pos < end) {
    let n = fs.readSync(fd, buf, 0, Math.min(size, end - pos), pos);
    if (n === 0) break;
    if (pos + n < end) {
      const lf = buf.lastIndexOf(0x0a, n - 1);
      if (lf > 0) n = lf + 1;
    }
    pos += n;
    each(buf.subarray(0, n));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

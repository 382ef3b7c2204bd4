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

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

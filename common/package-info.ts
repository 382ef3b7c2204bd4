import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding mdsurvey's package.json, found from this module whether run from source or dist/. */
export function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      const pkg = JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string };
      if (pkg.name === 'mdsurvey') return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the mdsurvey package.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

let cachedVersion: string | undefined;
/** mdsurvey's version from package.json. */
export function packageVersion(): string {
  cachedVersion ??= (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return cachedVersion;
}

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from './package-info.js';

/**
 * Starts a worker thread from its bundled file after `npm run build` (dist/cli/NAME.js), else from its
 * TypeScript source through tsx (a source checkout, the test suite): a bootstrap registers tsx's
 * loader in the worker, then imports the entry. `source` is relative to the package root.
 */
export function startWorkerFile(name: string, source: string): Worker {
  const built = path.join(packageRoot(), 'dist', 'cli', `${name}.js`);
  if (fs.existsSync(built)) return new Worker(built);
  const tsx = pathToFileURL(
    createRequire(path.join(packageRoot(), 'package.json'))
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  ).href;
  const entry = pathToFileURL(path.join(packageRoot(), source)).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

#!/usr/bin/env node
// Runs the bundled CLI (dist/cli, made by `npm run build`). From a source checkout without a
// build it falls back to running the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const built = path.join(root, 'dist', 'cli', 'bin.js');
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  try {
    const { register } = await import('tsx/esm/api');
    register();
  } catch {
    process.stderr.write('mdsurvey: not built yet; run `npm run build` first\n');
    process.exit(1);
  }
  await import(pathToFileURL(path.join(root, 'cli', 'bin.ts')).href);
}

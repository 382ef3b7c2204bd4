// Copies non-TypeScript files the server reads at run time (SQL migrations, questionnaire library
// JSON and code lists) next to their compiled modules in dist/.
import fs from 'node:fs';
import path from 'node:path';

const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const assets = [
  ['server/db/migrations', ['.sql']],
  ['questionnaires/library', ['.json']],
];
for (const [dir, exts] of assets) {
  const from = path.join(root, dir);
  if (!fs.existsSync(from)) continue;
  fs.cpSync(from, path.join(root, 'dist', dir), {
    recursive: true,
    filter: (src) => fs.statSync(src).isDirectory() || exts.some((e) => src.endsWith(e)),
  });
}

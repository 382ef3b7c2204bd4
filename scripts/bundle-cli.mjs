// Bundles the CLI into dist/cli/ so a command starts fast: stdlib's distribution functions alone are
// hundreds of small modules (130 ms to load one by one, a few ms bundled). The server's own
// dependencies stay external; they are loaded only by `mdsurvey serve`, in a separate chunk.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Bundles the CLI (and the indicator worker) into `outdir`; the test suite bundles it once per run too. */
export async function bundleCli(outdir = path.join(root, 'dist/cli')) {
  await build({
    // The indicator worker is its own entry: the server starts it as a worker thread (server/workers/indicators.ts);
    // so is the worker that reads the second half of a large CSV file (io/csv-cells.ts), and the one that
    // validates submissions (server/workers/validation.ts).
    entryPoints: [
      path.join(root, 'cli/bin.ts'),
      path.join(root, 'server/workers/indicators-worker.ts'),
      path.join(root, 'io/csv-cells-worker.ts'),
      path.join(root, 'server/workers/validation-worker.ts'),
    ],
    outdir,
    entryNames: '[name]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    external: ['pg', '@electric-sql/pglite', 'pino', 'pino-http', 'express', 'helmet', 'exceljs'],
    loader: { '.json': 'json' },
    // CommonJS dependencies inside an ESM bundle need require().
    banner: { js: "import { createRequire as __mdsurveyCreateRequire } from 'node:module'; const require = __mdsurveyCreateRequire(import.meta.url);" },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await bundleCli();

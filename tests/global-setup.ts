import fs from 'node:fs';
import path from 'node:path';
import { chromiumTool, rTool } from './helpers/tools.js';
import { ROOT } from './helpers/cli.js';

/**
 * Before the suite: in CI every outside tool it needs must be there (a missing one stops the run at
 * once, named); and the CLI is bundled once (esbuild, as `npm run build` does), so each of the few
 * hundred CLI processes the tests start loads in a tenth of a second instead of compiling the sources
 * through tsx again. The bundle sits under node_modules/.cache so it finds the package's files.
 */
export default async function setup(): Promise<() => void> {
  if (process.env.CI) {
    const missing = [rTool(), chromiumTool()].filter((t) => !t.ok);
    if (missing.length) throw new Error(`CI=true and ${missing.map((t) => `${t.name} is missing (${t.reason})`).join('; ')}`);
  }
  const outdir = path.join(ROOT, 'node_modules', '.cache', `mdsurvey-test-cli-${process.pid}`);
  const { bundleCli } = (await import(path.join(ROOT, 'scripts', 'bundle-cli.mjs'))) as { bundleCli: (dir: string) => Promise<void> };
  await bundleCli(outdir);
  process.env.MDSURVEY_TEST_CLI = path.join(outdir, 'bin.js');
  return () => fs.rmSync(outdir, { recursive: true, force: true });
}

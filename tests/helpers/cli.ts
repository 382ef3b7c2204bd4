import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** tsx's loader by absolute URL, so the CLI runs from source whatever the working directory. */
const TSX_LOADER = pathToFileURL(createRequire(path.join(ROOT, 'package.json')).resolve('tsx')).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as its own process, so exit codes and output are real (the suite's bundle, else the sources through tsx). */
export function runMdsurvey(args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnMdsurvey(args, opts.env, opts.cwd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    if (opts.input !== undefined) child.stdin!.end(opts.input);
    else child.stdin!.end();
  });
}

/**
 * Spawns the CLI without waiting (for `serve`): the bundle the suite's global setup built from the
 * current sources, or, when a test file runs without it, the sources through tsx.
 */
export function spawnMdsurvey(args: string[], env: NodeJS.ProcessEnv = {}, cwd: string = ROOT): ChildProcess {
  const bundle = process.env.MDSURVEY_TEST_CLI;
  const entry = bundle && fs.existsSync(bundle) ? [bundle] : ['--import', TSX_LOADER, path.join(ROOT, 'cli', 'bin.ts')];
  return spawn(process.execPath, [...entry, ...args], {
    cwd,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

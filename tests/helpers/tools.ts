import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Outside tools some checks need (R with survey, haven and MASS; Debian's Chromium). In CI (`CI=true`) a
 * missing one is a failure naming it; on a developer's machine the check is skipped, saying why.
 */
export interface Tool {
  name: string;
  ok: boolean;
  reason: string;
}

let rCache: Tool | undefined;
/** R with the packages the reference checks load. */
export function rTool(): Tool {
  if (rCache) return rCache;
  const r = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages({library(survey); library(haven); library(MASS)})'], { encoding: 'utf8' });
  rCache = r.error
    ? { name: 'R', ok: false, reason: `Rscript not found (${r.error.message}); install r-base-core r-cran-survey r-cran-haven r-cran-mass` }
    : r.status !== 0
      ? { name: 'R', ok: false, reason: `R packages missing (${r.stderr.trim().split('\n').pop()}); install r-cran-survey r-cran-haven r-cran-mass` }
      : { name: 'R', ok: true, reason: '' };
  return rCache;
}

/** Debian's Chromium for the browser tests. */
export function chromiumTool(): Tool {
  return fs.existsSync('/usr/bin/chromium')
    ? { name: 'Chromium', ok: true, reason: '' }
    : { name: 'Chromium', ok: false, reason: "/usr/bin/chromium not found; install Debian's chromium package" };
}

/** poppler's pdftoppm and pdfinfo (the annex PDF is checked by rendering every page). */
export function popplerTool(): Tool {
  const r = spawnSync('pdftoppm', ['-v'], { encoding: 'utf8' });
  return r.error ? { name: 'pdftoppm', ok: false, reason: 'pdftoppm not found; install poppler-utils' } : { name: 'pdftoppm', ok: true, reason: '' };
}

/** A PostgreSQL server for the suites that test against one (TEST_DATABASE_URL; .ci/run sets it). */
export function postgresTool(): Tool {
  return process.env.TEST_DATABASE_URL
    ? { name: 'PostgreSQL', ok: true, reason: '' }
    : { name: 'PostgreSQL', ok: false, reason: 'TEST_DATABASE_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/DB)' };
}

/** ODK's XLSForm converter: the project's pyxform-check (../shared/tools) and the Python packages pyxform needs. */
export function pyxformTool(): Tool & { command: string } {
  const candidates = [
    process.env.PYXFORM_CHECK,
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'tools', 'pyxform-check'),
    '/work/shared/tools/pyxform-check',
  ].filter((c): c is string => !!c);
  const command = candidates.find((c) => fs.existsSync(c));
  if (!command) return { name: 'pyxform', ok: false, reason: `pyxform-check not found (${candidates.join(', ')}); set PYXFORM_CHECK`, command: '' };
  const py = spawnSync('/usr/bin/python3', ['-c', 'import openpyxl, xlrd, defusedxml, lark'], { encoding: 'utf8' });
  if (py.error || py.status !== 0)
    return { name: 'pyxform', ok: false, reason: 'python3 packages missing; install python3-openpyxl python3-xlrd python3-defusedxml python3-lark', command };
  return { name: 'pyxform', ok: true, reason: '', command };
}

/**
 * Whether a suite that needs the tool runs: yes when it is there; in CI a missing tool throws (the suite
 * fails, naming it); elsewhere false, with one line saying what is skipped and why.
 */
export function need(tool: Tool, what: string): boolean {
  if (tool.ok) return true;
  if (process.env.CI) throw new Error(`CI: ${tool.name} is missing, so "${what}" cannot run: ${tool.reason}`);
  console.warn(`skipping "${what}": ${tool.reason}`);
  return false;
}

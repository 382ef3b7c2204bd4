import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { expect } from 'vitest';
import { ROOT } from './cli.js';

/** Debian's Chromium (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium with the flags this machine needs (no sandbox as root, no background networking). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Files the web app is built from (its sources, the shared engine, the build configuration). */
function clientSources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'dist' && e.name !== 'node_modules') walk(p);
      } else out.push(p);
    }
  };
  for (const d of ['client', 'questionnaires', 'common']) walk(path.join(ROOT, d));
  out.push(path.join(ROOT, 'package-lock.json'));
  return out.sort();
}

/**
 * Builds the web app once per state of its sources (the tests run before the production build): the
 * build goes to a folder named by a hash of every source file, which the browser suites of this run,
 * and of later runs on unchanged sources, reuse. Concurrent builders each build to their own folder and
 * the first to rename it into place wins.
 */
export function buildClient(): string {
  const hash = createHash('sha256');
  for (const f of clientSources()) hash.update(f).update(fs.readFileSync(f));
  const dir = path.join(os.tmpdir(), `mdsurvey-client-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(path.join(dir, 'index.html'))) return dir;
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'client-dist-'));
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      path.join(ROOT, 'client', 'vite.config.ts'),
      '--outDir',
      out,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    { cwd: ROOT, stdio: 'pipe' },
  );
  try {
    fs.renameSync(out, dir);
  } catch {
    fs.rmSync(out, { recursive: true, force: true }); // another suite put the same build in place first
  }
  return dir;
}

/** Folder for screenshots (ignored by git). */
export function screenshotDir(): string {
  const dir = path.join(ROOT, 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** The web app served by the real server on a fresh embedded database, with the built client. */
export async function startWebApp(seed: (db: import('../../server/db/index.js').Database) => Promise<void> = async () => undefined) {
  const { createApp } = await import('../../server/app.js');
  const { migrate, openDatabase } = await import('../../server/db/index.js');
  const { ensureAdmin } = await import('../../server/auth/users.js');
  const { listen } = await import('./http.js');
  const db = await openDatabase({});
  await migrate(db);
  const admin = (await ensureAdmin(db))!;
  await seed(db);
  const server = await listen(createApp({ db, config: { bodyLimitBytes: 1 << 20 }, clientDir: buildClient() }));
  const browser = await launchChromium();
  return {
    db,
    url: server.url,
    browser,
    adminPassword: admin.password,
    async close() {
      await browser.close();
      await server.close();
      await db.close();
    },
  };
}

/** Adds a survey in fieldwork with one published questionnaire version; returns its id. */
export async function addFieldworkSurvey(db: import('../../server/db/index.js').Database, title: string, q: { id: string; version: string }): Promise<string> {
  const id = (await db.query<{ id: string }>("INSERT INTO surveys (title, state) VALUES ($1, 'fieldwork') RETURNING id", [title])).rows[0].id;
  await db.query('INSERT INTO questionnaire_versions (survey_id, version, questionnaire_id, definition) VALUES ($1, $2, $3, $4)', [
    id,
    q.version,
    q.id,
    JSON.stringify(q),
  ]);
  return id;
}

/** Adds an enumerator account; returns its id. */
export async function addEnumerator(db: import('../../server/db/index.js').Database, username: string, password: string): Promise<string> {
  const { hashPassword } = await import('../../server/auth/passwords.js');
  const r = await db.query<{ id: string }>("INSERT INTO users (username, display_name, role, password_hash) VALUES ($1, $1, 'enumerator', $2) RETURNING id", [
    username,
    await hashPassword(password),
  ]);
  return r.rows[0].id;
}

/** Signs in through the login page and waits for the home page to show the user. */
export async function signIn(page: import('playwright-core').Page, baseUrl: string, username: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('signed-in').waitFor();
}

/** The screen widths pages are checked at: a desktop, a tablet, a phone. */
export const PAGE_WIDTHS: readonly [number, number][] = [
  [1280, 900],
  [768, 1024],
  [390, 844],
];

/** At each width: no horizontal scroll on the page, and a screenshot `NAME-WIDTH.png`. */
export async function checkWidths(page: import('playwright-core').Page, name: string): Promise<void> {
  for (const [width, height] of PAGE_WIDTHS) {
    await page.setViewportSize({ width, height });
    // What sticks out, when something does: the outermost elements past the right edge.
    const wide = await page.evaluate(() =>
      document.documentElement.scrollWidth <= window.innerWidth
        ? ''
        : [...document.querySelectorAll('body *')]
            .filter(
              (e) =>
                e.getBoundingClientRect().right > window.innerWidth + 0.5 && (e.parentElement?.getBoundingClientRect().right ?? 0) <= window.innerWidth + 0.5,
            )
            .map(
              (e) => `<${e.tagName.toLowerCase()}${e.className ? ` class="${String(e.className)}"` : ''}> to ${Math.round(e.getBoundingClientRect().right)} px`,
            )
            .join(', ') || 'something',
    );
    expect(wide, `no horizontal scroll at ${width} px on ${name}`).toBe('');
    await page.screenshot({ path: path.join(screenshotDir(), `${name}-${width}.png`), fullPage: true });
  }
}

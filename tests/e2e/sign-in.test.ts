/** The web app in real headless Chromium against the real server: sign in with a session cookie. */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createApp } from '../../server/app.js';
import { migrate, openDatabase, type Database } from '../../server/db/index.js';
import { ensureAdmin } from '../../server/auth/users.js';
import { listen } from '../helpers/http.js';
import { buildClient, CHROMIUM, launchChromium, screenshotDir } from '../helpers/browser.js';

describe.runIf(fs.existsSync(CHROMIUM))('web app in Chromium', () => {
  let db: Database;
  let server: { url: string; close: () => Promise<void> };
  let browser: Browser;
  let password: string;
  beforeAll(async () => {
    db = await openDatabase({});
    await migrate(db);
    password = (await ensureAdmin(db))!.password;
    server = await listen(createApp({ db, config: { bodyLimitBytes: 1 << 20 }, clientDir: buildClient() }));
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await db?.close();
  });

  it('signs in, shows who is signed in and that the database is up', async () => {
    const page = await browser.newPage({ viewport: { width: 768, height: 1024 } });
    await page.goto(`${server.url}/login`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong user name or password');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in').waitFor();
    expect(await page.getByTestId('signed-in').textContent()).toContain('Administrator');
    expect(await page.getByTestId('health').textContent()).toContain('is up');
    await page.screenshot({ path: path.join(screenshotDir(), 'home-signed-in.png') });
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'mdsurvey_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });
});

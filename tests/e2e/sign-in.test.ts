/** The web app in real headless Chromium against the real server: sign in with a session cookie. */
import path from 'node:path';
import { chromiumTool, need } from '../helpers/tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotDir, startWebApp } from '../helpers/browser.js';

describe.runIf(need(chromiumTool(), 'web app in Chromium'))('web app in Chromium', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    app = await startWebApp();
  }, 60_000);
  afterAll(() => app?.close());

  it('signs in, shows who is signed in and that the database is up', async () => {
    const page = await app.browser.newPage({ viewport: { width: 768, height: 1024 } });
    await page.goto(`${app.url}/login`);
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong user name or password');
    await page.getByLabel('Password').fill(app.adminPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('signed-in').waitFor();
    expect(await page.getByTestId('signed-in').textContent()).toContain('Administrator');
    expect(await page.getByTestId('health').textContent()).toContain('is up');
    await page.screenshot({ path: path.join(screenshotDir(), 'home-signed-in.png') });
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'mdsurvey_session')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
  });
});

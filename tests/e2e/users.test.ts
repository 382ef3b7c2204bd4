/**
 * Accounts and teams in Chromium, as an admin runs them: create a supervisor, an enumerator in her team
 * and an analyst; move the enumerator to another team; reset a password and sign in with it; disable an
 * account and see its session end. The database is checked after each step. Each role sees only the
 * pages it may use, and a page it may not open says so (no "No connection").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { chromiumTool, need } from '../helpers/tools.js';
import { checkWidths, signIn, startWebApp } from '../helpers/browser.js';

describe.runIf(need(chromiumTool(), 'accounts and teams in Chromium'))('accounts and teams in Chromium', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    app = await startWebApp();
  }, 60_000);
  afterAll(() => app?.close());

  const account = async (username: string) =>
    (
      await app.db.query<{ role: string; supervisor: string | null; disabled: boolean }>(
        'SELECT u.role, s.username AS supervisor, u.disabled FROM users u LEFT JOIN users s ON s.id = u.supervisor_id WHERE u.username = $1',
        [username],
      )
    ).rows[0];
  const status = (page: Page) => page.getByTestId('users-status');

  async function create(page: Page, username: string, role: string, supervisor?: string): Promise<string> {
    const form = page.locator('form.new-account');
    await form.getByLabel('User name').fill(username);
    await form.getByLabel('Role of the new account').selectOption({ label: role });
    if (supervisor) await form.getByLabel('Supervisor of the new account').selectOption({ label: supervisor });
    await form.getByRole('button', { name: 'Generate a password' }).click();
    const password = await form.getByLabel('Password').inputValue();
    await form.getByRole('button', { name: 'Create the account' }).click();
    await expect.poll(() => status(page).textContent()).toBe(`Created ${username}.`);
    return password;
  }

  it('creates, moves, resets, disables; each step is in the database and takes effect', async () => {
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    await signIn(page, app.url, 'admin', app.adminPassword);
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users and teams' }).waitFor();

    await create(page, 'sara', 'Supervisor');
    await create(page, 'yaw', 'Supervisor');
    const eliPassword = await create(page, 'eli', 'Enumerator', 'sara');
    await create(page, 'nana', 'Analyst');
    expect(await account('sara')).toEqual({ role: 'supervisor', supervisor: null, disabled: false });
    expect(await account('eli')).toEqual({ role: 'enumerator', supervisor: 'sara', disabled: false });
    expect(await account('nana')).toMatchObject({ role: 'analyst' });
    await expect.poll(() => page.locator('[data-team=sara]').textContent()).toContain('eli');

    // Eli moves to Yaw's team.
    await page.getByLabel('Team of eli').selectOption({ label: 'yaw' });
    await expect.poll(() => status(page).textContent()).toBe("eli moved to yaw's team.");
    expect(await account('eli')).toMatchObject({ supervisor: 'yaw' });
    await expect.poll(() => page.locator('[data-team=yaw]').textContent()).toContain('eli');

    // Eli signs in on a tablet; the admin resets the password: the new one is shown once and works.
    const tablet = await app.browser.newContext({ viewport: { width: 390, height: 844 } });
    const eli = await tablet.newPage();
    await signIn(eli, app.url, 'eli', eliPassword);
    await page.locator('tr[data-user=eli]').getByRole('button', { name: 'Reset password' }).click();
    await expect.poll(() => status(page).textContent()).toMatch(/^New password for eli: /);
    const newPassword = /New password for eli: (\S+)/.exec((await status(page).textContent())!)![1];
    const other = await app.browser.newContext();
    const eli2 = await other.newPage();
    await signIn(eli2, app.url, 'eli', newPassword);
    await other.close();

    // Disabled: every session ends at once; the tablet's next call is refused.
    await page.locator('tr[data-user=eli]').getByRole('button', { name: 'Disable' }).click();
    await expect.poll(() => status(page).textContent()).toBe('eli is disabled and signed out everywhere.');
    expect(await account('eli')).toMatchObject({ disabled: true });
    expect(await eli.evaluate(() => fetch('/api/v1/auth/me').then((r) => r.status))).toBe(401);
    await page.locator('tr[data-user=eli]').getByRole('button', { name: 'Enable' }).click();
    await expect.poll(async () => (await account('eli')).disabled).toBe(false);
    await tablet.close();

    await checkWidths(page, 'users');
    await context.close();
  }, 120_000);

  // Written by hand: the menu of each role, and the pages it may open (the server still checks every call).
  const MENUS: Record<string, string[]> = {
    admin: ['Home', 'Surveys', 'Fieldwork', 'Sample', 'Progress', 'Review', 'Workspace', 'Monitoring', 'Users'],
    statistician: ['Home', 'Surveys', 'Sample', 'Progress', 'Review', 'Workspace', 'Monitoring'],
    supervisor: ['Home', 'Fieldwork', 'Sample', 'Progress', 'Review'],
    enumerator: ['Home', 'Fieldwork'],
    analyst: ['Home', 'Workspace', 'Monitoring'],
  };
  const PATHS: Record<string, string> = {
    Surveys: '/surveys',
    Fieldwork: '/fieldwork',
    Sample: '/sample',
    Progress: '/progress',
    Review: '/review',
    Workspace: '/workspace',
    Monitoring: '/monitoring',
    Users: '/admin/users',
  };

  it('shows each role only its pages; a page it may not open says whose it is', async () => {
    const r = await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: app.adminPassword, token: true }),
    });
    const token = ((await r.json()) as { token: string }).token;
    for (const [role, menu] of Object.entries(MENUS)) {
      const username = role === 'admin' ? 'admin' : `a-${role}`;
      const password = role === 'admin' ? app.adminPassword : 'Quiet-River-5921';
      if (role !== 'admin') {
        const made = await fetch(`${app.url}/api/v1/users`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ username, password, role }),
        });
        expect(made.status).toBe(201);
      }
      const context = await app.browser.newContext();
      const page = await context.newPage();
      page.setDefaultTimeout(8000);
      await signIn(page, app.url, username, password);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect.poll(() => nav.getByRole('link').allTextContents(), { message: role }).toEqual(menu);
      for (const [name, path] of Object.entries(PATHS)) {
        await page.goto(`${app.url}${path}`);
        await page.getByRole('heading', { level: 1 }).or(page.getByTestId('not-for-role')).first().waitFor();
        expect(await page.getByTestId('not-for-role').count(), `${role} on ${name}`).toBe(menu.includes(name) ? 0 : 1);
        expect(await page.getByText('No connection').count(), `${role} on ${name}`).toBe(0);
      }
      if (role === 'analyst') {
        await page.goto(`${app.url}/fieldwork`);
        expect(await page.getByTestId('not-for-role').textContent()).toBe('Fieldwork is for admin, supervisor, enumerator; you are signed in as analyst.');
      }
      await context.close();
    }
  }, 120_000);
});

/**
 * One tablet, several users, in real headless Chromium against the real server: each user's interviews
 * are theirs alone; the signed-in user is recorded as the enumerator; a currency picked before the
 * amount is kept; a filled case takes no new interview; a refused interview opens again as a draft
 * with the server's reason; a supervisor's Fieldwork page creates no correction draft.
 */
import { chromiumTool, need } from '../helpers/tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Database } from '../../server/db/index.js';
import { addFieldworkSurvey, addEnumerator, signIn, startWebApp } from '../helpers/browser.js';
import { hashPassword } from '../../server/auth/passwords.js';

const Q = {
  id: 'money',
  version: '1',
  title: 'Money',
  languages: { default: 'en', available: ['en'] },
  items: [
    { kind: 'metadata', name: 'enumerator', type: 'enumerator' },
    { kind: 'question', name: 'head_name', type: 'text', label: 'Name of the head', identifier: true },
    { kind: 'question', name: 'received', type: 'amount', label: 'Amount received', currencies: ['GHS', 'USD', 'EUR'] },
  ],
};

describe.runIf(need(chromiumTool(), 'one device, several users, in Chromium'))('one device, several users, in Chromium', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let db: Database;
  let surveyId: string;
  beforeAll(async () => {
    app = await startWebApp(async (d) => {
      const sup = (
        await d.query<{ id: string }>(
          "INSERT INTO users (username, display_name, role, password_hash) VALUES ('sara', 'Sara', 'supervisor', $1) RETURNING id",
          [await hashPassword('sara-password-1')],
        )
      ).rows[0].id;
      const ana = await addEnumerator(d, 'ana', 'ana-password-1');
      const ben = await addEnumerator(d, 'ben', 'ben-password-1');
      await d.query('UPDATE users SET supervisor_id = $1 WHERE id IN ($2, $3)', [sup, ana, ben]);
      surveyId = await addFieldworkSurvey(d, 'Pilot', Q);
      await d.query('INSERT INTO assignments (survey_id, enumerator_id, case_data) VALUES ($1, $2, $3), ($1, $2, $4), ($1, $5, $6)', [
        surveyId,
        ana,
        JSON.stringify({ ea: 'EA001', address: 'House 4' }),
        JSON.stringify({ ea: 'EA001', address: 'House 9' }),
        ben,
        JSON.stringify({ ea: 'EA002', address: 'House 7' }),
      ]);
    });
    db = app.db;
  }, 90_000);
  afterAll(() => app?.close());

  const signOut = async (page: Page) => {
    await page.getByRole('button', { name: /^Sign out/ }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  };

  it('keeps each user to their own interviews and records who interviewed', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    await signIn(page, app.url, 'ana', 'ana-password-1');
    await page.goto(`${app.url}/fieldwork`);
    // A draft with a respondent's name, left on the tablet.
    await page.locator('li', { hasText: 'House 9' }).getByRole('button', { name: 'Start interview' }).click();
    await page.getByLabel('Name of the head').fill('Ama Secret');
    await page.getByText('Saved on this device').waitFor();
    // The currency is picked first, then the amount typed: USD is kept.
    await page.goto(`${app.url}/fieldwork`);
    await page.locator('li', { hasText: 'House 4' }).getByRole('button', { name: 'Start interview' }).click();
    await page.getByLabel('Name of the head').fill('Kofi');
    await page.getByLabel('Currency').selectOption('USD');
    await page.locator('.amount input[type=number]').fill('50');
    await page.getByText('Saved on this device').waitFor();
    await page.getByRole('button', { name: 'Complete the interview' }).click();
    await page.getByRole('heading', { name: 'Fieldwork' }).waitFor();
    await expect.poll(async () => (await db.query('SELECT 1 FROM submissions WHERE survey_id = $1', [surveyId])).rows.length).toBe(1);
    const stored = await db.query<{ answers: { enumerator: string; received: { amount: number; currency: string } }; enumerator_id: string; username: string }>(
      'SELECT s.answers, u.username FROM submissions s JOIN users u ON u.id = s.enumerator_id WHERE s.survey_id = $1',
      [surveyId],
    );
    expect(stored.rows[0].answers.received).toEqual({ amount: 50, currency: 'USD' });
    expect(stored.rows[0].answers.enumerator).toBe('ana');
    expect(stored.rows[0].username).toBe('ana');
    // The case's quota (1) is filled: no new interview can be started on it.
    await page.reload();
    await page.locator('li', { hasText: 'House 4' }).getByText('quota reached').waitFor();
    expect(await page.locator('li', { hasText: 'House 4' }).getByRole('button', { name: 'Start interview' }).count()).toBe(0);

    // Another enumerator on the same tablet sees none of Ana's drafts.
    await signOut(page);
    await signIn(page, app.url, 'ben', 'ben-password-1');
    await page.goto(`${app.url}/fieldwork`);
    await page.getByText('House 7').waitFor();
    await page.getByRole('heading', { name: 'In progress (0)' }).waitFor();
    expect(await page.content()).not.toContain('Ama Secret');
    expect(await page.content()).not.toContain('House 9');
    // ... nor can open it by its address.
    const anaDraft = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(anaDraft.filter((n) => n?.startsWith('mdsurvey-interviews:'))).toHaveLength(2);

    // Back to Ana: her draft is there.
    await signOut(page);
    await signIn(page, app.url, 'ana', 'ana-password-1');
    await page.goto(`${app.url}/fieldwork`);
    await page.getByRole('heading', { name: 'In progress (1)' }).waitFor();
    await context.close();
  }, 120_000);

  it('a refused interview opens again as a draft with the reason; a supervisor gets no correction drafts', async () => {
    const context = await app.browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    await signIn(page, app.url, 'ben', 'ben-password-1');
    await page.goto(`${app.url}/fieldwork`);
    // Ben starts on his case, but meanwhile another device fills its quota: the server refuses (409).
    await page.locator('li', { hasText: 'House 7' }).getByRole('button', { name: 'Start interview' }).click();
    await page.getByLabel('Name of the head').fill('Yaw');
    // The answer is in the form and its save has settled (the status reads "Saving…" for 250 ms after a change).
    await expect.poll(() => page.getByLabel('Name of the head').inputValue(), { timeout: 8000 }).toBe('Yaw');
    await expect.poll(() => page.getByTestId('save-status').textContent(), { timeout: 8000 }).toBe('Saved on this device');
    await db.query("UPDATE assignments SET quota = 1 WHERE case_data->>'address' = 'House 7'");
    const ben = (
      await db.query<{ id: string; a: string }>("SELECT u.id, a.id AS a FROM users u JOIN assignments a ON a.enumerator_id = u.id WHERE u.username = 'ben'")
    ).rows[0];
    await db.query(
      "INSERT INTO submissions (instance_id, interview_id, survey_id, questionnaire_version, assignment_id, enumerator_id, answers, content_hash) VALUES (gen_random_uuid(), gen_random_uuid(), $1, '1', $2, $3, '{}', 'x')",
      [surveyId, ben.a, ben.id],
    );
    await page.getByRole('button', { name: 'Complete the interview' }).click();
    await page.getByRole('heading', { name: 'Fieldwork' }).waitFor();
    await page
      .getByTestId('outbox')
      .getByText(/refused: 409 quota-reached/)
      .waitFor();
    await page.getByRole('button', { name: 'Open to correct' }).click();
    await page.getByText(/The server refused this interview: 409 quota-reached/).waitFor();
    await expect.poll(() => page.getByLabel('Name of the head').inputValue(), { timeout: 8000 }).toBe('Yaw');

    // A supervisor's Fieldwork page: a returned interview of the team makes no draft on her device.
    const first = (await db.query<{ instance_id: string }>("SELECT instance_id FROM submissions WHERE answers->>'head_name' = 'Kofi'")).rows[0].instance_id;
    await db.query("UPDATE submissions SET state = 'rejected', review = $2 WHERE instance_id = $1", [
      first,
      JSON.stringify({ action: 'reject', comments: {}, note: 'check' }),
    ]);
    await page.goto(`${app.url}/`);
    await page.getByRole('button', { name: /^Sign out/ }).click();
    await signIn(page, app.url, 'sara', 'sara-password-1');
    await page.goto(`${app.url}/fieldwork`);
    await page.getByRole('heading', { name: 'In progress (0)' }).waitFor();
    await page.waitForTimeout(500);
    expect(await page.getByRole('heading', { name: 'In progress (0)' }).count()).toBe(1);
    await context.close();
  }, 120_000);
});

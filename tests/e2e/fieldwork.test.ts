/**
 * An enumerator's day in real headless Chromium against the real server: sign in, take a case, fill
 * an interview with a roster, complete it; then, offline, complete another, reload the page, come
 * back online: both interviews are stored on the server exactly once.
 */
import path from 'node:path';
import { chromiumTool, need } from '../helpers/tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Database } from '../../server/db/index.js';
import { addFieldworkSurvey, addEnumerator, screenshotDir, signIn, startWebApp } from '../helpers/browser.js';
import { TINY } from '../helpers/api.js';

describe.runIf(need(chromiumTool(), 'fieldwork in Chromium'))('fieldwork in Chromium', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let db: Database;
  let surveyId: string;
  beforeAll(async () => {
    app = await startWebApp(async (d) => {
      const enumId = await addEnumerator(d, 'ana', 'ana-password-1');
      surveyId = await addFieldworkSurvey(d, 'Pilot', TINY);
      await d.query('INSERT INTO assignments (survey_id, enumerator_id, case_data) VALUES ($1, $2, $3), ($1, $2, $4)', [
        surveyId,
        enumId,
        JSON.stringify({ ea: 'EA001', address: 'House 4' }),
        JSON.stringify({ ea: 'EA001', address: 'House 9' }),
      ]);
    });
    db = app.db;
  }, 60_000);
  afterAll(() => app?.close());

  async function fillInterview(page: Page, caseText: string, ages: number[]) {
    await page.locator('li', { hasText: caseText }).getByRole('button', { name: 'Start interview' }).click();
    await page.getByText('Saved on this device').waitFor();
    await page.getByLabel('Name of the head').fill('Ama');
    await page.getByRole('radio', { name: 'Yes' }).check();
    await page.getByRole('button', { name: 'Next section' }).click();
    for (const age of ages) {
      await page.getByRole('button', { name: /^Add/ }).click();
      await page.locator('details[open] input[type=number]').last().fill(String(age));
    }
    await page.getByRole('button', { name: 'Complete the interview' }).click();
    await page.getByRole('heading', { name: 'Fieldwork' }).waitFor();
  }

  it('fills, completes and sends; offline interviews wait in the outbox, survive a reload and are sent once', async () => {
    const context = await app.browser.newContext({ viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    page.setDefaultTimeout(5000);
    await signIn(page, app.url, 'ana', 'ana-password-1');
    await page.goto(`${app.url}/fieldwork`);
    await page.getByText('House 4').waitFor();
    // The service worker has the app shell: the app will open with no network.
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.screenshot({ path: path.join(screenshotDir(), 'fieldwork.png') });

    await fillInterview(page, 'House 4', [40, 12]);
    await expect.poll(() => page.getByTestId('sent').locator('li').count()).toBe(1);

    // Offline: the next interview is completed and waits.
    await context.setOffline(true);
    await fillInterview(page, 'House 9', [67]);
    await expect.poll(() => page.getByTestId('outbox').locator('li').count()).toBe(1);
    await page.screenshot({ path: path.join(screenshotDir(), 'outbox-offline.png') });
    // A reload with no network: the service worker serves the app, IndexedDB still has the interview.
    await page.reload();
    await page.getByRole('heading', { name: 'Fieldwork' }).waitFor();
    await page.getByText('No connection: showing the cases saved on this device.').waitFor();
    await expect.poll(() => page.getByTestId('outbox').locator('li').count()).toBe(1);
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Send now' }).click();
    await expect.poll(() => page.getByTestId('sent').locator('li').count()).toBe(2);
    const stored = await db.query<{ n: number; ages: string }>(
      "SELECT count(*)::int AS n, string_agg(answers->'members'->0->>'age', ',' ORDER BY received_at) AS ages FROM submissions WHERE survey_id = $1",
      [surveyId],
    );
    expect(stored.rows[0]).toEqual({ n: 2, ages: '40,67' });

    // The supervisor rejects the first interview with a comment at a question; the enumerator corrects and resubmits.
    const first = (
      await db.query<{ instance_id: string }>("SELECT instance_id FROM submissions WHERE survey_id = $1 AND answers->'members'->0->>'age' = '40'", [surveyId])
    ).rows[0].instance_id;
    await db.query("UPDATE submissions SET state = 'rejected', review = $2 WHERE instance_id = $1", [
      first,
      JSON.stringify({ action: 'reject', comments: { head_name: 'Write the full name' }, note: 'Please check' }),
    ]);
    await page.reload();
    await page.getByRole('link', { name: /Returned for correction/ }).click();
    await page.getByText('Supervisor: Write the full name').waitFor();
    await page.screenshot({ path: path.join(screenshotDir(), 'returned-interview.png') });
    await page.getByLabel('Name of the head').fill('Ama Mensah');
    await page.getByRole('button', { name: 'Next section' }).click();
    await page.getByRole('button', { name: 'Complete the interview' }).click();
    await expect
      .poll(async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM submissions WHERE deprecated_id = $1', [first])).rows[0].n)
      .toBe(1);
    const corrected = await db.query<{ name: string; superseded: boolean }>(
      "SELECT answers->>'head_name' AS name, (SELECT superseded FROM submissions WHERE instance_id = $1) AS superseded FROM submissions WHERE deprecated_id = $1",
      [first],
    );
    expect(corrected.rows[0]).toEqual({ name: 'Ama Mensah', superseded: true });
    await context.close();
  });
});

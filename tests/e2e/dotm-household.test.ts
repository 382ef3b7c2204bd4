/**
 * The enumerator's day on the real DotM household questionnaire, in headless Chromium against the
 * real server: a 6-member household with 2 emigrants and remittances filled through the UI and sent;
 * then, offline, another household completed, the page reloaded with no network, and back online:
 * both interviews are stored on the server exactly once.
 */
import path from 'node:path';
import { chromiumTool, need } from '../helpers/tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dotmHousehold } from '../../questionnaires/index.js';
import { addFieldworkSurvey, addEnumerator, screenshotDir, signIn, startWebApp } from '../helpers/browser.js';
import { addMember, fillSection, finish } from '../helpers/form-filling.js';

describe.runIf(need(chromiumTool(), 'DotM household in Chromium'))('DotM household in Chromium', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let surveyId: string;
  beforeAll(async () => {
    app = await startWebApp(async (db) => {
      const enumId = await addEnumerator(db, 'kwame', 'kwame-password-1');
      surveyId = await addFieldworkSurvey(db, 'DotM Ghana', dotmHousehold());
      await db.query('INSERT INTO assignments (survey_id, enumerator_id, case_data) VALUES ($1, $2, $3), ($1, $2, $4)', [
        surveyId,
        enumId,
        JSON.stringify({ ea: 'EA017', address: 'Compound 12', status: 'migrant' }),
        JSON.stringify({ ea: 'EA017', address: 'Compound 30', status: 'non-migrant' }),
      ]);
    });
  }, 60_000);
  afterAll(() => app?.close());

  it('6 members, 2 emigrants and remittances online; another household offline; both stored once', async () => {
    const context = await app.browser.newContext({ viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, app.url, 'kwame', 'kwame-password-1');
    await page.goto(`${app.url}/fieldwork`);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await page.locator('li', { hasText: 'Compound 12' }).getByRole('button', { name: 'Start interview' }).click();
    await page.getByText('Saved on this device').waitFor();

    // The interface speaks the interview's language: French buttons and messages, then back to English.
    await page.getByLabel('Language').selectOption('fr');
    await page.getByRole('button', { name: 'Section suivante' }).waitFor();
    await page.getByRole('button', { name: 'Montrer les questions sans réponse' }).click();
    await page.getByText('une réponse est requise').first().waitFor();
    await page.getByLabel('Langue').selectOption('en');
    await page.getByRole('button', { name: 'Next section' }).waitFor();
    // M0 screening: a former member abroad, remittances received.
    await page.locator('[data-question="s_member_abroad"]').getByRole('radio', { name: 'Yes' }).check();
    await page.locator('[data-question="s_remit"]').getByRole('radio', { name: 'Yes' }).check();
    await fillSection(page);
    await page.getByRole('button', { name: 'Next section' }).click();
    // M1 roster: six members.
    await addMember(page, 'Ama', 'Female', 45, 'Head');
    await addMember(page, 'Kofi', 'Male', 48, 'Spouse or partner');
    await addMember(page, 'Esi', 'Female', 17, 'Son or daughter', [1, 2]);
    await addMember(page, 'Yaw', 'Male', 14, 'Son or daughter', [1, 2]);
    await addMember(page, 'Abena', 'Female', 8, 'Son or daughter', [1, 2]);
    await addMember(page, 'Kojo', 'Male', 1, 'Grandchild', [3, 0]);
    await page.screenshot({ path: path.join(screenshotDir(), 'dotm-roster.png') });
    await fillSection(page);
    await page.getByRole('button', { name: 'Next section' }).click();
    // M2: two emigrants; the first sends money through a money transfer operator.
    await page.locator('[data-question="n_emigrants_listed"] input').fill('2');
    await page.getByRole('button', { name: 'Next section' }).click();
    const rows = page.locator('details.roster-row');
    await rows.first().locator('summary').click();
    const first = rows.first();
    await first.locator('[data-question="em_left"] input').fill('2021-03-01');
    await first.locator('[data-question="em_country"] input').fill('United Kingdom (GBR)');
    await first.locator('[data-question="rr_cash"]').getByRole('radio', { name: 'Yes' }).check();
    await first.locator('[data-question="rr_amount"] input[type=number]').fill('1200');
    await first
      .locator('[data-question="rr_channel"]')
      .getByRole('radio', { name: /Money transfer operator/ })
      .check();
    await rows.nth(1).locator('summary').click();
    await rows.nth(1).locator('[data-question="em_left"] input').fill('2024-09-01');
    await rows.nth(1).locator('[data-question="em_country"] input').fill('Canada (CAN)');
    await finish(page);
    await expect.poll(() => page.getByTestId('sent').locator('li').count(), { timeout: 15_000 }).toBe(1);

    // Offline: the second household is completed and waits.
    await context.setOffline(true);
    await page.locator('li', { hasText: 'Compound 30' }).getByRole('button', { name: 'Start interview' }).click();
    await page.getByText('Saved on this device').waitFor();
    await page.locator('[data-question="s_member_abroad"]').getByRole('radio', { name: 'No', exact: true }).check();
    await fillSection(page);
    await page.getByRole('button', { name: 'Next section' }).click();
    await addMember(page, 'Akosua', 'Female', 30, 'Head');
    await finish(page);
    await expect.poll(() => page.getByTestId('outbox').locator('li').count()).toBe(1);
    await page.reload();
    await page.getByText('No connection: showing the cases saved on this device.').waitFor();
    await expect.poll(() => page.getByTestId('outbox').locator('li').count()).toBe(1);
    await context.setOffline(false);
    await page.getByRole('button', { name: 'Send now' }).click();
    await expect.poll(() => page.getByTestId('sent').locator('li').count(), { timeout: 15_000 }).toBe(2);

    const stored = await app.db.query<{ status: string; members: number; emigrants: number; remit: string }>(
      `SELECT answers->>'hh_migration_status' AS status, jsonb_array_length(answers->'members') AS members,
              coalesce(jsonb_array_length(answers->'emigrants'), 0) AS emigrants, answers->>'remit_cash_senders' AS remit
       FROM submissions WHERE survey_id = $1 ORDER BY received_at`,
      [surveyId],
    );
    expect(stored.rows).toEqual([
      { status: 'H1', members: 6, emigrants: 2, remit: '1' },
      { status: 'H0', members: 1, emigrants: 0, remit: '0' },
    ]);
    await context.close();
  }, 180_000);
});

/**
 * The enumerator's day on the real DotM household questionnaire, in headless Chromium against the
 * real server: a 6-member household with 2 emigrants and remittances filled through the UI and sent;
 * then, offline, another household completed, the page reloaded with no network, and back online:
 * both interviews are stored on the server exactly once.
 */
import path from 'node:path';
import { chromiumTool, need } from '../helpers/tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { dotmHousehold } from '../../questionnaires/index.js';
import { addFieldworkSurvey, addEnumerator, screenshotDir, signIn, startWebApp } from '../helpers/browser.js';

/** Answers every question of `scope` flagged as required with a plausible answer for its input. */
async function answerRequired(scope: Locator): Promise<number> {
  let answered = 0;
  const tries = new Map<string, number>();
  for (let guard = 0; guard < 200; guard++) {
    const q = scope.locator('.question.has-problem', { hasText: 'an answer is required' }).first();
    if ((await q.count()) === 0) return answered;
    const name = (await q.getAttribute('data-question')) ?? '?';
    tries.set(name, (tries.get(name) ?? 0) + 1);
    if (tries.get(name)! > 3) throw new Error(`cannot answer "${name}": ${await q.innerHTML()}`);
    const radios = q.locator('input[type=radio]');
    const checks = q.locator('input[type=checkbox]');
    const select = q.locator('select').first();
    const countries = q.locator('input[list]');
    if ((await radios.count()) > 0) {
      const no = q.getByRole('radio', { name: 'No', exact: true });
      await ((await no.count()) > 0 ? no : radios.first()).check();
    } else if ((await countries.count()) > 0) {
      // Lists with the special answers offer "This country"; lists of other countries get Ghana.
      const special = ((await countries.first().getAttribute('list')) ?? '').endsWith('-all');
      await countries.first().fill(special ? 'This country (THIS)' : 'Ghana (GHA)');
    } else if ((await checks.count()) > 0) {
      await checks.first().check();
    } else if ((await q.locator('input[type=number]').count()) > 0) {
      // 1 fits most counts and amounts; a year refuses it, so a second try uses one.
      await q
        .locator('input[type=number]')
        .first()
        .fill(tries.get(name)! > 1 ? '2015' : '1');
    } else if ((await q.locator('input[type=date]').count()) > 0) {
      await q.locator('input[type=date]').first().fill('2020-01-01');
    } else if ((await select.count()) > 0) {
      await select.selectOption({ index: 1 });
    } else {
      await q.locator('input').first().fill('x');
    }
    answered++;
  }
  throw new Error('required questions keep coming back');
}

/** Fills a section: loose questions, then every row of its rosters (opening each). */
async function fillSection(page: Page): Promise<void> {
  const body = page.locator('.section-body');
  // Nothing is flagged as missing before the enumerator asks (or moves on): then every unanswered required question is.
  const show = page.getByRole('button', { name: 'Show unanswered questions' });
  if (await show.isEnabled()) {
    expect(await body.locator('.question.has-problem', { hasText: 'an answer is required' }).count()).toBe(0);
    await show.click();
  }
  await answerRequired(body);
  const rows = body.locator('details.roster-row');
  for (let k = 0; k < (await rows.count()); k++) {
    const row = rows.nth(k);
    if (!(await row.evaluate((d) => (d as HTMLDetailsElement).open))) await row.locator('summary').first().click();
    // The row renders its questions only once open: wait for them before looking for problems.
    await row.locator('.question').first().waitFor();
    await answerRequired(row);
  }
  await answerRequired(body);
}

/** Walks every section to the end and completes the interview. */
async function finish(page: Page): Promise<void> {
  for (let guard = 0; guard < 40; guard++) {
    await fillSection(page);
    const next = page.getByRole('button', { name: 'Next section' });
    if ((await next.count()) > 0) {
      await next.click();
      continue;
    }
    await page.getByRole('button', { name: 'Complete the interview' }).click();
    if (
      await page
        .getByRole('heading', { name: 'Fieldwork' })
        .isVisible()
        .catch(() => false)
    )
      return;
    try {
      await page.getByRole('heading', { name: 'Fieldwork' }).waitFor({ timeout: 3000 });
    } catch {
      const alerts = await page.locator('[role=alert]').allTextContents();
      throw new Error('completion blocked: ' + alerts.join(' | '));
    }
    return;
  }
  throw new Error('too many sections');
}

async function addMember(page: Page, name: string, sex: 'Male' | 'Female', age: number, relation: string, parents?: [number, number]) {
  await page.getByRole('button', { name: /^Add household members/ }).click();
  const row = page.locator('details[open]').last();
  await row.locator('[data-question="name"] input').fill(name);
  await row.locator('[data-question="sex"]').getByRole('radio', { name: sex, exact: true }).check();
  await row.locator('[data-question="age"] input').fill(String(age));
  await row.locator('[data-question="relation"] select').selectOption({ label: relation });
  // A usual member (not away 3 months or more); a child's parents by line number (0: not a member).
  await row.locator('[data-question="usual_resident"]').getByRole('radio', { name: 'Yes' }).check();
  if (parents) {
    await row.locator('[data-question="mother_line"] input').fill(String(parents[0]));
    await row.locator('[data-question="father_line"] input').fill(String(parents[1]));
  }
}

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

/**
 * A whole DotM survey in Chromium, from an empty server to final weights, clicked through as its team
 * runs it (issue 17): the admin creates the accounts and the team; the statistician creates the survey
 * from the library with its local currency, uploads the exchange rates, the EA frame and the design and
 * draws the EAs; two enumerators list and screen their EA, one offline on a phone, one online on a
 * tablet; the supervisor and the statistician close the listings, which draws the households by
 * screening status with the quotas; the enumerators interview, record a refusal and a vacant dwelling;
 * the supervisor approves; the statistician computes and attaches the weights; /indicators estimates
 * with them. The database is checked after each step.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { chromiumTool, need } from '../helpers/tools.js';
import { checkWidths, signIn, startWebApp } from '../helpers/browser.js';
import { addMember, fillSection, finish } from '../helpers/form-filling.js';
import { formatExchangeRates } from '../../analysis/index.js';
import { exchangeRatesFor } from '../../examples/dotm/synthetic-dataset.js';

const FRAME = ['ea,region,households', 'EA01,North,120', 'EA02,North,80', 'EA03,South,150', 'EA04,South,60', 'EA05,South,90'].join('\n');
const DESIGN = {
  title: 'DotM Ghana 2027',
  stages: [
    { unit: 'enumeration area', id: 'ea', method: 'pps', size: 'households', sampleSize: 2 },
    { unit: 'household', id: 'hh', cluster: 'ea', method: 'srs', by: 'screened', quotas: { migrant: 2, 'non-migrant': 1 } },
  ],
};

describe.runIf(need(chromiumTool(), 'the DotM pipeline in Chromium'))('a DotM survey from an empty server to final weights, in Chromium', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipeline-'));
  const passwords: Record<string, string> = {};
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    app = await startWebApp();
    fs.writeFileSync(path.join(dir, 'frame.csv'), FRAME);
    fs.writeFileSync(path.join(dir, 'design.json'), JSON.stringify(DESIGN));
    fs.writeFileSync(path.join(dir, 'rates.csv'), formatExchangeRates(exchangeRatesFor(2027)));
  }, 60_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await app?.close();
  });
  const q = async <T extends Record<string, unknown>>(sql: string, args: unknown[] = []) => (await app.db.query<T>(sql, args)).rows;
  async function open(user: string, width: number, height: number): Promise<{ page: Page; context: BrowserContext }> {
    const context = await app.browser.newContext({ viewport: { width, height } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('dialog', (d) => void d.accept());
    page.on('pageerror', (e) => console.log(`${user}'s page failed: ${e.message}`));
    await signIn(page, app.url, user, passwords[user] ?? app.adminPassword);
    return { page, context };
  }

  /** Every page at the three widths (no horizontal scroll, a screenshot each), then back to the page's own size. */
  async function shoot(page: Page, name: string) {
    const size = page.viewportSize()!;
    await checkWidths(page, name);
    await page.setViewportSize(size);
  }

  /** The enumerator lists her EA: four households, two of them with a former member abroad. */
  async function list(page: Page, caseId: string, ea: string, screenshot = false) {
    await page.locator(`li[data-case="${caseId}"]`).getByRole('button', { name: 'Start interview' }).click();
    await page.getByText('Saved on this device').waitFor();
    await page.locator('[data-question="listing_ea"] input').fill(ea);
    await page.getByRole('button', { name: 'Next section' }).click();
    for (let h = 1; h <= 4; h++) {
      await page.getByRole('button', { name: 'Add households of the area' }).click();
      const row = page.locator('details[open]').last();
      await row.locator('[data-question="dwelling"] input').fill(String(h));
      await row.locator('[data-question="household_no"] input').fill('1');
      await row.locator('[data-question="head_name"] input').fill(`Head ${ea}-${h}`);
      await row
        .locator('[data-question="l_member_abroad"]')
        .getByRole('radio', { name: h <= 2 ? 'Yes' : 'No', exact: true })
        .check();
      for (const name of ['l_member_returned', 'l_member_born_abroad', 'l_remit'])
        await row.locator(`[data-question="${name}"]`).getByRole('radio', { name: 'No', exact: true }).check();
    }
    if (screenshot) await shoot(page, 'interview');
    await page.getByRole('button', { name: 'Complete the interview' }).click();
    await page.getByRole('heading', { name: 'Fieldwork' }).waitFor();
  }

  /** A short household interview: no one abroad, one member. */
  async function interview(page: Page, caseId: string, head: string) {
    await page.locator(`li[data-case="${caseId}"]`).getByRole('button', { name: 'Start interview' }).click();
    await page.getByText('Saved on this device').waitFor();
    await page.locator('[data-question="s_member_abroad"]').getByRole('radio', { name: 'No', exact: true }).check();
    await fillSection(page);
    await page.getByRole('button', { name: 'Next section' }).click();
    await addMember(page, head, 'Female', 40, 'Head');
    await finish(page);
  }

  async function visit(page: Page, caseId: string, label: string) {
    const li = page.locator(`li[data-case="${caseId}"]`);
    await li.getByRole('button', { name: 'No interview: record the visit' }).click();
    await li.getByLabel('Result of the visit').selectOption({ label });
    await li.getByRole('button', { name: 'Save the visit' }).click();
  }

  it('runs the survey end to end', async () => {
    // 1. The admin: accounts and the team.
    const login = await (await app.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await login.goto(`${app.url}/login`);
    await login.getByLabel('User name').waitFor();
    await shoot(login, 'login');
    await login.context().close();
    const { page: admin } = await open('admin', 1280, 900);
    await shoot(admin, 'home');
    await admin.getByRole('link', { name: 'Users' }).click();
    await admin.getByRole('heading', { name: 'Users and teams' }).waitFor();
    for (const [username, role, supervisor] of [
      ['hq', 'Statistician (HQ)'],
      ['ama', 'Supervisor'],
      ['kojo', 'Enumerator', 'ama'],
      ['efua', 'Enumerator', 'ama'],
      ['nana', 'Analyst'],
    ] as const) {
      const form = admin.locator('form.new-account');
      await form.getByLabel('User name').fill(username);
      await form.getByLabel('Role of the new account').selectOption({ label: role });
      if (supervisor) await form.getByLabel('Supervisor of the new account').selectOption({ label: supervisor });
      await form.getByRole('button', { name: 'Generate a password' }).click();
      passwords[username] = await form.getByLabel('Password').inputValue();
      await form.getByRole('button', { name: 'Create the account' }).click();
      await expect.poll(() => admin.getByTestId('users-status').textContent()).toBe(`Created ${username}.`);
    }
    expect(
      await q(
        "SELECT u.username, u.role, s.username AS supervisor FROM users u LEFT JOIN users s ON s.id = u.supervisor_id WHERE u.role = 'enumerator' ORDER BY 1",
      ),
    ).toEqual([
      { username: 'efua', role: 'enumerator', supervisor: 'ama' },
      { username: 'kojo', role: 'enumerator', supervisor: 'ama' },
    ]);
    await shoot(admin, 'users');

    // 2. The statistician: the survey from the library, its currency and country, exchange rates, fieldwork.
    const { page: hq } = await open('hq', 1280, 900);
    await hq.getByRole('link', { name: 'Surveys' }).click();
    await hq.getByRole('heading', { name: 'New survey' }).waitFor();
    await shoot(hq, 'surveys');
    await hq.getByLabel('Title').fill('DotM Ghana 2027');
    await hq.getByLabel('Library questionnaire').selectOption('dotm-household');
    await hq.getByRole('button', { name: 'Create the survey' }).click();
    await hq.getByRole('heading', { name: 'DotM Ghana 2027' }).waitFor();
    await hq.locator('[data-setting=local_currency]').fill('GHS');
    await hq.locator('[data-setting=host_country]').fill('GHA');
    await hq.getByRole('button', { name: 'Publish the new version' }).click();
    await expect.poll(() => hq.getByTestId('survey-status').textContent()).toMatch(/is published/);
    await hq.getByLabel(/^Exchange-rate file/).setInputFiles(path.join(dir, 'rates.csv'));
    await expect.poll(() => hq.getByTestId('survey-status').textContent()).toBe('The exchange-rate table is replaced.');
    await hq.getByRole('button', { name: 'Start fieldwork' }).click();
    await expect.poll(() => hq.getByTestId('survey-state').textContent()).toBe('fieldwork');
    const [survey] = await q<{ id: string; state: string; currency: string }>(
      `SELECT s.id, s.state, (SELECT definition->'settings'->>'local_currency' FROM questionnaire_versions v WHERE v.survey_id = s.id ORDER BY published_at DESC LIMIT 1) AS currency
       FROM surveys s WHERE title = 'DotM Ghana 2027'`,
    );
    expect(survey).toMatchObject({ state: 'fieldwork', currency: 'GHS' });
    await shoot(hq, 'survey-setup');
    expect(await q('SELECT count(*)::int AS n FROM exchange_rates WHERE survey_id = $1', [survey.id])).toEqual([{ n: 1 }]);

    // 3. The frame and the design: the EAs drawn, the listing survey and one listing case per EA.
    await hq.getByRole('link', { name: 'Sample' }).click();
    await hq.getByRole('heading', { name: 'Sample and weights' }).waitFor();
    await hq.getByTestId('sample-survey').selectOption({ label: 'DotM Ghana 2027' });
    await hq.getByTestId('design-file').setInputFiles(path.join(dir, 'design.json'));
    await hq.getByTestId('frame-file').setInputFiles(path.join(dir, 'frame.csv'));
    await hq.getByLabel('Seed').fill('2027');
    await hq.getByLabel('kojo', { exact: true }).check();
    await hq.getByLabel('efua', { exact: true }).check();
    await hq.getByRole('button', { name: 'Draw the EAs' }).click();
    await expect.poll(() => hq.getByTestId('sample-status').textContent()).toMatch(/^2 EAs drawn/);
    await hq.getByTestId('sample-units').waitFor();
    const units = await q<{ unit: string; enumerator: string; case_id: string; listing_survey: string }>(
      `SELECT su.unit, u.username AS enumerator, a.id AS case_id, a.survey_id AS listing_survey FROM screening_units su
       JOIN assignments a ON a.id = su.listing_assignment_id JOIN users u ON u.id = a.enumerator_id WHERE su.survey_id = $1 ORDER BY su.position`,
      [survey.id],
    );
    expect(units.map((u) => u.enumerator)).toEqual(['kojo', 'efua']);
    expect(await q('SELECT state FROM surveys WHERE id = $1', [units[0].listing_survey])).toEqual([{ state: 'fieldwork' }]);
    await shoot(hq, 'sample');

    // 4. Listing: kojo on a phone, offline, then back online; efua on a tablet, online.
    const { page: kojo, context: kojoContext } = await open('kojo', 390, 844);
    await kojo.goto(`${app.url}/fieldwork`);
    await kojo.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await kojo.locator(`li[data-case="${units[0].case_id}"]`).waitFor();
    await shoot(kojo, 'fieldwork');
    await kojoContext.setOffline(true);
    await list(kojo, units[0].case_id, units[0].unit);
    await expect.poll(() => kojo.getByTestId('outbox').locator('li').count()).toBe(1);
    expect(await q('SELECT count(*)::int AS n FROM submissions WHERE assignment_id = $1', [units[0].case_id])).toEqual([{ n: 0 }]);
    await kojoContext.setOffline(false);
    await expect.poll(() => kojo.getByTestId('sent').locator('li').count(), { timeout: 30_000 }).toBe(1);
    const { page: efua } = await open('efua', 768, 1024);
    await efua.goto(`${app.url}/fieldwork`);
    await list(efua, units[1].case_id, units[1].unit, true);
    await expect.poll(() => efua.getByTestId('sent').locator('li').count(), { timeout: 30_000 }).toBe(1);
    // The enumerator's desk speaks her language (kept on the device for the interviews too), then English again.
    await efua.getByLabel('Language').selectOption('fr');
    await efua.getByRole('heading', { name: 'Envoyés (1)' }).waitFor();
    await efua.getByRole('button', { name: 'Nouvel entretien sans cas' }).first().waitFor();
    await efua.getByLabel('Langue').selectOption('en');
    await efua.getByRole('heading', { name: 'Sent (1)' }).waitFor();
    expect(
      await q("SELECT jsonb_array_length(answers->'listing') AS n FROM submissions WHERE assignment_id = ANY($1::uuid[]) ORDER BY 1", [
        units.map((u) => u.case_id),
      ]),
    ).toEqual([{ n: 4 }, { n: 4 }]);

    // 5. The listings closed (kojo's by the supervisor, efua's at HQ): households drawn with the quotas.
    const { page: ama } = await open('ama', 1280, 900);
    await ama.getByRole('link', { name: 'Sample' }).click();
    await ama.getByTestId('sample-survey').selectOption({ label: 'DotM Ghana 2027' });
    await ama.locator(`tr[data-unit="${units[0].unit}"]`).getByRole('button', { name: 'Close and draw households' }).click();
    await expect.poll(() => ama.getByTestId('sample-status').textContent()).toBe(`${units[0].unit}: 3 households drawn and assigned to kojo.`);
    await hq.reload();
    await hq.getByTestId('sample-survey').selectOption({ label: 'DotM Ghana 2027' });
    await hq.locator(`tr[data-unit="${units[1].unit}"]`).getByRole('button', { name: 'Close and draw households' }).click();
    await expect.poll(() => hq.getByTestId('sample-status').textContent()).toBe(`${units[1].unit}: 3 households drawn and assigned to efua.`);
    const cases = await q<{ id: string; enumerator: string; ea: string; status: string; w: number; head: string }>(
      `SELECT a.id, u.username AS enumerator, a.case_data->>'ea' AS ea, a.case_data->>'status_s' AS status,
         (a.case_data->>'design_weight')::float8 AS w, a.case_data->>'head_name' AS head
       FROM assignments a JOIN users u ON u.id = a.enumerator_id WHERE a.survey_id = $1 ORDER BY u.username DESC, a.case_data->>'hh'`,
      [survey.id],
    );
    expect(cases).toHaveLength(6);
    for (const [k, u] of units.entries()) {
      const mine = cases.filter((c) => c.ea === u.unit);
      expect(mine.map((c) => c.enumerator)).toEqual([u.enumerator, u.enumerator, u.enumerator]);
      expect(mine.filter((c) => c.status === 'migrant')).toHaveLength(2);
      expect(mine.every((c) => c.w > 0 && c.head.startsWith(`Head ${u.unit}`))).toBe(true);
      expect(await q('SELECT closed_at IS NOT NULL AS closed FROM screening_units WHERE survey_id = $1 AND unit = $2', [survey.id, units[k].unit])).toEqual([
        { closed: true },
      ]);
    }

    // 6. Interviews and outcomes: kojo interviews one household, records a refusal and a vacant dwelling; efua interviews two.
    await kojo.reload();
    const kojoCases = cases.filter((c) => c.enumerator === 'kojo');
    await kojo.locator(`li[data-case="${kojoCases[0].id}"]`).waitFor();
    await interview(kojo, kojoCases[0].id, 'Akosua');
    await visit(kojo, kojoCases[1].id, 'Refused (household)');
    await visit(kojo, kojoCases[2].id, 'Vacant dwelling');
    await efua.reload();
    const efuaCases = cases.filter((c) => c.enumerator === 'efua');
    await efua.locator(`li[data-case="${efuaCases[0].id}"]`).waitFor();
    await interview(efua, efuaCases[0].id, 'Adjoa');
    await interview(efua, efuaCases[1].id, 'Afua');
    await expect
      .poll(async () => (await q<{ n: number }>('SELECT count(*)::int AS n FROM submissions WHERE survey_id = $1', [survey.id]))[0].n, { timeout: 30_000 })
      .toBe(3);
    await expect
      .poll(async () => (await q<{ code: string }>('SELECT code FROM assignment_visits WHERE survey_id = $1 ORDER BY code', [survey.id])).map((v) => v.code), {
        timeout: 30_000,
      })
      .toEqual(['refused', 'vacant']);

    // 7. The supervisor approves the three interviews.
    await ama.getByRole('link', { name: 'Review', exact: true }).click();
    await ama.getByTestId('review-row').first().waitFor();
    await shoot(ama, 'review-list');
    for (let k = 0; k < 3; k++) {
      await ama.getByTestId('review-row').first().getByRole('link', { name: 'Review' }).click();
      if (k === 0) {
        await ama.getByRole('button', { name: 'Approve' }).waitFor();
        await shoot(ama, 'review');
      }
      await ama.getByRole('button', { name: 'Approve' }).click();
      await ama.getByTestId('review-message').filter({ hasText: 'approved (supervisor_approved)' }).waitFor();
    }
    expect(await q("SELECT count(*)::int AS n FROM submissions WHERE survey_id = $1 AND state = 'supervisor_approved'", [survey.id])).toEqual([{ n: 3 }]);

    // 8. Weights at HQ: previewed with the Kish table, then attached.
    await hq.reload();
    await hq.getByTestId('sample-survey').selectOption({ label: 'DotM Ghana 2027' });
    await hq.getByRole('button', { name: 'Preview the weights' }).click();
    await expect.poll(() => hq.getByTestId('weights-status').textContent()).toBe('Preview for 6 cases (3 interviewed); nothing is stored.');
    await hq.getByTestId('kish-table').getByRole('cell', { name: 'nonresponse' }).waitFor();
    expect(await q("SELECT count(*)::int AS n FROM assignments WHERE survey_id = $1 AND case_data ? 'final_weight'", [survey.id])).toEqual([{ n: 0 }]);
    await hq.getByRole('button', { name: 'Attach the final weights to the dataset' }).click();
    await expect.poll(() => hq.getByTestId('weights-status').textContent()).toMatch(/^Final weights attached to the dataset for 6 cases/);
    await hq.getByTestId('weights-attached').filter({ hasText: 'Outcomes have not changed since.' }).waitFor();
    await shoot(hq, 'weights');
    await hq.getByRole('link', { name: 'Progress' }).click();
    await hq.getByRole('heading', { name: 'Fieldwork progress' }).waitFor();
    await shoot(hq, 'progress');
    const weights = await q<{ id: string; w: number }>(`SELECT id, (case_data->>'final_weight')::float8 AS w FROM assignments WHERE survey_id = $1`, [
      survey.id,
    ]);
    const interviewed = new Set([kojoCases[0].id, efuaCases[0].id, efuaCases[1].id]);
    for (const w of weights) expect(w.w > 0, `case ${w.id}`).toBe(interviewed.has(w.id) || w.id === kojoCases[2].id);
    const settings = (await q<{ settings: { design: Record<string, unknown> } }>('SELECT settings FROM surveys WHERE id = $1', [survey.id]))[0].settings;
    expect(settings.design).toMatchObject({ weights: 'final_weight', ids: ['ea'] });

    // 9. The indicators use the final weights.
    const { page: nana } = await open('nana', 1280, 900);
    const indicators = await nana.evaluate(async (id) => {
      const r = await fetch(`/api/v1/surveys/${id}/indicators`);
      return { status: r.status, body: await r.json() };
    }, survey.id);
    expect(indicators.status, JSON.stringify(indicators.body).slice(0, 400)).toBe(200);
    expect(JSON.stringify(indicators.body)).toMatch(/"estimate":/);
    expect(JSON.stringify(indicators.body)).not.toContain('Head EA');
    await nana.getByRole('link', { name: 'Workspace' }).click();
    await nana.getByRole('heading', { name: 'Analysis workspace' }).waitFor();
    await shoot(nana, 'workspace');
    await nana.getByRole('link', { name: 'Monitoring' }).click();
    await nana.getByRole('heading', { name: 'Monitoring across survey rounds' }).waitFor();
    await shoot(nana, 'monitoring');
  }, 600_000);
});

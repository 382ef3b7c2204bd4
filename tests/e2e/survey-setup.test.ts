/**
 * A statistician sets a DotM survey up in Chromium: a survey from the library, its local currency and
 * host country published as a new questionnaire version, the dataset's design, the drawn households
 * assigned from the sample file (a whole EA to one enumerator, after a preview that names a bad row),
 * fieldwork started; the enumerators then see their cases. The database is checked after each step.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTool, need } from '../helpers/tools.js';
import { addEnumerator, checkWidths, signIn, startWebApp } from '../helpers/browser.js';
import { ROOT } from '../helpers/cli.js';
import { execFileSync } from 'node:child_process';

const SAMPLE = [
  'ea,hh,stratum_h,status,pi1,pi2,design_weight',
  'EA001,1-4,Coast,migrant,0.2,0.25,20',
  'EA001,1-9,Coast,non-migrant,0.2,0.1,50',
  'EA001,1-12,Coast,migrant,0.2,0.25,20',
  'EA002,2-3,North,migrant,0.1,0.5,20',
  'EA002,2-8,North,non-migrant,0.1,0.2,50',
  'EA003,3-1,North,migrant,0.1,0.5,20',
].join('\n');

describe.runIf(need(chromiumTool(), 'survey setup in Chromium'))('a statistician sets a survey up in Chromium', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  beforeAll(async () => {
    app = await startWebApp(async (db) => {
      await addEnumerator(db, 'kojo', 'kojo-password-1');
      await addEnumerator(db, 'efua', 'efua-password-1');
      const { hashPassword } = await import('../../server/auth/passwords.js');
      await db.query("INSERT INTO users (username, display_name, role, password_hash) VALUES ('hq', 'HQ statistician', 'statistician', $1)", [
        await hashPassword('hq-password-2026'),
      ]);
    });
  }, 60_000);
  afterAll(() => app?.close());

  it('library survey, settings as a new version, design, sample assigned by EA, fieldwork; the enumerators see their cases', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'setup-'));
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'ea,hh,enumerator\nEA001,1-4,kojo\nEA001,1-9,nobody\n');
    fs.writeFileSync(path.join(dir, 'households.csv'), SAMPLE);
    const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, app.url, 'hq', 'hq-password-2026');
    await page.getByRole('link', { name: 'Surveys' }).click();
    await page.getByRole('heading', { name: 'New survey' }).waitFor();
    await page.getByLabel('Title').fill('DotM Ghana 2027');
    await page.getByLabel('Library questionnaire').selectOption('dotm-household');
    await page.getByRole('button', { name: 'Create the survey' }).click();
    await page.getByRole('heading', { name: 'DotM Ghana 2027' }).waitFor();
    const survey = (await app.db.query<{ id: string; state: string }>("SELECT id, state FROM surveys WHERE title = 'DotM Ghana 2027'")).rows[0];
    expect(survey.state).toBe('draft');

    // The questionnaire's local currency and host country: a new version.
    await page.locator('[data-setting=local_currency]').fill('GHS');
    await page.locator('[data-setting=host_country]').fill('GHA');
    const version = await page.getByLabel('New version').inputValue();
    await page.getByRole('button', { name: 'Publish the new version' }).click();
    await expect.poll(() => page.getByTestId('survey-status').textContent()).toBe(`Version ${version} is published; new interviews use it.`);
    const versions = await app.db.query<{ version: string; currency: string; country: string }>(
      "SELECT version, definition::jsonb->'settings'->>'local_currency' AS currency, definition::jsonb->'settings'->>'host_country' AS country FROM questionnaire_versions WHERE survey_id = $1 ORDER BY published_at",
      [survey.id],
    );
    expect(versions.rows.length).toBe(2);
    expect(versions.rows[1]).toEqual({ version, currency: 'GHS', country: 'GHA' });

    // The design of the dataset, and the price basis.
    await page.getByLabel('Weight column').fill('design_weight');
    await page.getByLabel('Stratum column').fill('stratum_h');
    await page.getByLabel('Cluster columns (first stage first)').fill('ea');
    await page.getByLabel('Price basis of the amounts').fill('current prices, January 2027');
    await page.getByRole('button', { name: 'Save the design' }).click();
    await expect.poll(() => page.getByTestId('survey-status').textContent()).toBe('The design and price basis are saved.');
    const settings = (await app.db.query<{ settings: Record<string, unknown> }>('SELECT settings FROM surveys WHERE id = $1', [survey.id])).rows[0].settings;
    expect(settings).toMatchObject({
      design: { weights: 'design_weight', strata: 'stratum_h', ids: ['ea'], lonelyPsu: 'adjust' },
      money: { priceBasis: 'current prices, January 2027' },
    });

    // The EA draw on the server (sample select's code): the allocation by stratum, the selection ready to assign.
    execFileSync(process.execPath, [path.join(ROOT, 'examples', 'sampling', 'population.mjs'), 'frame', dir]);
    await page.getByLabel('Design (design.json)').setInputFiles(path.join(ROOT, 'examples', 'sampling', 'design.json'));
    await page.getByLabel('Frame of EAs (CSV)').setInputFiles(path.join(dir, 'frame.csv'));
    await page.getByRole('button', { name: 'Draw', exact: true }).click();
    await expect.poll(() => page.getByTestId('draw-result').textContent()).toMatch(/^40 first-stage units drawn \(seed 2026\)/);
    expect(await page.getByTestId('draw-result').locator('tbody tr').count()).toBeGreaterThan(1);

    // The sample file: a bad one is previewed with its rows named; the right one is assigned a whole EA to one enumerator.
    await page.getByLabel(/Sample file/).setInputFiles(path.join(dir, 'bad.csv'));
    await page.getByRole('radio', { name: 'From the column' }).check();
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.getByTestId('assign-preview').textContent()).toContain('Row 3, column enumerator: "nobody" is not an active enumerator');
    expect(await page.getByRole('button', { name: /^Assign/ }).isDisabled()).toBe(true);
    expect((await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM assignments')).rows[0].n).toBe(0);
    await page.getByRole('radio', { name: /In turn/ }).check();
    await page.locator('label', { hasText: 'kojo' }).getByRole('checkbox').check();
    await page.locator('label', { hasText: 'efua' }).getByRole('checkbox').check();
    await page.getByLabel(/Sample file/).setInputFiles(path.join(dir, 'households.csv'));
    await page.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => page.getByTestId('assign-preview').textContent()).toMatch(/^6 cases: /);
    await page.getByRole('button', { name: 'Assign 6 cases' }).click();
    await expect.poll(() => page.getByTestId('survey-status').textContent()).toBe('6 cases assigned.');
    const byEa = await app.db.query<{ ea: string; who: string; n: number }>(
      `SELECT a.case_data->>'ea' AS ea, string_agg(DISTINCT u.username, ',') AS who, count(*)::int AS n
       FROM assignments a JOIN users u ON u.id = a.enumerator_id WHERE a.survey_id = $1 GROUP BY 1 ORDER BY 1`,
      [survey.id],
    );
    expect(byEa.rows.map((r) => [r.ea, r.n])).toEqual([
      ['EA001', 3],
      ['EA002', 2],
      ['EA003', 1],
    ]);
    expect(byEa.rows.every((r) => !r.who.includes(','))).toBe(true);

    await page.getByRole('button', { name: 'Start fieldwork' }).click();
    await expect.poll(() => page.getByTestId('survey-state').textContent()).toBe('fieldwork');
    await checkWidths(page, 'survey-setup');
    await context.close();

    // Kojo sees the survey and his EA's cases (and nobody else's).
    const tablet = await app.browser.newContext({ viewport: { width: 390, height: 844 } });
    const kojo = await tablet.newPage();
    await signIn(kojo, app.url, 'kojo', 'kojo-password-1');
    await kojo.goto(`${app.url}/fieldwork`);
    await kojo.getByText('DotM Ghana 2027').first().waitFor();
    const kojoCases = (
      await app.db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM assignments a JOIN users u ON u.id = a.enumerator_id WHERE a.survey_id = $1 AND u.username = 'kojo'",
        [survey.id],
      )
    ).rows[0].n;
    await expect.poll(() => kojo.getByRole('button', { name: 'Start interview' }).count()).toBe(kojoCases);
    // Each case is labelled by what finds the household, not by the design's probabilities and weights.
    const label = (await kojo.locator('ul.cases li').first().textContent())!;
    expect(label).toMatch(/^ea EA00\d · hh \d-\d+ · /);
    expect(label).toMatch(/ · status (migrant|non-migrant)/);
    expect(label).not.toMatch(/pi1|design_weight|0\.2/);
    // A visit without an interview: a refusal recorded online, then one recorded offline and sent when the connection is back.
    const first = kojo.locator('ul.cases li').first();
    await first.getByRole('button', { name: 'No interview: record the visit' }).click();
    await first.getByLabel('Result of the visit').selectOption({ label: 'Refused (household)' });
    await first.getByRole('button', { name: 'Save the visit' }).click();
    await expect.poll(async () => (await app.db.query<{ code: string }>('SELECT code FROM assignment_visits')).rows.map((r) => r.code)).toEqual(['refused']);
    await expect.poll(() => first.textContent()).toContain('last visit: Refused (household)');
    await tablet.setOffline(true);
    const second = kojo.locator('ul.cases li').nth(1);
    await second.getByRole('button', { name: 'No interview: record the visit' }).click();
    await second.getByLabel('Result of the visit').selectOption({ label: 'Vacant dwelling' });
    await second.getByRole('button', { name: 'Save the visit' }).click();
    await expect.poll(() => second.textContent()).toContain('Vacant dwelling (not sent yet)');
    await tablet.setOffline(false);
    await kojo.getByRole('button', { name: 'Send now' }).click();
    await expect
      .poll(async () => (await app.db.query<{ code: string }>('SELECT code FROM assignment_visits ORDER BY visited_at')).rows.map((r) => r.code))
      .toEqual(['refused', 'vacant']);
    await tablet.close();

    // HQ follows progress by EA: the cases of each, sortable, without reloading.
    const hq = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await hq.newPage();
    p.setDefaultTimeout(10_000);
    await signIn(p, app.url, 'hq', 'hq-password-2026');
    await p.getByRole('link', { name: 'Progress' }).click();
    await p.getByLabel('By').selectOption('ea');
    await expect.poll(() => p.locator('tr[data-group=EA001] td').nth(1).textContent()).toBe('3');
    // Kojo's refusal and vacant dwelling are in the outcomes of their EAs.
    const total = p.locator('tfoot td');
    const headers = await p.locator('thead th').allTextContents();
    expect(await total.nth(headers.indexOf('Refused')).textContent()).toBe('1');
    expect(await total.nth(headers.indexOf('Not eligible')).textContent()).toBe('1');
    expect(await p.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-group')))).toEqual(['EA001', 'EA002', 'EA003']);
    await p.getByRole('button', { name: 'Cases' }).click(); // most cases first
    expect(await p.locator('tbody tr').first().getAttribute('data-group')).toBe('EA001');
    await p.getByRole('button', { name: 'Cases' }).click();
    expect(await p.locator('tbody tr').first().getAttribute('data-group')).toBe('EA003');
    await checkWidths(p, 'progress');
    await hq.close();
  }, 120_000);

  it('composes modules into a host: the clashes named until the names are mapped, then the survey is created', async () => {
    const context = await app.browser.newContext({ viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await signIn(page, app.url, 'hq', 'hq-password-2026');
    await page.getByRole('link', { name: 'Surveys' }).click();
    await page.getByLabel('Title').fill('LFS 2027 with migration');
    await page.getByLabel('By composing modules into a host').check();
    await page.getByLabel('Host questionnaire').selectOption('example-lfs-core');
    await page.getByRole('checkbox', { name: /\(lfs-migration\)$/ }).check();
    await page.getByRole('button', { name: 'Compose and check' }).click();
    await page.getByTestId('compose-clashes').waitFor();
    expect(await page.getByTestId('compose-clashes').locator('li').count()).toBeGreaterThan(0);
    await page.getByLabel(/^Names in the host/).fill('members=persons, name=q_name, sex=q_sex, age=q_age, relation=q_rel');
    await page.getByRole('button', { name: 'Compose and check' }).click();
    await page.getByTestId('compose-result').waitFor();
    await page.getByRole('button', { name: 'Create the survey' }).click();
    await page.getByRole('heading', { name: 'LFS 2027 with migration' }).waitFor();
    const row = (
      await app.db.query<{ qid: string; n: number }>(
        `SELECT v.questionnaire_id AS qid, jsonb_array_length(v.definition::jsonb->'items') AS n FROM surveys s JOIN questionnaire_versions v ON v.survey_id = s.id WHERE s.title = 'LFS 2027 with migration'`,
      )
    ).rows;
    expect(row).toHaveLength(1);
    expect(row[0].n).toBeGreaterThan(0);
    await context.close();
  }, 60_000);
});

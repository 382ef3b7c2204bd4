/**
 * A household form as an office writes it in XLSForm, carried all the way: written as a workbook with a
 * help sheet, an annotation column, two groups with the same name, smart quotes in an expression, GPS,
 * a photo, `or_other`, choices from a CSV attached with select_one_from_file and a price from another
 * with pulldata; converted by `mdsurvey questionnaire import-xlsform` (the CLI as users run it); fielded
 * in the enumerator's app in Chromium; the interview stored, its photo uploaded after it, and the
 * export read back equal to the answers given.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTool, need } from '../helpers/tools.js';
import { addEnumerator, addFieldworkSurvey, screenshotDir, signIn, startWebApp } from '../helpers/browser.js';
import { runMdsurvey } from '../helpers/cli.js';
import { writeXlsformWorkbook, type SheetModel, type Questionnaire } from '../../questionnaires/index.js';

const sheet = (header: string[], rows: Record<string, string>[]) => ({ header, rows: rows.map((cells, k) => ({ line: k + 2, cells })) });

/** The workbook, as an office would write it (help sheet, question numbers, a group name used twice). */
function householdWorkbook(): SheetModel {
  return {
    survey: sheet(
      ['type', 'name', 'label', 'hint', 'relevant', 'constraint', 'constraint_message', 'calculation', 'required', 'question_no'],
      [
        { type: 'start', name: 'started' },
        { type: 'deviceid', name: 'device' },
        { type: 'begin group', name: 'identification', label: 'Household identification' },
        { type: 'select_one_from_file regions.csv', name: 'region', label: 'Region', required: 'yes', question_no: 'A1' },
        { type: 'geopoint', name: 'gps', label: 'Location of the dwelling', question_no: 'A2' },
        { type: 'image', name: 'dwelling_photo', label: 'Photo of the dwelling', question_no: 'A3' },
        { type: 'integer', name: 'rooms', label: 'Number of rooms', required: 'yes', question_no: 'A4' },
        { type: 'end group', name: '' },
        { type: 'begin repeat', name: 'members', label: 'Household members' },
        { type: 'text', name: 'member_name', label: 'Name', required: 'yes', question_no: 'B1' },
        {
          type: 'integer',
          name: 'age',
          label: 'Age of ${member_name}',
          constraint: '. >= 0 and . <= 120',
          constraint_message: 'Age is 0 to 120',
          question_no: 'B2',
        },
        { type: 'begin group', name: 'details', label: 'Details' },
        { type: 'select_one sex', name: 'sex', label: 'Sex', question_no: 'B3' },
        { type: 'end group', name: '' },
        { type: 'end repeat', name: '' },
        { type: 'begin group', name: 'agriculture', label: 'Agriculture' },
        { type: 'select_one crops', name: 'main_crop', label: 'Main crop', question_no: 'C1' },
        { type: 'calculate', name: 'crop_price', calculation: "pulldata('prices', 'price', 'crop', ${main_crop})" },
        { type: 'note', name: 'price_note', label: 'Reference price of ${main_crop}: ${crop_price} per kg.' },
        // Smart quotes, as a word processor writes them: pyxform makes them plain.
        { type: 'integer', name: 'harvest_kg', label: 'Harvest (kg)', relevant: '${main_crop} != \u2018none\u2019', question_no: 'C2' },
        { type: 'select_one water or_other', name: 'water', label: 'Main source of drinking water', question_no: 'C3' },
        { type: 'begin group', name: 'details', label: 'Harvest details' },
        { type: 'decimal', name: 'sold_share', label: 'Share of the harvest sold (0-1)', constraint: '. >= 0 and . <= 1', question_no: 'C4' },
        { type: 'end group', name: '' },
        { type: 'end group', name: '' },
      ],
    ),
    choices: sheet(
      ['list_name', 'name', 'label'],
      [
        { list_name: 'sex', name: '1', label: 'Male' },
        { list_name: 'sex', name: '2', label: 'Female' },
        { list_name: 'crops', name: 'maize', label: 'Maize' },
        { list_name: 'crops', name: 'rice', label: 'Rice' },
        { list_name: 'crops', name: 'none', label: 'No crop' },
        { list_name: 'water', name: 'piped', label: 'Piped water' },
        { list_name: 'water', name: 'well', label: 'Protected well' },
      ],
    ),
    settings: sheet(['form_title', 'form_id', 'version'], [{ form_title: 'Household survey (pilot)', form_id: 'hh_pilot', version: '2026120101' }]),
    help: sheet(['topic', 'text'], [{ topic: 'GPS', text: 'Stand at the main door.' }]),
  };
}

// A 1x1 PNG: the photo the enumerator takes.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

describe.runIf(need(chromiumTool(), 'an XLSForm household form fielded in Chromium'))('an XLSForm household form, from workbook to export', () => {
  let app: Awaited<ReturnType<typeof startWebApp>>;
  let surveyId = '';
  let q: Questionnaire;
  let warnings = '';
  beforeAll(async () => {
    // The office's files: the workbook and its two CSV attachments, side by side.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xlsform-hh-'));
    fs.writeFileSync(path.join(dir, 'household.xlsx'), await writeXlsformWorkbook(householdWorkbook()));
    fs.writeFileSync(path.join(dir, 'regions.csv'), 'name,label\nN,North\nS,South\n');
    fs.writeFileSync(path.join(dir, 'prices.csv'), 'crop,price\nmaize,350\nrice,900\n');
    const r = await runMdsurvey(['questionnaire', 'import-xlsform', path.join(dir, 'household.xlsx'), '--out', path.join(dir, 'household.json')]);
    expect(r.code, r.stderr).toBe(0);
    warnings = r.stderr;
    q = JSON.parse(fs.readFileSync(path.join(dir, 'household.json'), 'utf8')) as Questionnaire;
    app = await startWebApp(async (d) => {
      const enumId = await addEnumerator(d, 'kofi', 'kofi-password-1');
      surveyId = await addFieldworkSurvey(d, 'Household pilot', q);
      await d.query('INSERT INTO assignments (survey_id, enumerator_id, case_data) VALUES ($1, $2, $3)', [
        surveyId,
        enumId,
        JSON.stringify({ ea: 'EA07', address: 'Plot 12' }),
      ]);
    });
  }, 120_000);
  afterAll(() => app?.close());

  it('imports with warnings for what ODK ignores, and carries the price list inside the questionnaire', () => {
    expect(warnings).toMatch(/sheet "help" is not part of the form/);
    expect(warnings).toMatch(/column "question_no" is not an XLSForm column: left aside as an annotation/);
    expect(warnings).toMatch(/group "details" is named like an earlier one; it is "details_2" here/);
    expect(q.attachments?.['prices.csv']?.rows).toEqual([
      ['maize', '350'],
      ['rice', '900'],
    ]);
    expect(JSON.stringify(q.items)).toContain(`"relevant":"\${main_crop} != 'none'"`);
  });

  it('is filled in the app (GPS, photo, roster, or_other, choices from a file), sent, and exported as answered', async () => {
    const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['geolocation'] });
    await context.setGeolocation({ latitude: 5.6037, longitude: -0.187, accuracy: 8 });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    await signIn(page, app.url, 'kofi', 'kofi-password-1');
    await page.goto(`${app.url}/fieldwork`);
    await page.locator('li', { hasText: 'Plot 12' }).getByRole('button', { name: 'Start interview' }).click();
    await page.getByText('Saved on this device').waitFor();

    // Identification: a region from regions.csv, the device's location, a photo.
    await page.getByRole('radio', { name: 'South' }).check();
    await page.getByRole('button', { name: "Use this device's location" }).click();
    await page.getByText(/Location recorded/).waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: 'house.png', mimeType: 'image/png', buffer: PNG });
    await page.getByText(/Kept on this device/).waitFor();
    await page.getByTestId('media-answer').locator('img').waitFor();
    await page.getByRole('button', { name: 'Next section' }).click();

    // Members: a roster row.
    await page.getByRole('button', { name: /^Add/ }).click();
    await page.getByLabel('Name').last().fill('Akosua');
    // A whole-number question keeps 34.5 as typed and says it is not whole (never truncated to 34); the error is tied to the input.
    const age = page.getByLabel('Age of Akosua');
    await age.fill('34.5');
    await expect.poll(() => age.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await age.getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toMatch(/whole number/);
    expect(await age.inputValue()).toBe('34.5');
    await age.fill('34');
    await expect.poll(() => age.getAttribute('aria-invalid')).toBeNull();
    expect(await page.getByLabel('Name').last().getAttribute('aria-required')).toBe('true');
    await page.getByRole('radio', { name: 'Female' }).check();
    await page.getByRole('button', { name: 'Next section' }).click();

    // Agriculture: pulldata fills the price into the note; or_other asks to specify.
    await page.getByRole('radio', { name: 'Rice' }).check();
    await page.getByText('Reference price of rice: 900 per kg.').waitFor();
    await page.getByLabel('Harvest (kg)').fill('1200');
    await page.getByRole('radio', { name: 'Other' }).check();
    await page.getByLabel('Specify other.').fill('Rainwater tank');
    await page.getByLabel('Share of the harvest sold (0-1)').fill('0.25');
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await page.screenshot({ path: path.join(screenshotDir(), 'xlsform-household.png'), fullPage: true });
    // The number of rooms was left unanswered: completing names it, and its link opens its question.
    await page.getByRole('button', { name: 'Complete the interview' }).click();
    const toFix = page.getByTestId('to-fix');
    await toFix.getByRole('button', { name: 'Number of rooms' }).click();
    await expect
      .poll(() => page.evaluate(() => (document.activeElement as HTMLElement | null)?.closest('[data-question]')?.getAttribute('data-question')))
      .toBe('rooms');
    await page.getByLabel('Number of rooms').fill('3');
    await page.getByRole('button', { name: 'Agriculture' }).click();
    await page.getByRole('button', { name: 'Complete the interview' }).click();
    await page.getByRole('heading', { name: 'Fieldwork' }).waitFor();
    await expect.poll(() => page.getByTestId('sent').locator('li').count()).toBe(1);

    // The database holds the answers as given, and the photo, uploaded after its interview.
    const stored = (
      await app.db.query<{ instance_id: string; answers: Record<string, unknown> }>('SELECT instance_id, answers FROM submissions WHERE survey_id = $1', [
        surveyId,
      ])
    ).rows;
    expect(stored).toHaveLength(1);
    const a = stored[0].answers;
    expect(a).toMatchObject({ region: 'S', rooms: 3, main_crop: 'rice', harvest_kg: 1200, water: 'other', water_other: 'Rainwater tank', sold_share: 0.25 });
    expect(String(a.crop_price)).toBe('900');
    expect(String(a.gps)).toMatch(/^5\.603700 -0\.187000 /);
    expect(a.members).toEqual([expect.objectContaining({ member_name: 'Akosua', age: 34, sex: '2' })]);
    const photo = String(a.dwelling_photo);
    expect(photo).toMatch(/^[0-9a-f-]{36}\.png$/);
    await expect
      .poll(async () => (await app.db.query<{ sha256: string }>('SELECT sha256 FROM submission_media WHERE name = $1', [photo])).rows[0]?.sha256, {
        timeout: 20_000,
      })
      .toBe(createHash('sha256').update(PNG).digest('hex'));
    await context.close();

    // HQ reads it back: the export has the answers as given, and the photo is downloadable byte for byte.
    const login = await fetch(`${app.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: app.adminPassword, token: true }),
    });
    const token = ((await login.json()) as { token: string }).token;
    const get = (p: string) => fetch(`${app.url}/api/v1${p}`, { headers: { authorization: `Bearer ${token}` } });
    const household = parse(await (await get(`/surveys/${surveyId}/export/household.csv?states=completed`)).text(), { columns: true }) as Record<
      string,
      string
    >[];
    expect(household).toHaveLength(1);
    expect(household[0]).toMatchObject({
      region: 'S',
      main_crop: 'rice',
      crop_price: '900',
      harvest_kg: '1200',
      water: 'other',
      water_other: 'Rainwater tank',
      sold_share: '0.25',
      dwelling_photo: photo,
    });
    expect(household[0].gps).toMatch(/^5\.603700 -0\.187000 /);
    const members = parse(await (await get(`/surveys/${surveyId}/export/members.csv?states=completed`)).text(), { columns: true }) as Record<string, string>[];
    expect(members).toEqual([expect.objectContaining({ member_name: 'Akosua', age: '34', sex: '2' })]);
    const file = await get(`/surveys/${surveyId}/submissions/${stored[0].instance_id}/media/${photo}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
  }, 120_000);
});

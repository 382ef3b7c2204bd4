/**
 * Setting a survey up through the API, on PGlite and PostgreSQL: a questionnaire from an uploaded
 * XLSForm (with its attachments), and the second-stage sample of `mdsurvey sample select` assigned to
 * enumerators from its CSV (a preview with every problem by row first; a whole EA to one enumerator).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '../helpers/databases.js';
import { startApi, tinySubmission, TINY } from '../helpers/api.js';
import { ROOT, runMdsurvey } from '../helpers/cli.js';
import { FIXTURES } from '../helpers/reference.js';
import type { Database } from '../../server/db/index.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-setup-'));
let households = '';
beforeAll(async () => {
  // The worked example of the README: frame, EA draw, listing, household draw.
  const population = path.join(ROOT, 'examples', 'sampling', 'population.mjs');
  const design = path.join(ROOT, 'examples', 'sampling', 'design.json');
  execFileSync(process.execPath, [population, 'frame', work]);
  expect(
    (
      await runMdsurvey([
        'sample',
        'select',
        '--design',
        design,
        '--frame',
        path.join(work, 'frame.csv'),
        '--seed',
        '2026',
        '--out',
        path.join(work, 'eas.csv'),
      ])
    ).code,
  ).toBe(0);
  execFileSync(process.execPath, [population, 'list', work]);
  const r = await runMdsurvey([
    'sample',
    'select',
    '--design',
    design,
    '--frame',
    path.join(work, 'frame.csv'),
    '--listing',
    path.join(work, 'listing.csv'),
    '--seed',
    '2026',
    '--out',
    path.join(work, 'households.csv'),
  ]);
  expect(r.code, r.stderr).toBe(0);
  households = fs.readFileSync(path.join(work, 'households.csv'), 'utf8');
}, 120_000);

describe.each(testDatabaseTargets())('setting a survey up on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;
  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    surveyId = (await api.as('stat').post('/surveys', { title: 'Two-phase', questionnaire: TINY })).body.survey.id;
  });
  afterAll(async () => {
    await api?.close();
    await db?.close();
    await target.cleanup();
  });

  it('converts an uploaded XLSForm with its attachments; a missing one is named, nothing else is guessed', async () => {
    const xlsx = fs.readFileSync(path.join(FIXTURES, 'xlsform', 'pyxform-tests', 'example_xls__pull_data.xlsx')).toString('base64');
    const missing = await api.as('stat').post('/xlsform', { workbook: xlsx, fileName: 'pull_data.xlsx' });
    expect(missing.status).toBe(422);
    expect(missing.body.code).toBe('xlsform-unsupported');
    expect(missing.body.errors[0].message).toMatch(/"fruits.csv" read by pulldata\(\) is not with the workbook/);
    const fruits = Buffer.from('name,label\nmango,Mango\n').toString('base64');
    const ok = await api.as('stat').post('/xlsform', { workbook: xlsx, fileName: 'pull_data.xlsx', attachments: { 'fruits.csv': fruits } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.questionnaire.attachments['fruits.csv'].rows).toEqual([['mango', 'Mango']]);
    // The questionnaire it gives is the one a survey is created with.
    const created = await api.as('stat').post('/surveys', { title: 'From XLSForm', questionnaire: ok.body.questionnaire });
    expect(created.status).toBe(201);
    // Bytes that are no workbook: a 422 with the reason, never a 500.
    const junk = await api.as('stat').post('/xlsform', { workbook: Buffer.from('type,name\n').toString('base64') });
    expect([junk.status, junk.body.code]).toEqual([422, 'xlsform-unsupported']);
    const legacy = fs.readFileSync(path.join(FIXTURES, 'xlsform', 'pyxform-tests', 'example_xls__gps.xls')).toString('base64');
    const fromXls = await api.as('stat').post('/xlsform', { workbook: legacy, fileName: 'gps.xls' });
    expect(fromXls.status).toBe(200);
    expect(fromXls.body.questionnaire.items[0]).toMatchObject({ type: 'geopoint' });
  });

  it('draws on the server exactly what sample select draws: the EAs, then the households of their listing', async () => {
    const design = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples', 'sampling', 'design.json'), 'utf8'));
    const frame = fs.readFileSync(path.join(work, 'frame.csv'), 'utf8');
    const eas = await api.as('stat').post(`/surveys/${surveyId}/sample/draw`, { design, frame, seed: 2026 });
    expect(eas.status, JSON.stringify(eas.body).slice(0, 300)).toBe(200);
    expect(eas.body.stage).toBe('first stage');
    expect(eas.body.csv).toBe(fs.readFileSync(path.join(work, 'eas.csv'), 'utf8'));
    const listing = fs.readFileSync(path.join(work, 'listing.csv'), 'utf8');
    const hh = await api.as('stat').post(`/surveys/${surveyId}/sample/draw`, { design, frame, listing, seed: 2026 });
    expect(hh.body.stage).toBe('households');
    expect(hh.body.csv).toBe(households);
    // A bad design is a 422 naming what is wrong, never a 500.
    const bad = await api.as('stat').post(`/surveys/${surveyId}/sample/draw`, { design: { stages: [] }, frame, seed: 1 });
    expect(bad.status).toBe(422);
    expect((await api.as('sup').post(`/surveys/${surveyId}/sample/draw`, { design, frame, seed: 1 })).status).toBe(403);
  });

  it('previews a sample file with every problem by row, and creates nothing until it is right', async () => {
    const bad = 'ea,hh,status,enumerator,quota\nEA1,1,migrant,enum,1\nEA1,2,migrant,nobody,1\nEA2,3,non-migrant,enum,2.5\n';
    const preview = await api.as('stat').post(`/surveys/${surveyId}/assignments/import`, { csv: bad, quotaColumn: 'quota', dryRun: true });
    expect(preview.status).toBe(200);
    expect(preview.body.problems).toEqual([
      { row: 3, column: 'enumerator', message: '"nobody" is not an active enumerator' },
      { row: 4, column: 'quota', message: 'quota "2.5" is not a whole number from 1 to 1000' },
    ]);
    const refused = await api.as('stat').post(`/surveys/${surveyId}/assignments/import`, { csv: bad, quotaColumn: 'quota' });
    expect(refused.status).toBe(422);
    expect(refused.body.errors.map((e: { path: string }) => e.path)).toEqual(['row 3, column enumerator', 'row 4, column quota']);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM assignments WHERE survey_id = $1', [surveyId])).rows[0].n).toBe(0);
    // A supervisor assigns only to her team.
    const notTeam = await api.as('sup').post(`/surveys/${surveyId}/assignments/import`, { csv: 'ea,enumerator\nEA9,enum2\n', dryRun: true });
    expect(notTeam.body.problems[0].message).toBe('"enum2" is not an active enumerator of your team');
  });

  it('assigns the drawn households of sample select, a whole EA to one enumerator, design variables kept as numbers', async () => {
    const rows = parse(households, { columns: true }) as Record<string, string>[];
    const eas = new Set(rows.map((r) => r.ea));
    const r = await api.as('stat').post(`/surveys/${surveyId}/assignments/import`, { csv: households, enumerators: ['enum', 'enum2'], groupBy: 'ea' });
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(201);
    expect(r.body.created).toBe(rows.length);
    const stored = await db.query<{ ea: string; n_enumerators: number; weight_is_number: boolean }>(
      `SELECT case_data->>'ea' AS ea, count(DISTINCT enumerator_id)::int AS n_enumerators,
              bool_and(jsonb_typeof(case_data->'${Object.keys(rows[0]).find((k) => /weight|^w$|^pi/.test(k)) ?? 'hh'}') = 'number') AS weight_is_number
       FROM assignments WHERE survey_id = $1 GROUP BY 1`,
      [surveyId],
    );
    expect(stored.rows.length).toBe(eas.size);
    expect(stored.rows.every((x) => x.n_enumerators === 1)).toBe(true);
    expect(stored.rows.every((x) => x.weight_is_number)).toBe(true);
    // Each enumerator got about half the EAs.
    const per = Object.values(r.body.preview.perEnumerator as Record<string, number>);
    expect(per.length).toBe(2);
  });

  it('reports fieldwork progress by enumerator, EA and screening status, from the cases and the interviews themselves', async () => {
    await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
    const mine = (await api.as('enum').get(`/surveys/${surveyId}/assignments`)).body.assignments as { id: string; case: Record<string, unknown> }[];
    const at = (minutes: number) => ({ start: '2026-12-01T08:00:00Z', end: new Date(Date.parse('2026-12-01T08:00:00Z') + minutes * 60_000).toISOString() });
    const sent: string[] = [];
    for (const [k, minutes] of [50, 40, 5].entries()) {
      const s = { ...tinySubmission({ assignmentId: mine[k].id }), paradata: at(minutes) };
      expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, s)).status).toBe(201);
      sent.push(s.instanceId);
    }
    expect((await api.as('sup').post(`/surveys/${surveyId}/submissions/${sent[0]}/review`, { action: 'approve' })).status).toBe(200);
    const byEnumerator = (await api.as('stat').get(`/surveys/${surveyId}/progress?by=enumerator`)).body;
    const enumRow = byEnumerator.rows.find((r: { key: string }) => r.key === 'enum');
    expect(enumRow).toMatchObject({
      cases: mine.length,
      quota: mine.length,
      interviews: 3,
      states: { completed: 2, supervisor_approved: 1, rejected: 0, hq_approved: 0 },
      waitingReview: 2,
      medianMinutes: 40,
      short: 1, // 5 minutes, under a third of the survey's median (40)
    });
    expect(enumRow.responseRate).toBeCloseTo(3 / mine.length, 12);
    expect(byEnumerator.total.interviews).toBe(3);
    // By screening status: the cases' own field.
    const byStatus = (await api.as('stat').get(`/surveys/${surveyId}/progress?by=status`)).body;
    const statuses = new Map(mine.slice(0, 3).map((c) => [String(c.case.status), 0]));
    for (const c of mine.slice(0, 3)) statuses.set(String(c.case.status), statuses.get(String(c.case.status))! + 1);
    for (const [status, n] of statuses) expect(byStatus.rows.find((r: { key: string }) => r.key === status).interviews).toBe(n);
    // A supervisor sees her team only (enum2 is in no team of hers).
    const team = (await api.as('sup').get(`/surveys/${surveyId}/progress?by=enumerator`)).body.rows.map((r: { key: string }) => r.key);
    expect(team).toEqual(['enum']);
    expect((await api.as('stat').get(`/surveys/${surveyId}/progress?by=a;b`)).status).toBe(400);

    // Visits without an interview, with their AAPOR dispositions: a refusal and a vacant dwelling.
    const visit = (who: string, caseId: string, code: string, id = randomUUID()) =>
      api.call('POST', `/surveys/${surveyId}/assignments/${caseId}/visits`, { id, code, visitedAt: '2026-12-01T10:00:00Z' }, api.users[who].token);
    const refusalId = randomUUID();
    expect((await visit('enum', mine[3].id, 'refused', refusalId)).status).toBe(201);
    expect((await visit('enum', mine[3].id, 'refused', refusalId)).status).toBe(200); // a retry stores nothing twice
    expect((await visit('enum', mine[4].id, 'vacant')).status).toBe(201);
    expect((await visit('enum2', mine[5].id, 'refused')).status).toBe(403);
    expect((await visit('enum', mine[5].id, 'on_holiday')).status).toBe(422);
    const after = (await api.as('stat').get(`/surveys/${surveyId}/progress?by=enumerator`)).body.rows.find((r: { key: string }) => r.key === 'enum');
    expect(after.outcomes).toEqual({ interviewed: 3, refused: 1, vacant: 1, pending: mine.length - 5 });
    expect(after.notEligible).toBe(1);
    // AAPOR RR1: interviews over the cases that are, or may be, eligible.
    expect(after.responseRate).toBeCloseTo(3 / (mine.length - 1), 12);
  });

  it('exports every case with its outcome, and mdsurvey weights adjusts for nonresponse on it', async () => {
    const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/cases.csv`, { headers: { authorization: `Bearer ${api.users.stat.token}` } });
    expect(res.status).toBe(200);
    const text = await res.text();
    const rows = parse(text, { columns: true }) as Record<string, string>[];
    expect(rows.length).toBe((parse(households, { columns: true }) as unknown[]).length);
    const count = (k: string, v: string) => rows.filter((r) => r[k] === v).length;
    expect([count('result', 'respondent'), count('result', 'nonrespondent'), count('result', 'ineligible')]).toEqual([3, 1, 1]);
    expect(count('outcome', 'refused')).toBe(1);
    expect(rows.find((r) => r.outcome === 'vacant')!.aapor).toBe('4.60');
    expect(rows.filter((r) => r.result === 'respondent').every((r) => /^[0-9a-f-]{36}$/.test(r.interview_id))).toBe(true);
    fs.writeFileSync(path.join(work, 'cases.csv'), text);
    const w = await runMdsurvey([
      'weights',
      path.join(work, 'cases.csv'),
      '--design',
      path.join(ROOT, 'examples', 'sampling', 'design.json'),
      '--nonresponse',
      'result',
      '--out',
      path.join(work, 'weighted-cases.csv'),
    ]);
    expect(w.code, w.stderr).toBe(0);
    const weighted = parse(fs.readFileSync(path.join(work, 'weighted-cases.csv')), { columns: true }) as Record<string, string>[];
    // One class: respondents carry the weight of the nonrespondents (and of the cases of unknown eligibility).
    const respondents = weighted.filter((r) => r.result === 'respondent');
    expect(respondents.every((r) => Number(r.final_weight) > Number(r.design_weight))).toBe(true);
    expect(weighted.filter((r) => r.result === 'nonrespondent').every((r) => Number(r.final_weight) === 0)).toBe(true);
  });
});

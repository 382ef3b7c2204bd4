// The two-phase screening sample run by the server (issue 17), through the API as a survey team runs it:
// frame and design -> EAs drawn, listing survey and cases -> listings sent -> each EA's listing closed,
// households drawn by screening status with quotas -> interviews and visit outcomes (a refusal, a vacant
// dwelling) -> weights at HQ with the Kish table -> the dataset's weights -> /indicators. The database
// is checked at each step; the draw equals `sample select --listing` on the same inputs, in any order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { startApi } from '../helpers/api.js';
import { listingOf } from '../helpers/listing.js';
import { testDatabaseTargets } from '../helpers/databases.js';
import { exchangeRatesFor, interview, population, SETTINGS } from '../../examples/dotm/synthetic-dataset.js';
import { dotmHousehold } from '../../questionnaires/library/index.js';
import { formatExchangeRates, type DataTable } from '../../analysis/index.js';
import { parseSampleDesign, selectSample } from '../../sampling/index.js';
import { tableOf } from '../../server/services/sample-draw.js';
import type { Database } from '../../server/db/index.js';

const FRAME = [
  'ea,region,households',
  'EA01,North,40',
  'EA02,North,25',
  'EA03,North,60',
  'EA04,North,30',
  'EA05,South,45',
  'EA06,South,20',
  'EA07,South,55',
  'EA08,South,35',
].join('\n');
const DESIGN = {
  title: 'DotM test',
  stages: [
    { unit: 'EA', id: 'ea', strata: 'region', method: 'pps', size: 'households', sampleSize: 4, allocation: 'equal', certainty: true },
    { unit: 'household', id: 'hh', cluster: 'ea', method: 'srs', by: 'screened', quotas: { migrant: 4, 'non-migrant': 2 } },
  ],
};
const SEED = 4242;
const LISTED: Record<string, number> = { EA01: 18, EA02: 12, EA03: 22, EA04: 14, EA05: 16, EA06: 10, EA07: 20, EA08: 15 };

describe.each(testDatabaseTargets())('the screening sample run by the server on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;
  let listingSurveyId: string;
  let units: string[] = [];
  const listings = new Map<string, Record<string, unknown>>();

  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    const created = await api.as('stat').post('/surveys', { title: 'DotM 2026', questionnaire: dotmHousehold(SETTINGS) });
    surveyId = created.body.survey.id;
    expect((await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' })).status).toBe(200);
    await api.call('PUT', `/surveys/${surveyId}/exchange-rates`, { csv: formatExchangeRates(exchangeRatesFor(2026)) }, api.users.stat.token);
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await db.close();
    await target.cleanup();
  });

  it('refuses a bad start with the place named, and changes nothing', async () => {
    const noSecond = await api.as('stat').post(`/surveys/${surveyId}/screening`, {
      design: { stages: [DESIGN.stages[0]] },
      frame: FRAME,
      seed: SEED,
      enumerators: ['enum'],
    });
    expect(noSecond.status).toBe(422);
    expect(noSecond.body.detail).toContain('two stages');
    const badFrame = await api
      .as('stat')
      .post(`/surveys/${surveyId}/screening`, { design: DESIGN, frame: 'ea,region\nEA01,North', seed: SEED, enumerators: ['enum'] });
    expect(badFrame.status).toBe(422);
    expect(JSON.stringify(badFrame.body)).toContain('households');
    const notEnum = await api.as('stat').post(`/surveys/${surveyId}/screening`, { design: DESIGN, frame: FRAME, seed: SEED, enumerators: ['sup'] });
    expect(notEnum.status).toBe(422);
    expect((await api.as('stat').get(`/surveys/${surveyId}/screening`)).body).toEqual({ screening: null });
    expect((await db.query('SELECT count(*)::int AS n FROM surveys')).rows[0]).toEqual({ n: 1 });
  });

  it('draws the EAs, creates the listing survey with one case per EA, and declares the design variables', async () => {
    const r = await api.as('stat').post(`/surveys/${surveyId}/screening`, { design: DESIGN, frame: FRAME, seed: SEED, enumerators: ['enum'] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body.units).toBe(4);
    listingSurveyId = r.body.listingSurveyId;
    // The same first stage as `sample select` with the same seed.
    const cli = selectSample(parseSampleDesign(DESIGN), tableOf(FRAME, ['households']), SEED);
    const status = (await api.as('stat').get(`/surveys/${surveyId}/screening`)).body.screening;
    units = status.units.map((u: { unit: string }) => u.unit);
    expect(units).toEqual(cli.rows.map((x) => x.ea));
    expect(status.units.map((u: { pi1: number }) => u.pi1)).toEqual(cli.rows.map((x) => x.pi1));
    // In the database: the listing survey in fieldwork with the listing questionnaire, one case per EA for the enumerator.
    const listing = (await db.query<{ state: string; title: string }>('SELECT state, title FROM surveys WHERE id = $1', [listingSurveyId])).rows[0];
    expect(listing.state).toBe('fieldwork');
    const cases = (await api.as('enum').get(`/surveys/${listingSurveyId}/assignments`)).body.assignments;
    expect(cases.map((c: { case: { ea: string } }) => c.case.ea)).toEqual(units);
    const settings = (await api.as('stat').get(`/surveys/${surveyId}`)).body.survey.settings;
    expect(settings.design).toEqual({ weights: 'design_weight', strata: 'stratum_h', ids: ['ea'] });
    expect(settings.caseFields).toMatchObject({ design_weight: 'design', pi1: 'design', pi2: 'design', ea: 'design', status_s: 'variable' });
    expect(settings.caseFields.head_name).toBeUndefined(); // undeclared: an identifier
    // Drawn once.
    expect((await api.as('stat').post(`/surveys/${surveyId}/screening`, { design: DESIGN, frame: FRAME, seed: SEED, enumerators: ['enum'] })).status).toBe(409);
  });

  it('closes no listing before one is received; the enumerator lists every EA', async () => {
    const early = await api.as('stat').post(`/surveys/${surveyId}/screening/units/${units[0]}/close`);
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('no listing');
    expect((await api.as('stat').post(`/surveys/${surveyId}/screening/units/EA99/close`)).status).toBe(404);
    const cases = (await api.as('enum').get(`/surveys/${listingSurveyId}/assignments`)).body.assignments as { id: string; case: { ea: string } }[];
    for (const [i, c] of cases.entries()) {
      const { instanceId, answers } = listingOf(c.case.ea, LISTED[c.case.ea], 300 + i);
      listings.set(c.case.ea, answers);
      const r = await api.as('enum').post(`/surveys/${listingSurveyId}/submissions`, {
        instanceId,
        questionnaire: { id: 'dotm-listing', version: '1.0.0' },
        answers,
        assignmentId: c.id,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const status = (await api.as('sup').get(`/surveys/${surveyId}/screening`)).body.screening;
    expect(status.units.map((u: { listed: number }) => u.listed)).toEqual(units.map((u) => LISTED[u]));
  }, 60_000);

  it("draws each EA's households when its listing closes, in any order, as `sample select --listing` draws them", async () => {
    // Closed in reverse order, some by the supervisor of the enumerator's team.
    for (const [k, unit] of [...units].reverse().entries()) {
      const r = await api.as(k % 2 ? 'sup' : 'stat').post(`/surveys/${surveyId}/screening/units/${unit}/close`);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.report.households).toBe(LISTED[unit]);
    }
    expect((await api.as('stat').post(`/surveys/${surveyId}/screening/units/${units[0]}/close`)).status).toBe(409);
    // The reference: every EA's listing in one file, drawn at once.
    const rows: string[] = ['ea,hh,screened'];
    for (const unit of units) for (const h of listings.get(unit)!.listing as { hh: string; screened: string }[]) rows.push(`${unit},${h.hh},${h.screened}`);
    const listingTable: DataTable = tableOf(rows.join('\n'), []);
    const reference = selectSample(parseSampleDesign(DESIGN), tableOf(FRAME, ['households']), SEED, listingTable);
    const cases = (await api.as('stat').get(`/surveys/${surveyId}/assignments`)).body.assignments as { case: Record<string, string | number> }[];
    const key = (x: Record<string, string | number>) => `${x.ea}/${x.hh}/${x.status_s}/${x.pi2}/${x.design_weight}`;
    expect(cases.map((c) => key(c.case)).sort()).toEqual(reference.rows.map(key).sort());
    // Quotas and shortfalls as reported.
    const status = (await api.as('stat').get(`/surveys/${surveyId}/screening`)).body.screening;
    for (const u of status.units) {
      const ref = reference.clusters.find((c) => c.cluster === u.unit)!;
      expect(u.report.selected).toEqual(ref.selected);
      expect(u.report.shortfalls).toEqual(ref.shortfalls);
      expect(u.closedAt).toBeTruthy();
    }
  });

  it('weights the interviews and outcomes, attaches them, and /indicators uses them', async () => {
    const cases = (await api.as('enum').get(`/surveys/${surveyId}/assignments`)).body.assignments as { id: string; case: Record<string, string | number> }[];
    const { households } = population(777, 12, 1, 2026);
    const migrants = households.filter((h) => h.emigrants > 0 || h.returnMigrant);
    const others = households.filter((h) => !(h.emigrants > 0 || h.returnMigrant));
    const outcomes: Record<string, string> = {};
    for (const [i, c] of cases.entries()) {
      // One refusal and one vacant dwelling; the others interviewed (with a household of their screening status).
      const code = i === 1 ? 'refused' : i === 2 ? 'vacant' : null;
      if (code) {
        const v = await api.as('enum').post(`/surveys/${surveyId}/assignments/${c.id}/visits`, { id: randomUUID(), code, visitedAt: '2026-06-15T10:00:00Z' });
        expect(v.status, JSON.stringify(v.body)).toBe(201);
        outcomes[c.id] = code;
        continue;
      }
      const hh = (c.case.status_s === 'migrant' ? migrants : others).shift()!;
      const { instanceId, answers } = interview(hh);
      const r = await api.as('enum').post(`/surveys/${surveyId}/submissions`, {
        instanceId,
        questionnaire: { id: 'dotm-household', version: '1.0.0' },
        answers,
        assignmentId: c.id,
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect((await api.as('sup').post(`/surveys/${surveyId}/submissions/${instanceId}/review`, { action: 'approve' })).status).toBe(200);
      outcomes[c.id] = 'interviewed';
    }
    const ask = { classes: ['stratum_h'] };
    const preview = await api.as('stat').post(`/surveys/${surveyId}/weights`, ask);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.steps.map((s: { step: string }) => s.step)).toEqual(['design', 'nonresponse']);
    expect(preview.body.attached).toBe(false);
    // Nonresponse keeps the eligible total in each class: the refusal's weight goes to the respondents of its stratum.
    const [design, adjusted] = preview.body.steps.map((s: { diagnostics: { sum: number; effectiveN: number } }) => s.diagnostics);
    const vacant = cases.find((c) => outcomes[c.id] === 'vacant')!;
    expect(adjusted.sum).toBeCloseTo(design.sum, 9);
    expect(preview.body.respondents).toBe(cases.length - 2);
    expect(adjusted.effectiveN).toBeLessThanOrEqual(preview.body.respondents + 1); // the vacant dwelling keeps its (ineligible) weight
    expect(vacant).toBeDefined();
    const bad = await api.as('stat').post(`/surveys/${surveyId}/weights`, { classes: ['nope'] });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].path).toBe('nope');

    const attached = await api.as('stat').post(`/surveys/${surveyId}/weights`, { ...ask, attach: true });
    expect(attached.status).toBe(200);
    expect(attached.body.steps).toEqual(preview.body.steps); // same inputs, same weights
    const stored = (await api.as('stat').get(`/surveys/${surveyId}`)).body.survey.settings;
    expect(stored.design.weights).toBe('final_weight');
    const weights = (
      await db.query<{ id: string; w: number }>(`SELECT id, (case_data->>'final_weight')::float8 AS w FROM assignments WHERE survey_id = $1`, [surveyId])
    ).rows;
    for (const w of weights) {
      if (outcomes[w.id] === 'interviewed') expect(w.w).toBeGreaterThan(0);
      if (outcomes[w.id] === 'refused') expect(w.w).toBe(0);
    }
    expect((await api.as('stat').get(`/surveys/${surveyId}/weights`)).body.attached.outdated).toBe(false);

    const ind = await api.as('analyst').get(`/surveys/${surveyId}/indicators`);
    expect(ind.status, JSON.stringify(ind.body).slice(0, 500)).toBe(200);
    expect(JSON.stringify(ind.body)).toContain('estimate');
    // The analyst's dataset carries the final weights and nothing of the listing's identifiers.
    const zip = await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/dataset.zip`, { headers: { authorization: `Bearer ${api.users.analyst.token}` } });
    expect(zip.status).toBe(200);
    const files = await JSZip.loadAsync(new Uint8Array(await zip.arrayBuffer()));
    const household = await files.file('household.csv')!.async('string');
    expect(household.split('\n')[0]).toContain('final_weight');
    for (const [name, file] of Object.entries(files.files)) {
      const text = await file.async('string');
      expect(text, name).not.toContain('Head EA');
      expect(text, name).not.toMatch(/listing_interview_id|head_name/);
    }

    // A late interview on the refused case: the attached weights are out of date until computed again.
    const refused = cases.find((c) => outcomes[c.id] === 'refused')!;
    const { instanceId, answers } = interview(migrants.shift()!);
    expect(
      (
        await api.as('enum').post(`/surveys/${surveyId}/submissions`, {
          instanceId,
          questionnaire: { id: 'dotm-household', version: '1.0.0' },
          answers,
          assignmentId: refused.id,
        })
      ).status,
    ).toBe(201);
    expect((await api.as('stat').get(`/surveys/${surveyId}/weights`)).body.attached.outdated).toBe(true);
    const again = await api.as('stat').post(`/surveys/${surveyId}/weights`, { ...ask, attach: true });
    expect(again.body.respondents).toBe(preview.body.respondents + 1);
    expect((await api.as('stat').get(`/surveys/${surveyId}/weights`)).body.attached.outdated).toBe(false);
  }, 120_000);
});

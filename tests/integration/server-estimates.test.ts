import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '../helpers/databases.js';
import { startApi } from '../helpers/api.js';
import { runMdsurvey } from '../helpers/cli.js';
import { exchangeRatesFor, interview, population, SETTINGS } from '../../examples/dotm/synthetic-dataset.js';
import { dotmHousehold } from '../../questionnaires/library/index.js';
import { formatExchangeRates } from '../../analysis/index.js';
import type { Database } from '../../server/db/index.js';

/**
 * Estimates on a survey's own interviews inside the database (POST /surveys/:id/estimates, one GROUP
 * BY over the submissions' JSONB) equal `mdsurvey estimate` on the household file of the same survey's
 * exported dataset, read row by row, to 1e-12: synthetic DotM households sent and approved through the
 * API, the design from the survey settings and the case data. Then who may ask, and bad requests.
 */
const SPEC = {
  estimates: [
    { name: 'size and food by status', mean: ['hh_size', 'c_food'], by: 'hh_migration_status' },
    { name: 'rooms of larger households by urban', mean: 'hs_rooms', by: 'urban', subset: '${hh_size} >= 4 and ${hh_size} != 6' },
    { name: 'emigrants by region', total: 'n_emigrants', by: ['region'] },
    { name: 'consumption, all', total: 'consumption_annual', mean: 'consumption_annual' },
  ],
};

describe.each(testDatabaseTargets())('in-database estimates of a survey on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-server-estimates-'));

  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    const settings = {
      design: { weights: 'w', strata: 'region', ids: ['ea'] },
      caseFields: { region: 'region', ea: 'area', w: 'design', urban: 'variable' },
    };
    const created = await api.as('stat').post('/surveys', { title: 'DotM', questionnaire: dotmHousehold(SETTINGS), settings });
    expect(created.status).toBe(201);
    surveyId = created.body.survey.id;
    await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
    await api.call('PUT', `/surveys/${surveyId}/exchange-rates`, { csv: formatExchangeRates(exchangeRatesFor(2026)) }, api.users.stat.token);
    const { households } = population(20261202, 40, 1, 2026);
    const eas = [...new Set(households.map((h) => h.ea))].slice(0, 12);
    const picked = eas.flatMap((ea) => households.filter((h) => h.ea === ea).slice(0, 5));
    const cases = await api.as('stat').post(`/surveys/${surveyId}/assignments`, {
      // Weights as numbers and, for some, as numeric text (as a listing file gives them).
      assignments: picked.map((h, i) => ({
        enumeratorId: api.users.enum.id,
        case: { region: h.region, ea: h.ea, urban: h.urban, w: i % 3 ? 40 + (i % 7) * 5.5 : `${37.25 + i}` },
      })),
    });
    expect(cases.status).toBe(201);
    for (let i = 0; i < picked.length; i++) {
      const { instanceId, answers } = interview(picked[i]);
      const sent = await api.as('enum').post(`/surveys/${surveyId}/submissions`, {
        instanceId,
        questionnaire: { id: 'dotm-household', version: '1.0.0' },
        answers,
        assignmentId: cases.body.assignments[i],
      });
      expect(sent.status).toBe(201);
      // One interview left unapproved: it is not in the approved estimates (nor in the export).
      if (i !== 7) expect((await api.as('sup').post(`/surveys/${surveyId}/submissions/${instanceId}/review`, { action: 'approve' })).status).toBe(200);
    }
  }, 180_000);
  afterAll(async () => {
    await api.close();
    await db.close();
    await target.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('equals mdsurvey estimate on the exported household file to 1e-12', async () => {
    const r = await api.as('stat').post(`/surveys/${surveyId}/estimates`, SPEC);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/dataset.zip`, { headers: { authorization: `Bearer ${api.users.stat.token}` } });
    expect(res.status).toBe(200);
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    const file = path.join(dir, 'household.csv');
    fs.writeFileSync(file, await zip.file('household.csv')!.async('nodebuffer'));
    fs.writeFileSync(path.join(dir, 'spec.json'), JSON.stringify(SPEC));
    const cli = await runMdsurvey(['estimate', file, '--weights', 'w', '--strata', 'region', '--ids', 'ea', '--spec', path.join(dir, 'spec.json')], {
      env: { MDSURVEY_ROWS: '1' },
    });
    expect(cli.code, cli.stderr).toBe(0);
    const fromFile = JSON.parse(cli.stdout) as { design: { rows: number }; results: { name: string; estimates: Record<string, unknown>[] }[] };
    expect(r.body.design.rows).toBe(fromFile.design.rows);
    expect(r.body.design.rows).toBe(59);
    expect(r.body.results.map((x: { name: string }) => x.name)).toEqual(SPEC.estimates.map((e) => e.name));
    let compared = 0;
    r.body.results.forEach((entry: { estimates: Record<string, unknown>[] }, k: number) => {
      const expected = fromFile.results[k].estimates;
      expect(entry.estimates.length).toBe(expected.length);
      entry.estimates.forEach((e, j) => {
        const f = expected[j];
        expect([e.statistic, e.variable, e.domain, e.n, e.missing]).toEqual([f.statistic, f.variable, f.domain, f.n, f.missing]);
        for (const key of ['estimate', 'se', 'cv'] as const) {
          const a = e[key] as number;
          const b = f[key] as number;
          expect(Math.abs(a - b), `${key} of entry ${k} estimate ${j}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
          compared++;
        }
      });
    });
    expect(compared).toBeGreaterThan(20);
  });

  it('is for the restricted tier, and says what is wrong with a request', async () => {
    expect((await api.as('analyst').post(`/surveys/${surveyId}/estimates`, SPEC)).status).toBe(403);
    expect((await api.as('enum').post(`/surveys/${surveyId}/estimates`, SPEC)).status).toBe(403);
    const bad = async (spec: unknown, status: number, words: RegExp) => {
      const r = await api.as('stat').post(`/surveys/${surveyId}/estimates`, spec);
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect(JSON.stringify(r.body)).toMatch(words);
    };
    // An amount is in the currencies the households reported: never summed as it is.
    await bad({ estimates: [{ total: 'rs_amount' }] }, 422, /amount.*exchange rates/);
    await bad({ estimates: [{ mean: 'no_such_thing' }] }, 422, /neither a household question/);
    // A text read as a number: the database's own words, a 422, not a 500.
    await bad({ estimates: [{ mean: 'hh_migration_status' }] }, 422, /cannot compute this/);
    await bad({ estimates: [{ ratio: 'c_food/hh_size' }] }, 422, /means and totals/);
    await bad({ estimates: [{ mean: 'hh_size', subset: '${hh_size} > regex(1)' }] }, 422, /is not one of them/);
    await bad({ estimates: [{ mean: 'hh_size', extra: 1 }] }, 422, /extra/);
    await bad({ estimates: [{ mean: 'hh_size' }] }, 200, /estimate/);
  });
});

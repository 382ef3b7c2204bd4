import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '../helpers/databases.js';
import { startApi, TINY, tinySubmission } from '../helpers/api.js';
import { readDataset } from '../../io/dataset-files.js';
import { estimate, designOfLevel, analysisTable } from '../../analysis/index.js';
import type { Database } from '../../server/db/index.js';

// The server writes the same dataset format the CLI reads: approved interviews per level, the sampling
// variables of each interview's assignment on the household rows, design.json from the survey settings.
describe.each(testDatabaseTargets())('dataset export on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;

  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    const design = { weights: 'w', strata: 'region', ids: ['ea'] };
    surveyId = (await api.as('stat').post('/surveys', { title: 'Dataset survey', questionnaire: TINY, settings: { design } })).body.survey.id;
    await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
    // Four households in two regions, two EAs each, with design weights from the sample.
    const cases = [
      { region: 'N', ea: 'e1', w: 10 },
      { region: 'N', ea: 'e2', w: 20 },
      { region: 'S', ea: 'e3', w: 30 },
      { region: 'S', ea: 'e4', w: 40 },
    ];
    const created = await api
      .as('stat')
      .post(`/surveys/${surveyId}/assignments`, { assignments: cases.map((c) => ({ enumeratorId: api.users.enum.id, case: c })) });
    expect(created.status).toBe(201);
    const ids: string[] = created.body.assignments;
    for (let i = 0; i < 4; i++) {
      const s = tinySubmission(
        { assignmentId: ids[i] },
        { abroad: i % 2 ? '1' : '0', members: Array.from({ length: i + 1 }, (_, j) => ({ _key: `k${j}`, age: 10 + 10 * j })) },
      );
      expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, s)).status).toBe(201);
      await api.as('sup').post(`/surveys/${surveyId}/submissions/${s.instanceId}/review`, { action: 'approve' });
    }
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await db.close();
    await target.cleanup();
  });

  it('serves a zip that mdsurvey reads: levels, case data, design, codebook without identifiers for analysts', async () => {
    const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/dataset.zip`, { headers: { authorization: `Bearer ${api.users.analyst.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-zip-')), 'dataset.zip');
    fs.writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const dataset = await readDataset(file);
    expect(dataset.design).toMatchObject({ weights: 'w', strata: 'region', ids: ['ea'], designLevel: 'household' });
    expect(dataset.design.levels.map((l) => [l.name, l.parent])).toEqual([
      ['household', null],
      ['members', 'household'],
    ]);
    const hh = dataset.tables.get('household')!;
    expect(hh.nRows).toBe(4);
    expect(hh.columns.has('head_name')).toBe(false);
    expect(dataset.codebook.variables.find((v) => v.variable === 'w')!.design).toBe('weight');
    expect(dataset.tables.get('members')!.nRows).toBe(1 + 2 + 3 + 4);
    // The members inherit the household's design: total persons = 10*1 + 20*2 + 30*3 + 40*4.
    const members = analysisTable(dataset, 'members');
    const [total] = estimate(designOfLevel(dataset, members), members, { totals: ['age'] });
    expect(total.estimate).toBe(10 * 10 + 20 * (10 + 20) + 30 * (10 + 20 + 30) + 40 * (10 + 20 + 30 + 40));
  });

  it('serves the indicators it can compute, and 409 without a design', async () => {
    const r = await api.as('analyst').get(`/surveys/${surveyId}/indicators`);
    expect(r.status).toBe(200);
    // TINY has none of the catalogue's variables: every indicator is reported as not computable, with the reason.
    expect(r.body.rows).toEqual([]);
    expect(r.body.skipped.length).toBeGreaterThanOrEqual(25);
    const other = (await api.as('stat').post('/surveys', { title: 'No design', questionnaire: TINY })).body.survey.id;
    const none = await api.as('analyst').get(`/surveys/${other}/indicators`);
    expect(none.status).toBe(409);
    expect(none.body.detail).toMatch(/settings.design/);
    expect((await api.as('enum').get(`/surveys/${surveyId}/indicators`)).status).toBe(403);
  });
});

// Composing library modules into a host questionnaire through the API (issue 17: the CLI's
// `questionnaire compose` from the browser): the LFS host with the migration module and its mapping
// gives the same questionnaire as the library function; a module that does not fit is refused with
// every clash named; the composed questionnaire creates a survey.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/index.js';
import { startApi } from '../helpers/api.js';
import { EXAMPLE_LFS_MAPPING, exampleLfsHost, lfsMigration } from '../../questionnaires/library/index.js';
import { composeQuestionnaire } from '../../questionnaires/index.js';

describe('compose through the API', () => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  beforeAll(async () => {
    db = await openDatabase({});
    api = await startApi(db);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });

  it('composes the LFS host with the migration module as the library does, and the result creates a survey', async () => {
    const r = await api.as('stat').post('/compose', { host: 'example-lfs-core', modules: ['lfs-migration'], mapping: EXAMPLE_LFS_MAPPING });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.questionnaire).toEqual(JSON.parse(JSON.stringify(composeQuestionnaire(exampleLfsHost, [lfsMigration], { mapping: EXAMPLE_LFS_MAPPING }))));
    expect(r.body.summary.rosters).toContain('persons');
    const created = await api.as('stat').post('/surveys', { title: 'LFS with migration', questionnaire: r.body.questionnaire });
    expect(created.status).toBe(201);
    expect(created.body.questionnaire.id).toBe(r.body.questionnaire.id);
  });

  it('names every clash and missing binding, and unknown library items', async () => {
    const unmapped = await api.as('stat').post('/compose', { host: 'example-lfs-core', modules: ['lfs-migration'] });
    expect(unmapped.status).toBe(422);
    expect(unmapped.body.errors.length).toBeGreaterThan(0);
    expect(unmapped.body.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(/members|persons|bind/i);
    const unknown = await api.as('stat').post('/compose', { host: 'nope', modules: ['lfs-migration', 'also-nope'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors.map((e: { path: string }) => e.path)).toEqual(['host', 'modules also-nope']);
    expect((await api.as('sup').post('/compose', { host: 'example-lfs-core', modules: ['lfs-migration'] })).status).toBe(403);
  });
});

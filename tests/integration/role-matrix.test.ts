/**
 * Every route x every role (and no session), against an expected table written here by hand (not
 * derived from the route declarations the server enforces): allowed roles get past authorisation (not
 * 401/403); everyone else gets 403, and 401 without a session. A route missing from the table fails.
 * Who may do what to whose object is checked in confidentiality.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/index.js';
import { API_ROUTES } from '../../server/routes/index.js';
import { ROLES } from '../../server/auth/users.js';
import { startApi, TINY } from '../helpers/api.js';

// A admin, T statistician, S supervisor, E enumerator, N analyst.
const EXPECTED: Record<string, string> = {
  'POST /auth/logout': 'ATSEN',
  'GET /auth/me': 'ATSEN',
  'POST /auth/password': 'ATSEN',
  'POST /users': 'A',
  'GET /users': 'ATS',
  'PATCH /users/:userId': 'A',
  'POST /users/:userId/password': 'A',
  'DELETE /users/:userId/sessions': 'A',
  'POST /surveys': 'AT',
  'GET /surveys': 'ATSEN',
  'GET /surveys/:surveyId': 'ATSEN',
  'PATCH /surveys/:surveyId': 'AT',
  'PUT /surveys/:surveyId/exchange-rates': 'AT',
  'GET /surveys/:surveyId/exchange-rates': 'ATN',
  'POST /surveys/:surveyId/questionnaires': 'AT',
  'GET /surveys/:surveyId/questionnaires/:version': 'ATSEN',
  'GET /library': 'AT',
  'POST /xlsform': 'AT',
  'POST /compose': 'AT',
  'POST /surveys/:surveyId/assignments': 'ATS',
  'POST /surveys/:surveyId/assignments/import': 'ATS',
  'POST /surveys/:surveyId/sample/draw': 'AT',
  'GET /surveys/:surveyId/progress': 'ATS',
  'POST /surveys/:surveyId/screening': 'AT',
  'GET /surveys/:surveyId/screening': 'ATS',
  'POST /surveys/:surveyId/screening/units/:unit/close': 'ATS',
  'POST /surveys/:surveyId/weights': 'AT',
  'GET /surveys/:surveyId/weights': 'AT',
  'GET /surveys/:surveyId/cases.csv': 'AT',
  'POST /surveys/:surveyId/assignments/:assignmentId/visits': 'ASE',
  'GET /surveys/:surveyId/assignments': 'ATSE',
  'POST /surveys/:surveyId/submissions': 'ASE',
  'POST /surveys/:surveyId/submissions/batch': 'ASE',
  'GET /surveys/:surveyId/submissions': 'ATSE',
  'GET /surveys/:surveyId/submissions/:instanceId': 'ATSE',
  'POST /surveys/:surveyId/submissions/:instanceId/review': 'ATS',
  'GET /surveys/:surveyId/submissions/:instanceId/history': 'ATSE',
  'PUT /surveys/:surveyId/submissions/:instanceId/media/:name': 'ASE',
  'GET /surveys/:surveyId/submissions/:instanceId/media/:name': 'ATSE',
  'GET /surveys/:surveyId/export': 'ATN',
  'GET /surveys/:surveyId/export/codebook.json': 'ATN',
  'GET /surveys/:surveyId/export/:level.csv': 'ATN',
  'GET /surveys/:surveyId/export/dataset.zip': 'ATN',
  'GET /surveys/:surveyId/indicators': 'ATN',
  'POST /surveys/:surveyId/regress': 'ATN',
  // Unsuppressed figures on any subset: the restricted tier only.
  'POST /surveys/:surveyId/estimates': 'AT',
  'POST /monitoring': 'ATN',
  'GET /surveys/:surveyId/tables': 'ATN',
  'GET /surveys/:surveyId/report': 'ATN',
  'GET /surveys/:surveyId/export/public.zip': 'ATN',
};
const LETTER: Record<string, string> = { admin: 'A', statistician: 'T', supervisor: 'S', enumerator: 'E', analyst: 'N' };

const WHO: Record<string, string> = { admin: 'admin', statistician: 'stat', supervisor: 'sup', enumerator: 'enum', analyst: 'analyst' };

describe('role x route matrix', () => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;
  beforeAll(async () => {
    db = await openDatabase({});
    api = await startApi(db);
    surveyId = (await api.as('stat').post('/surveys', { title: 'Matrix', questionnaire: TINY })).body.survey.id;
  });
  afterAll(async () => {
    await api.close();
    await db.close();
  });
  const pathOf = (p: string) =>
    p
      .replace(':surveyId', surveyId)
      .replace(':instanceId', '00000000-0000-4000-8000-000000000000')
      .replace(':version', '1')
      .replace(':level', 'household')
      .replace(':unit', 'EA001')
      .replace(':name', 'photo.jpg')
      .replace(':assignmentId', '00000000-0000-4000-8000-000000000002')
      .replace(':userId', '00000000-0000-4000-8000-000000000001');
  const cases = API_ROUTES.filter((r) => r.path !== '/auth/login' && r.path !== '/auth/logout').flatMap((route) => [
    ...ROLES.map((role) => [route, role] as const),
    [route, null] as const,
  ]);
  it.each(cases.map(([route, role]) => [`${route.method.toUpperCase()} ${route.path}`, role ?? 'anonymous', route, role] as const))(
    '%s as %s',
    async (_label, _roleLabel, route, role) => {
      const token = role ? api.users[WHO[role]].token : undefined;
      const r = await api.call(route.method.toUpperCase(), pathOf(route.path), route.method === 'get' ? undefined : {}, token);
      const expected = EXPECTED[`${route.method.toUpperCase()} ${route.path}`];
      expect(expected, 'every route needs a line in the hand-written table').toBeDefined();
      if (!role) expect(r.status).toBe(401);
      else if (expected.includes(LETTER[role])) expect([401, 403]).not.toContain(r.status);
      else expect(r.status).toBe(403);
      expect(r.status).toBeLessThan(500);
    },
  );
  it('limits sign-in attempts', async () => {
    const limited = await startApi(await openDatabase({}), { loginAttemptsPerWindow: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await limited.call('POST', '/auth/login', { username: 'enum', password: 'wrong' })).status);
    expect(statuses.slice(0, 4).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    await limited.close();
  });
});

/**
 * Every route x every role (and no session): the status is what the route's declared roles say.
 * Allowed roles must get past authorisation (not 401/403); everyone else gets 403, and 401 without a session.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/index.js';
import { API_ROUTES } from '../../server/routes/index.js';
import { ROLES } from '../../server/auth/users.js';
import { startApi, TINY } from '../helpers/api.js';

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
      .replace(':level', 'household');
  const cases = API_ROUTES.filter((r) => r.path !== '/auth/login' && r.path !== '/auth/logout').flatMap((route) => [...ROLES.map((role) => [route, role] as const), [route, null] as const]);
  it.each(cases.map(([route, role]) => [`${route.method.toUpperCase()} ${route.path}`, role ?? 'anonymous', route, role] as const))('%s as %s', async (_label, _roleLabel, route, role) => {
    const token = role ? api.users[WHO[role]].token : undefined;
    const r = await api.call(route.method.toUpperCase(), pathOf(route.path), route.method === 'get' ? undefined : {}, token);
    if (route.roles === 'public') expect(r.status).not.toBe(401);
    else if (!role) expect(r.status).toBe(401);
    else if (route.roles.includes(role)) expect([401, 403]).not.toContain(r.status);
    else expect(r.status).toBe(403);
    expect(r.status).toBeLessThan(500);
  });
  it('limits sign-in attempts', async () => {
    const limited = await startApi(await openDatabase({}), { loginAttemptsPerWindow: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await limited.call('POST', '/auth/login', { username: 'enum', password: 'wrong' })).status);
    expect(statuses.slice(0, 4).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    await limited.close();
  });
});

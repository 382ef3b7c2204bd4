import { randomUUID } from 'node:crypto';
import { createApp } from '../../server/app.js';
import { migrate, type Database } from '../../server/db/index.js';
import { ensureAdmin } from '../../server/auth/users.js';
import { listen } from './http.js';

/** The password the test users get (long enough, not containing the user name). */
export const passwordOf = (username: string) => `Kq7-${[...username].reverse().join('')}-secret!`;

/** A running API on a fresh database with one user per role; `as(role)` calls it signed in as that user. */
export async function startApi(db: Database, options: { loginAttemptsPerWindow?: number; loginAttemptsPerAddress?: number } = {}) {
  await migrate(db);
  const admin = (await ensureAdmin(db))!;
  const server = await listen(
    createApp({
      db,
      config: {
        bodyLimitBytes: 2 * 1024 * 1024,
        loginAttemptsPerWindow: options.loginAttemptsPerWindow ?? 1000,
        loginAttemptsPerAddress: options.loginAttemptsPerAddress ?? 10_000,
      },
      clientDir: '/nonexistent',
    }),
  );
  const call = async (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, body: json, headers: res.headers };
  };
  const login = async (username: string, password: string) => {
    const r = await call('POST', '/auth/login', { username, password, token: true });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token as string;
  };
  const adminToken = await login('admin', admin.password);
  const users: Record<string, { id: string; token: string }> = {
    admin: { id: (await call('GET', '/auth/me', undefined, adminToken)).body.user.id, token: adminToken },
  };
  const make = async (username: string, role: string, supervisorId?: string) => {
    const r = await call('POST', '/users', { username, password: passwordOf(username), role, ...(supervisorId ? { supervisorId } : {}) }, adminToken);
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    users[username] = { id: r.body.user.id, token: await login(username, passwordOf(username)) };
  };
  await make('stat', 'statistician');
  await make('sup', 'supervisor');
  await make('enum', 'enumerator', users.sup.id);
  await make('enum2', 'enumerator');
  await make('analyst', 'analyst');
  return {
    url: server.url,
    close: server.close,
    call,
    login,
    users,
    /** Gives both test enumerators a case in the survey: an enumerator submits only where they hold one. */
    async joinSurvey(surveyId: string) {
      const r = await call(
        'POST',
        `/surveys/${surveyId}/assignments`,
        {
          assignments: [
            { enumeratorId: users.enum.id, case: { ea: 'EA-T1' } },
            { enumeratorId: users.enum2.id, case: { ea: 'EA-T2' } },
          ],
        },
        adminToken,
      );
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
      return r.body.assignments as string[];
    },
    as: (who: string) => ({
      get: (p: string) => call('GET', p, undefined, users[who].token),
      post: (p: string, b?: unknown) => call('POST', p, b ?? {}, users[who].token),
      patch: (p: string, b: unknown) => call('PATCH', p, b, users[who].token),
    }),
  };
}

/** A small questionnaire for server tests: a member roster with an identifier. */
export const TINY = {
  id: 'tiny',
  version: '1',
  title: 'Tiny household',
  languages: { default: 'en', available: ['en'] },
  choiceLists: {
    yn: [
      { value: '1', label: 'Yes' },
      { value: '0', label: 'No' },
    ],
  },
  items: [
    { kind: 'question', name: 'head_name', type: 'text', label: 'Name of the head', identifier: true },
    { kind: 'question', name: 'abroad', type: 'select_one', choices: 'yn', label: 'Member abroad?', required: true },
    {
      kind: 'roster',
      name: 'members',
      label: 'Members',
      items: [{ kind: 'question', name: 'age', type: 'integer', label: 'Age', required: true, constraint: '. >= 0 and . <= 120' }],
    },
    { kind: 'calculate', name: 'n', calculation: 'count(${members})' },
  ],
};

/** A valid submission of TINY. */
export function tinySubmission(extra: Record<string, unknown> = {}, answers: Record<string, unknown> = {}) {
  return {
    instanceId: randomUUID(),
    questionnaire: { id: 'tiny', version: '1' },
    answers: {
      head_name: 'Ama',
      abroad: '1',
      members: [
        { _key: 'a', age: 40 },
        { _key: 'b', age: 12 },
      ],
      ...answers,
    },
    paradata: { start: '2026-01-01T10:00:00Z', end: '2026-01-01T10:50:00Z', sections: { main: 3000 } },
    ...extra,
  };
}

// Several server processes behind a load balancer on one PostgreSQL (issue 21): two `mdsurvey serve`
// processes share sessions (a token from one works on the other), store a submission sent to both at
// once exactly once (idempotency by instanceId is the database's, not a process's), and keep one
// sign-in limit between them (the counters are in the database, not in each process's memory).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { need, postgresTool } from '../helpers/tools.js';
import { serve } from '../helpers/serve.js';
import { freshPostgresUrl } from '../helpers/databases.js';
import { TINY, tinySubmission } from '../helpers/api.js';
import { runMdsurvey } from '../helpers/cli.js';

/** One API call to a server: status and parsed body. */
async function call(base: string, method: string, p: string, body?: unknown, token?: string) {
  const res = await fetch(`${base}/api/v1${p}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/**
 * A survey of the tiny questionnaire in fieldwork, an enumerator with one case of `quota` interviews and
 * their token; the steps go to the two servers in turn (the survey and the case created on one,
 * fieldwork and the account on the other, the sign-in on the first).
 */
async function fieldwork([x, y]: [string, string], admin: string, username: string, quota: number) {
  const survey = (await call(y, 'POST', '/surveys', { title: 'Several processes', questionnaire: TINY }, admin)).body.survey.id as string;
  expect((await call(x, 'PATCH', `/surveys/${survey}`, { state: 'fieldwork' }, admin)).status).toBe(200);
  const enumId = (await call(x, 'POST', '/users', { username, password: 'a-long-password-77', role: 'enumerator' }, admin)).body.user.id;
  const [caseId] = (await call(y, 'POST', `/surveys/${survey}/assignments`, { assignments: [{ enumeratorId: enumId, quota }] }, admin)).body
    .assignments as string[];
  const token = (await call(y, 'POST', '/auth/login', { username, password: 'a-long-password-77', token: true })).body.token as string;
  return { survey, caseId, token };
}

describe.runIf(need(postgresTool(), 'two server processes on one PostgreSQL'))('two server processes on one database', () => {
  let fresh: { url: string; drop: () => Promise<void> };
  let a: Awaited<ReturnType<typeof serve>>;
  let b: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    fresh = (await freshPostgresUrl())!;
    a = await serve({ DATABASE_URL: fresh.url, LOG_LEVEL: 'warn' });
    b = await serve({ DATABASE_URL: fresh.url, LOG_LEVEL: 'warn' });
  }, 90_000);
  afterAll(async () => {
    for (const p of [a, b]) {
      if (!p) continue;
      p.child.kill('SIGTERM');
      await p.exited;
    }
    await fresh?.drop();
  });

  it('share sessions, store a submission sent to both exactly once, and keep one sign-in limit', async () => {
    expect(a.password, 'the first process creates the admin').toBeTruthy();
    expect(b.password, 'the second finds it').toBeUndefined();
    const admin = (await call(a.url, 'POST', '/auth/login', { username: 'admin', password: a.password, token: true })).body.token as string;
    expect((await call(b.url, 'GET', '/auth/me', undefined, admin)).status).toBe(200);

    const { survey, caseId, token: kofi } = await fieldwork([a.url, b.url], admin, 'kofi', 50);

    // The same interview sent 8 times to each process at once (a tablet retrying through the load balancer).
    const same = tinySubmission({ assignmentId: caseId });
    const others = Array.from({ length: 10 }, () => tinySubmission({ assignmentId: caseId }));
    const sends = [
      ...Array.from({ length: 16 }, (_, k) => call(k % 2 ? a.url : b.url, 'POST', `/surveys/${survey}/submissions`, same, kofi)),
      ...others.map((s, k) => call(k % 2 ? b.url : a.url, 'POST', `/surveys/${survey}/submissions`, s, kofi)),
    ];
    const answers = await Promise.all(sends);
    for (const r of answers) expect([200, 201], JSON.stringify(r.body)).toContain(r.status);
    expect(answers.slice(0, 16).filter((r) => r.status === 201)).toHaveLength(1);
    const db = new pg.Client({ connectionString: fresh.url });
    await db.connect();
    try {
      const rows = (await db.query('SELECT instance_id FROM submissions WHERE survey_id = $1', [survey])).rows;
      expect(rows).toHaveLength(11);
      expect(rows.filter((r) => r.instance_id === same.instanceId)).toHaveLength(1);
      const audits = (await db.query("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'submission' AND entity_id = $1", [same.instanceId])).rows[0].n;
      expect(audits).toBe(1);
    } finally {
      await db.end();
    }

    // Sign-in guesses spread over both processes: one limit (20 attempts per address and name per 15
    // minutes, kofi's own sign-in above among them), where a limit per process would allow 40.
    const statuses: number[] = [];
    for (let k = 0; k < 24; k++) statuses.push((await call(k % 2 ? a.url : b.url, 'POST', '/auth/login', { username: 'kofi', password: `wrong-${k}` })).status);
    expect(statuses).toEqual([...Array(19).fill(401), ...Array(5).fill(429)]);
  }, 120_000);
});

describe.runIf(need(postgresTool(), 'serve --workers on PostgreSQL'))('serve --workers 2 (node:cluster)', () => {
  const children = (pid: number) =>
    execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((x) => Number(x.trim()))
      .filter((x) => x > 0);

  it('runs two processes on one port, stores a resent interview once, replaces a process that dies, and stops on SIGTERM', async () => {
    const fresh = (await freshPostgresUrl())!;
    const s = await serve({ DATABASE_URL: fresh.url, LOG_LEVEL: 'warn' }, ['--workers', '2']);
    try {
      expect(s.banner).toContain('2 server processes');
      expect(s.password, 'the primary creates the admin once').toBeTruthy();
      expect(children(s.child.pid!)).toHaveLength(2);
      const admin = (await call(s.url, 'POST', '/auth/login', { username: 'admin', password: s.password, token: true })).body.token as string;
      const { survey, caseId, token: ama } = await fieldwork([s.url, s.url], admin, 'ama', 5);
      const same = tinySubmission({ assignmentId: caseId });
      const answers = await Promise.all(Array.from({ length: 12 }, () => call(s.url, 'POST', `/surveys/${survey}/submissions`, same, ama)));
      expect(answers.map((r) => r.status).sort()).toEqual([...Array(11).fill(200), 201]);

      // A process killed outright is replaced, and the server keeps answering.
      const [victim] = children(s.child.pid!);
      process.kill(victim, 'SIGKILL');
      await expect.poll(() => children(s.child.pid!).filter((p) => p !== victim).length, { timeout: 20_000 }).toBe(2);
      await expect.poll(async () => (await call(s.url, 'GET', '/health')).status, { timeout: 20_000 }).toBe(200);
    } finally {
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
      await fresh.drop();
    }
  }, 120_000);

  it('refuses --workers without PostgreSQL, with exit code 2', async () => {
    const r = await runMdsurvey(['serve', '--workers', '2'], { env: { DATABASE_URL: '', PORT: '0' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--workers needs PostgreSQL');
  }, 60_000);
});

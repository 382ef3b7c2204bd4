/**
 * Accounts and availability: what an unauthenticated or hostile client can do to the server, and the
 * account operations a statistics office needs. Each check failed before issue 14's fixes.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '../helpers/databases.js';
import { passwordOf, startApi, TINY, tinySubmission } from '../helpers/api.js';
import { openDatabase, type Database } from '../../server/db/index.js';
import { runMdsurvey } from '../helpers/cli.js';
import { hashPassword, needsRehash, passwordProblem, scryptParams } from '../../server/auth/passwords.js';
import { forgetSessions } from '../../server/auth/users.js';

describe.each(testDatabaseTargets())('accounts and availability on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;

  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    surveyId = (
      await api.as('stat').post('/surveys', {
        title: 'Accounts',
        questionnaire: {
          ...TINY,
          settings: { max_roster_rows: 200 },
          items: [...TINY.items, { kind: 'question', name: 'phone', type: 'text', label: 'Phone', constraint: "regex(., '^(\\+?[0-9]+)*$')" }],
        },
      })
    ).body.survey.id;
    await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
    await api.joinSurvey(surveyId);
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await db.close();
    await target.cleanup();
  });

  it('a 1.5 MB user name is refused before it is stored or hashed (413), and the server stays small', async () => {
    // (The attack used 4 MB names under the default 5 MB body limit; these tests run with 2 MB.)
    // Memory kept, not garbage not yet collected (the names this test builds are garbage too): the heap
    // after a full collection, before and after.
    v8.setFlagsFromString('--expose_gc');
    const gc = vm.runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const big = 'x'.repeat(1.5 * 1024 * 1024);
    for (let i = 0; i < 60; i++) {
      const r = await api.call('POST', '/auth/login', { username: `${big}${i}`, password: 'x' });
      expect(r.status).toBe(413);
    }
    gc();
    // The server runs in this process: 60 x 1.5 MB names kept by a limiter would add 90 MB and more.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(45 * 1024 * 1024);
  });

  it('sign-in takes as long for an unknown name as for a known one', async () => {
    const time = async (username: string) => {
      const t = performance.now();
      await api.call('POST', '/auth/login', { username, password: 'wrong-password-1' });
      return performance.now() - t;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) {
      known.push(await time('enum'));
      unknown.push(await time(`ghost${i}`));
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    // Before: about 15x (a hash for known names only). Now both hash once.
    expect(median(unknown) / median(known)).toBeGreaterThan(0.5);
    expect(median(unknown) / median(known)).toBeLessThan(2);
  });

  it('password spraying across names is limited per address; X-Forwarded-For is not believed from an untrusted peer', async () => {
    const limited = await startApi(await openDatabase({}), { loginAttemptsPerAddress: 10 });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (await limited.call('POST', '/auth/login', { username: `name${i}`, password: 'Spring2026!' }, undefined, { 'x-forwarded-for': `10.0.0.${i}` })).status,
      );
    // (startApi signed its users in from this address too): a 429 comes, whatever the names and the forged addresses, and stays.
    const first = statuses.indexOf(429);
    expect(first).toBeGreaterThan(0);
    expect(statuses.slice(first).every((s) => s === 429)).toBe(true);
    expect(statuses.slice(0, first).every((s) => s === 401)).toBe(true);
    await limited.close();
  });

  it('password change, admin reset, disabling and revocation end sessions; weak passwords are refused', async () => {
    const created = await api.call('POST', '/users', { username: 'kofi', password: 'short', role: 'enumerator' }, api.users.admin.token);
    expect([created.status, created.body.code]).toEqual([422, 'weak-password']);
    expect((await api.call('POST', '/users', { username: 'kofi', password: 'kofi-kofi-kofi', role: 'enumerator' }, api.users.admin.token)).body.code).toBe(
      'weak-password',
    );
    expect((await api.call('POST', '/users', { username: 'kofi', password: 'password1234', role: 'enumerator' }, api.users.admin.token)).body.code).toBe(
      'weak-password',
    );
    const kofi = (await api.call('POST', '/users', { username: 'kofi', password: 'long-enough-pass-1', role: 'enumerator' }, api.users.admin.token)).body.user
      .id;
    const t1 = await api.login('kofi', 'long-enough-pass-1');
    const t2 = await api.login('kofi', 'long-enough-pass-1');
    // Change: the other session ends, this one goes on.
    const changed = await api.call('POST', '/auth/password', { currentPassword: 'long-enough-pass-1', newPassword: 'another-long-pass-2' }, t1);
    expect([changed.status, changed.body.sessionsEnded]).toEqual([200, 1]);
    expect((await api.call('GET', '/auth/me', undefined, t2)).status).toBe(401);
    expect((await api.call('GET', '/auth/me', undefined, t1)).status).toBe(200);
    expect((await api.call('POST', '/auth/password', { currentPassword: 'wrong', newPassword: 'x-long-pass-3333' }, t1)).status).toBe(403);
    // Admin reset (generated password shown once), then disable, then enable and revoke.
    const reset = await api.call('POST', `/users/${kofi}/password`, {}, api.users.admin.token);
    expect(reset.body.password).toHaveLength(16);
    expect((await api.call('GET', '/auth/me', undefined, t1)).status).toBe(401);
    const t3 = await api.login('kofi', reset.body.password);
    expect((await api.call('PATCH', `/users/${kofi}`, { disabled: true }, api.users.admin.token)).body.user.disabled).toBe(true);
    expect((await api.call('GET', '/auth/me', undefined, t3)).status).toBe(401);
    expect((await api.call('POST', '/auth/login', { username: 'kofi', password: reset.body.password })).status).toBe(401);
    await api.call('PATCH', `/users/${kofi}`, { disabled: false, supervisorId: api.users.sup.id }, api.users.admin.token);
    const t4 = await api.login('kofi', reset.body.password);
    expect((await api.call('DELETE', `/users/${kofi}/sessions`, undefined, api.users.admin.token)).body.sessionsEnded).toBe(1);
    expect((await api.call('GET', '/auth/me', undefined, t4)).status).toBe(401);
    expect((await api.call('GET', '/users', undefined, api.users.sup.token)).body.users.map((u: { username: string }) => u.username)).toContain('kofi');
    expect((await api.call('PATCH', `/users/${kofi}`, { role: 'admin' }, api.users.sup.token)).status).toBe(403);
  });

  it('sessions end after the idle limit and at their absolute expiry', async () => {
    const token = await api.login('enum2', passwordOf('enum2'));
    expect((await api.call('GET', '/auth/me', undefined, token)).status).toBe(200);
    await db.query("UPDATE sessions SET last_seen_at = now() - interval '2 days' WHERE user_id = $1", [api.users.enum2.id]);
    forgetSessions(); // the server runs in this process: its 5 s session cache is emptied instead of waited out
    expect((await api.call('GET', '/auth/me', undefined, token)).status).toBe(401);
    const t2 = await api.login('enum2', passwordOf('enum2'));
    await db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1", [api.users.enum2.id]);
    forgetSessions();
    expect((await api.call('GET', '/auth/me', undefined, t2)).status).toBe(401);
    api.users.enum2.token = await api.login('enum2', passwordOf('enum2'));
  }, 30_000);

  it('sign-out with an odd Bearer header ends the session it authenticated', async () => {
    const token = await api.login('enum2', passwordOf('enum2'));
    for (const header of [`Bearer  ${token}`, `bearer ${token}`, `Bearer ${token} `]) {
      const t = await api.login('enum2', passwordOf('enum2'));
      const h = header.replace(token, t);
      expect((await api.call('POST', '/auth/logout', undefined, undefined, { authorization: h })).status).toBe(204);
      expect((await api.call('GET', '/auth/me', undefined, t)).status, h).toBe(401);
    }
    expect((await api.call('GET', '/auth/me', undefined, token)).status).toBe(200);
  });

  it('a 100,000-row roster is refused at once and does not hold up other requests', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ _key: i.toString(36) }));
    const t = performance.now();
    const [big, health] = await Promise.all([
      api.as('enum').post(`/surveys/${surveyId}/submissions`, tinySubmission({}, { members: rows })),
      (async () => {
        await new Promise((r) => setTimeout(r, 50));
        const h0 = performance.now();
        await api.call('GET', '/health');
        return performance.now() - h0;
      })(),
    ]);
    expect(big.status).toBe(422);
    expect(JSON.stringify(big.body)).toContain('200');
    expect(performance.now() - t).toBeLessThan(5_000); // 36 s before
    expect(health).toBeLessThan(3_000);
  });

  it('a backtracking regex constraint runs in linear time (RE2), on the server and in the engine', async () => {
    const t = performance.now();
    const r = await api.as('enum').post(`/surveys/${surveyId}/submissions`, tinySubmission({ instanceId: randomUUID() }, { phone: `${'1'.repeat(40)}x` }));
    expect(r.status).toBe(422);
    expect(performance.now() - t).toBeLessThan(1_000); // doubling per digit before: 28 digits took 4.5 s
    const back = await api.as('stat').post('/surveys', {
      title: 'bad regex',
      questionnaire: {
        ...TINY,
        id: 're',
        items: [...TINY.items, { kind: 'question', name: 'p', type: 'text', label: 'P', constraint: "regex(., '(a)\\1')" }],
      },
    });
    expect(back.status).toBe(422);
    expect(JSON.stringify(back.body)).toMatch(/RE2|unsupported/);
  });
});

describe('passwords and the recovery command', () => {
  it("hashes at OWASP's scrypt cost by default and upgrades weaker hashes", async () => {
    const saved = process.env.MDSURVEY_SCRYPT_LOG2N;
    delete process.env.MDSURVEY_SCRYPT_LOG2N;
    try {
      expect(scryptParams()).toEqual({ N: 131072, r: 8, p: 1 });
      expect(needsRehash('scrypt$16384$8$1$c2FsdA==$aGFzaA==')).toBe(true);
    } finally {
      process.env.MDSURVEY_SCRYPT_LOG2N = saved;
    }
    expect(needsRehash(await hashPassword('a-long-password-1'))).toBe(false);
    expect(passwordProblem('abc', 'x')).toMatch(/12/);
    expect(passwordProblem('Password1234', 'x')).toMatch(/common/);
    expect(passwordProblem('my-name-is-ama!', 'ama')).toMatch(/user name/);
    expect(passwordProblem('correct horse battery', 'ama')).toBeNull();
  });

  it('`mdsurvey users reset-password admin` recovers a lost first password', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-reset-'));
    const db = await openDatabase({ dataDir: dir });
    const { migrate } = await import('../../server/db/index.js');
    const { ensureAdmin } = await import('../../server/auth/users.js');
    await migrate(db);
    await ensureAdmin(db); // its password is "lost"
    await db.close();
    const r = await runMdsurvey(['users', 'reset-password', 'admin'], { env: { DATA_DIR: dir } });
    expect(r.code).toBe(0);
    const password = /new password for admin: (\S+)/.exec(r.stdout)![1];
    const again = await openDatabase({ dataDir: dir });
    const api = await startApi(again).catch(() => null); // startApi creates its own admin only on an empty database
    expect(api).toBeNull();
    const { verifyPassword } = await import('../../server/auth/passwords.js');
    const row = await again.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'admin'");
    expect(await verifyPassword(password, row.rows[0].password_hash)).toBe(true);
    await again.close();
    const unknown = await runMdsurvey(['users', 'reset-password', 'nobody'], { env: { DATA_DIR: dir } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no user "nobody"');
  }, 60_000);
});

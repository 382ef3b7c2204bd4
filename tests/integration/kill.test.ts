/**
 * Interviews are never lost or stored twice: `mdsurvey serve` is killed with SIGKILL at random
 * moments (and restarted) while a client sends 2,000 submissions, retrying each until it gets an
 * answer; afterwards exactly 2,000 distinct interviews are stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { need, postgresTool } from '../helpers/tools.js';
import { spawnMdsurvey } from '../helpers/cli.js';
import { freshPostgresUrl } from '../helpers/databases.js';
import { openDatabase } from '../../server/db/index.js';
import { mulberry32 } from '../../common/random.js';
import { TINY, tinySubmission } from '../helpers/api.js';

const TOTAL = 2000;

class ServerProcess {
  child: ChildProcess | null = null;
  url = '';
  admin: { username: string; password: string } | null = null;
  constructor(private readonly env: NodeJS.ProcessEnv) {}
  async start(): Promise<void> {
    const child = spawnMdsurvey(['serve'], { PORT: String(this.port), HOST: '127.0.0.1', LOG_LEVEL: 'error', ...this.env });
    this.child = child;
    let out = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 30_000);
      child.stderr!.on('data', (d) => {
        out += d;
        const pw = /password:\s+(\S+)/.exec(out);
        if (pw && !this.admin) this.admin = { username: 'admin', password: pw[1] };
        const m = /running at (http:\/\/localhost:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          this.url = m[1];
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
    });
  }
  port = 20000 + Math.floor(Math.random() * 20000);
  async kill(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  }
  async stop(): Promise<void> {
    const c = this.child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM');
    await exited;
  }
}

async function request(url: string, method: string, body: unknown, token?: string): Promise<{ status: number; body: any } | null> {
  try {
    const res = await fetch(url, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(3000),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return null; // connection refused or reset: the server is down
  }
}

async function run(env: NodeJS.ProcessEnv, countStored: () => Promise<{ rows: number; distinct: number }>) {
  const server = new ServerProcess(env);
  await server.start();
  const api = (p: string) => `${server.url}/api/v1${p}`;
  const login = await request(api('/auth/login'), 'POST', { ...server.admin, token: true });
  const admin = login!.body.token as string;
  const field1 = (await request(api('/users'), 'POST', { username: 'field1', password: 'kill-test-pass-9', role: 'enumerator' }, admin))!.body.user
    .id as string;
  const enumToken = (await request(api('/auth/login'), 'POST', { username: 'field1', password: 'kill-test-pass-9', token: true }))!.body.token as string;
  const surveyId = (await request(api('/surveys'), 'POST', { title: 'Kill test', questionnaire: TINY }, admin))!.body.survey.id as string;
  await request(api(`/surveys/${surveyId}`), 'PATCH', { state: 'fieldwork' }, admin);
  // An enumerator submits only to a survey in which they hold a case.
  await request(api(`/surveys/${surveyId}/assignments`), 'POST', { assignments: [{ enumeratorId: field1, case: { ea: 'EA1' } }] }, admin);

  const submissions = Array.from({ length: TOTAL }, () => tinySubmission({ instanceId: randomUUID() }));
  let next = 0;
  let acknowledged = 0;
  let retries = 0;
  const statuses = new Map<number, number>();
  let done = false;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= TOTAL) return;
      for (let attempt = 0; ; attempt++) {
        const r = await request(`${server.url}/api/v1/surveys/${surveyId}/submissions`, 'POST', submissions[i], enumToken);
        if (r && (r.status === 201 || r.status === 200)) {
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          acknowledged++;
          break;
        }
        if (r && r.status < 500) throw new Error(`submission ${i} refused: ${r.status} ${JSON.stringify(r.body)}`);
        retries++;
        await new Promise((res) => setTimeout(res, Math.min(50 * 2 ** attempt, 1000)));
      }
    }
  };
  const rand = mulberry32(7);
  let kills = 0;
  // Five kills at random moments of the upload (after 1 to 2.5 s of uptime each), then the client finishes.
  const killer = (async () => {
    while (!done && kills < 5) {
      await new Promise((res) => setTimeout(res, 1000 + rand() * 1500));
      if (done) break;
      await server.kill();
      kills++;
      await server.start();
    }
  })();
  await Promise.all(Array.from({ length: 8 }, worker));
  done = true;
  await killer;
  await server.stop();
  const stored = await countStored();
  return { acknowledged, retries, kills, statuses, stored };
}

describe('kill test', () => {
  it('embedded database: 2,000 submissions through SIGKILLs, each stored exactly once', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kill-'));
    const result = await run({ DATA_DIR: dataDir }, async () => {
      const db = await openDatabase({ dataDir });
      const r = await db.query<{ rows: number; distinct: number }>(
        'SELECT count(*)::int AS rows, count(DISTINCT instance_id)::int AS distinct FROM submissions',
      );
      await db.close();
      return r.rows[0];
    });
    expect(result.kills).toBeGreaterThan(0);
    expect(result.acknowledged).toBe(TOTAL);
    expect(result.stored).toEqual({ rows: TOTAL, distinct: TOTAL });
  }, 120_000);

  it.runIf(need(postgresTool(), 'SIGKILLs against a PostgreSQL server'))(
    'PostgreSQL server: 2,000 submissions through SIGKILLs, each stored exactly once',
    async () => {
      const fresh = (await freshPostgresUrl())!;
      try {
        const result = await run({ DATABASE_URL: fresh.url }, async () => {
          const db = await openDatabase({ databaseUrl: fresh.url });
          const r = await db.query<{ rows: number; distinct: number }>(
            'SELECT count(*)::int AS rows, count(DISTINCT instance_id)::int AS distinct FROM submissions',
          );
          await db.close();
          return r.rows[0];
        });
        expect(result.kills).toBeGreaterThan(0);
        expect(result.stored).toEqual({ rows: TOTAL, distinct: TOTAL });
      } finally {
        await fresh.drop();
      }
    },
    120_000,
  );
});

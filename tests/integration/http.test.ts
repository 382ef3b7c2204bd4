import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { migrate, type Database } from '../../server/db/index.js';
import { testDatabaseTargets } from '../helpers/databases.js';
import { listen } from '../helpers/http.js';
import { packageVersion } from '../../common/package-info.js';

const clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-'));
fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>mdsurvey shell</title>');

describe.each(testDatabaseTargets())('HTTP app on $name', (target) => {
  let db: Database;
  let server: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    db = await target.open();
    await migrate(db);
    server = await listen(createApp({ db, config: { bodyLimitBytes: 1024 }, clientDir }));
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    await target.cleanup();
  });

  it('reports version and database status', async () => {
    const res = await fetch(`${server.url}/api/v1/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok', version: packageVersion(), database: { kind: target.name, status: 'up' } });
    expect(body.installationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers', async () => {
    const res = await fetch(`${server.url}/api/v1/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('answers unknown API routes with problem+json 404', async () => {
    const res = await fetch(`${server.url}/api/v1/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ status: 404, title: 'Not Found', code: 'not-found' });
  });

  it('rejects malformed JSON with 400', async () => {
    const res = await fetch(`${server.url}/api/v1/health`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'malformed-json' });
  });

  it('rejects a body over the limit with 413', async () => {
    const res = await fetch(`${server.url}/api/v1/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pad: 'x'.repeat(5000) }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'body-too-large' });
  });

  it('rejects a non-JSON body with 415', async () => {
    const res = await fetch(`${server.url}/api/v1/health`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
    expect(res.status).toBe(415);
    expect((await res.json()).detail).toContain('application/json');
  });

  it('serves the client shell for client-side routes', async () => {
    for (const p of ['/', '/login', '/surveys/abc']) {
      const res = await fetch(`${server.url}${p}`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('mdsurvey shell');
    }
  });
});

describe('health with the database down', () => {
  it('answers 503 and says the database is down', async () => {
    const [target] = testDatabaseTargets();
    const db = await target.open();
    await migrate(db);
    const server = await listen(createApp({ db, config: { bodyLimitBytes: 1024 }, clientDir }));
    await db.close();
    const res = await fetch(`${server.url}/api/v1/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'degraded', database: { status: 'down' } });
    await server.close();
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { need, postgresTool } from '../helpers/tools.js';
import { runMdsurvey } from '../helpers/cli.js';
import { serve } from '../helpers/serve.js';
import { freshPostgresUrl } from '../helpers/databases.js';

async function installationId(url: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/health`);
  const body = await res.json();
  expect(body.database.status).toBe('up');
  return body.installationId;
}

describe('mdsurvey CLI', () => {
  it('lists its commands in --help', async () => {
    const r = await runMdsurvey(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('serve');
  });

  it('exits 2 with one line on an unknown command', async () => {
    const r = await runMdsurvey(['no-such-command']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['postgres://nobody@127.0.0.1:1/none', /cannot connect to PostgreSQL at postgres:\/\/nobody@127.0.0.1:1\/none: connection refused/],
    ['mysql://localhost/x', /DATABASE_URL must start with postgres:\/\//],
  ])('a bad DATABASE_URL %s gives one line and exit code 1', async (url, message) => {
    const r = await runMdsurvey(['serve'], { env: { DATABASE_URL: url, PORT: '0' } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('serves on the embedded database, stops cleanly on SIGTERM and SIGINT, and keeps data across restarts', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-'));
    const first = await serve({ DATA_DIR: dataDir });
    const id = await installationId(first.url);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'mdsurvey.lock'))).toBe(false);

    const second = await serve({ DATA_DIR: dataDir });
    expect(await installationId(second.url)).toBe(id);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it.runIf(need(postgresTool(), 'serve on a PostgreSQL server'))('serves on a PostgreSQL server given by DATABASE_URL', async () => {
    const fresh = (await freshPostgresUrl())!;
    try {
      const first = await serve({ DATABASE_URL: fresh.url });
      const id = await installationId(first.url);
      const health = await (await fetch(`${first.url}/api/v1/health`)).json();
      expect(health.database.kind).toBe('postgres');
      first.child.kill('SIGTERM');
      expect(await first.exited).toBe(0);
      const second = await serve({ DATABASE_URL: fresh.url });
      expect(await installationId(second.url)).toBe(id);
      second.child.kill('SIGTERM');
      expect(await second.exited).toBe(0);
    } finally {
      await fresh.drop();
    }
  });
});

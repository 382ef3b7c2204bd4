// The benchmarks' server: the built `mdsurvey serve` on a fresh PostgreSQL database, the first admin's
// password read from its banner, and a small JSON caller. Builds the server first when needed.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The value of a `--name value` flag, or the default. */
export const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};

/** Starts the server on a new database of `adminUrl`'s server; `stop()` ends it and drops the database. */
export async function startBenchServer(adminUrl, { nodeArgs = [], serveArgs = [] } = {}) {
  if (!fs.existsSync(path.join(root, 'dist', 'cli', 'bin.js'))) execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
  const dbName = `mdsurvey_bench_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(adminUrl);
  u.pathname = `/${dbName}`;
  const server = spawn(process.execPath, [...nodeArgs, path.join(root, 'bin', 'mdsurvey.js'), 'serve', ...serveArgs], {
    env: { ...process.env, DATABASE_URL: u.toString(), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let banner = '';
  const { url, password } = await new Promise((resolve, reject) => {
    server.stderr.on('data', (d) => {
      banner += d;
      const m = /running at (http:\/\/localhost:\d+)/.exec(banner);
      const p = /password:\s+(\S+)/.exec(banner);
      if (m && p) resolve({ url: m[1], password: p[1] });
    });
    server.on('exit', (c) => reject(new Error(`server exited ${c}: ${banner}`)));
  });
  const call = async (method, p, body, token) => {
    const res = await fetch(`${url}/api/v1${p}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  };
  const adminToken = (await call('POST', '/auth/login', { username: 'admin', password, token: true })).body.token;
  return {
    url,
    pid: server.pid,
    databaseUrl: u.toString(),
    call,
    adminToken,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
      await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin.end();
    },
  };
}

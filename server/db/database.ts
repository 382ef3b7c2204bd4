import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { messageOf } from '../../common/errors.js';
import { redactUrl } from '../config.js';
import { DatabaseUnavailableError } from './errors.js';
export { DatabaseUnavailableError };

/** Anything that runs SQL: the database itself or an open transaction. */
export interface Queryable {
  /** Runs one parameterised statement ($1, $2 ...) and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface QueryResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** The one storage interface of the server, the same over embedded PGlite and a PostgreSQL server. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, safe to print (a folder or a redacted URL). */
  readonly location: string;
  /** Runs fn inside BEGIN/COMMIT; any throw rolls the whole transaction back and is rethrown. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** True when a trivial query succeeds. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent, an embedded PGlite database is used. */
  databaseUrl?: string;
  /** Folder for PGlite's files; omit (with no URL) for an in-memory database (tests). */
  dataDir?: string;
}

/** Opens the configured database and checks that it answers. */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir);
}

/**
 * A parameterised statement as node-postgres runs it prepared: named by a hash of its text, it is
 * parsed and planned once per connection instead of at every call (the submission insert, run
 * hundreds of times a second under load). Texts beyond the first 500 distinct ones run unnamed, so
 * that statements built with varying text cannot fill the server's memory.
 */
const statementNames = new Map<string, string>();
function prepared(sql: string, params: readonly unknown[]): { name?: string; text: string; values: unknown[] } {
  if (params.length === 0) return { text: sql, values: [] };
  let name = statementNames.get(sql);
  if (name === undefined) {
    if (statementNames.size >= 500) return { text: sql, values: params as unknown[] };
    name = `md_${createHash('sha1').update(sql).digest('hex').slice(0, 20)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as unknown[] };
}

async function openPostgres(url: string): Promise<Database> {
  const pg = await import('pg');
  const pool = new pg.default.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client that loses its server emits 'error' on the pool; without a listener Node would crash.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new DatabaseUnavailableError(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${describePgError(err)}`);
  }
  const db: Database = {
    kind: 'postgres',
    location: redactUrl(url),
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const r = await pool.query(prepared(sql, params));
      return { rows: r.rows as Row[], rowCount: r.rowCount ?? r.rows.length };
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx: Queryable = {
        async query<Row>(sql: string, params: readonly unknown[] = []) {
          const r = await client.query(prepared(sql, params));
          return { rows: r.rows as Row[], rowCount: r.rowCount ?? r.rows.length };
        },
        async exec(sql: string) {
          await client.query(sql);
        },
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async ping() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await pool.end();
    },
  };
  return db;
}

function describePgError(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ECONNREFUSED') return 'connection refused (is the server running and listening there?)';
  if (e.code === 'ENOTFOUND') return 'host not found';
  if (e.code === '3D000') return `database does not exist (${e.message})`;
  if (e.code === '28P01' || e.code === '28000') return `authentication failed (${e.message})`;
  return messageOf(err) || String(e.code ?? 'unknown error');
}

async function openPglite(dataDir?: string): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  let release = () => undefined as void;
  if (dataDir) {
    try {
      fs.mkdirSync(dataDir, { recursive: true });
    } catch (err) {
      throw new DatabaseUnavailableError(`cannot create data directory ${dataDir}: ${messageOf(err)}`);
    }
    release = lockDataDir(dataDir);
  }
  let pg: InstanceType<typeof PGlite>;
  try {
    pg = dataDir ? new PGlite(path.join(dataDir, 'pglite')) : new PGlite();
    await pg.waitReady;
  } catch (err) {
    release();
    throw new DatabaseUnavailableError(`cannot open the embedded database in ${dataDir ?? 'memory'}: ${messageOf(err)}`);
  }
  const wrap = (q: { query: typeof pg.query; exec: typeof pg.exec }): Queryable => ({
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      const r = await q.query<Row>(sql, params as unknown[]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
    },
    async exec(sql: string) {
      await q.exec(sql);
    },
  });
  const base = wrap(pg);
  let closed = false;
  return {
    kind: 'pglite',
    location: dataDir ?? 'memory',
    query: base.query,
    exec: base.exec,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => pg.transaction((tx) => fn(wrap(tx))) as Promise<T>,
    async ping() {
      try {
        await pg.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pg.close();
      release();
    },
  };
}

/**
 * PGlite is one process's database: two servers on the same folder would corrupt it. A lock file
 * holding the owner's pid refuses a second opener while the first is alive and is reclaimed after a crash.
 */
const lockedHere = new Set<string>();

function lockDataDir(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'mdsurvey.lock');
  if (lockedHere.has(lockPath)) throw new DatabaseUnavailableError(`data directory ${dataDir} is already open in this process`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      lockedHere.add(lockPath);
      return () => {
        lockedHere.delete(lockPath);
        try {
          if (fs.readFileSync(lockPath, 'utf8') === String(process.pid)) fs.unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new DatabaseUnavailableError(`cannot write to data directory ${dataDir}: ${messageOf(err)}`);
      }
      const owner = Number(fs.readFileSync(lockPath, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new DatabaseUnavailableError(`data directory ${dataDir} is in use by another mdsurvey process (pid ${owner})`);
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new DatabaseUnavailableError(`cannot lock data directory ${dataDir}`); // a runtime failure (exit 1), not bad input
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

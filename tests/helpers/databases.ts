import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../server/db/index.js';

/** A database a test suite runs against: embedded PGlite always, a real PostgreSQL server when TEST_DATABASE_URL is set. */
export interface TestDatabaseTarget {
  name: 'pglite' | 'postgres';
  /** Opens a fresh, empty database (a new in-memory PGlite, or a new database on the server). */
  open(): Promise<Database>;
  /** Drops what open() created. */
  cleanup(): Promise<void>;
}

/** The targets for this run; integration suites loop over them with describe.each. */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [{ name: 'pglite', open: () => openDatabase({}), cleanup: async () => undefined }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    const created: string[] = [];
    targets.push({
      name: 'postgres',
      async open() {
        const name = `mdsurvey_t_${randomBytes(6).toString('hex')}`;
        await adminQuery(url, `CREATE DATABASE ${name}`);
        created.push(name);
        const u = new URL(url);
        u.pathname = `/${name}`;
        return openDatabase({ databaseUrl: u.toString() });
      },
      async cleanup() {
        for (const name of created.splice(0)) await adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    });
  }
  return targets;
}

/** The URL of a fresh server database (for tests that start the server as a process), or undefined. */
export async function freshPostgresUrl(): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return undefined;
  const name = `mdsurvey_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => adminQuery(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

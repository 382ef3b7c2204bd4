import fs from 'node:fs';
import path from 'node:path';
import { messageOf } from '../../common/errors.js';
import type { Database } from './database.js';
import { packageRoot } from '../../common/package-info.js';
import { MigrationError } from './errors.js';
export { MigrationError };

/** One numbered schema change: `0003_submissions.sql` has version 3. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** The folder of the shipped migrations: server/db/migrations in the package (the same for source, dist and the bundled CLI). */
export function defaultMigrationsDir(): string {
  return path.join(packageRoot(), 'server', 'db', 'migrations');
}

/** Reads the numbered .sql files of a folder in order; rejects gaps and duplicate numbers. */
export function loadMigrations(dir: string = defaultMigrationsDir()): Migration[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const m = MIGRATION_FILE.exec(file);
    if (!m) throw new MigrationError(`migration file ${file} is not named NNNN_name.sql`);
    const version = Number(m[1]);
    if (version !== migrations.length + 1) {
      throw new MigrationError(`migration ${file} breaks the sequence: expected number ${String(migrations.length + 1).padStart(4, '0')}`);
    }
    migrations.push({ version, name: m[2], sql: fs.readFileSync(path.join(dir, file), 'utf8') });
  }
  return migrations;
}

/**
 * Applies every migration not yet recorded, all in one transaction under an advisory lock so two
 * servers starting together do not race. Returns the versions applied now.
 */
export async function migrate(db: Database, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(72736001)');
    const done = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(done.rows.map((r) => Number(r.version)));
    const now: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      try {
        await tx.exec(m.sql);
      } catch (err) {
        throw new MigrationError(`migration ${String(m.version).padStart(4, '0')}_${m.name} failed: ${messageOf(err)}`);
      }
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      now.push(m.version);
    }
    return now;
  });
}

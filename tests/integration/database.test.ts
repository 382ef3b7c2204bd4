import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, migrate, loadMigrations, MigrationError, DatabaseUnavailableError } from '../../server/db/index.js';
import { testDatabaseTargets } from '../helpers/databases.js';

describe.each(testDatabaseTargets())('storage layer on $name', (target) => {
  afterAll(() => target.cleanup());

  it('runs parameterised queries', async () => {
    const db = await target.open();
    const r = await db.query<{ n: number; s: string }>('SELECT $1::int + 1 AS n, $2::text AS s', [41, 'x']);
    expect(r.rows).toEqual([{ n: 42, s: 'x' }]);
    expect(await db.ping()).toBe(true);
    await db.close();
  });

  it('commits a transaction and rolls back a failed one completely', async () => {
    const db = await target.open();
    await db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES (1)');
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (2)');
        await tx.query('INSERT INTO t VALUES (1)'); // duplicate key
      }),
    ).rejects.toThrow();
    const r = await db.query<{ id: number }>('SELECT id FROM t ORDER BY id');
    expect(r.rows.map((x) => x.id)).toEqual([1]);
    await db.close();
  });

  it('applies the shipped migrations once and records them', async () => {
    const db = await target.open();
    const first = await migrate(db);
    expect(first).toEqual(loadMigrations().map((m) => m.version));
    expect(await migrate(db)).toEqual([]);
    const rec = await db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rec.rows.map((r) => r.version)).toEqual(first);
    await db.close();
  });

  it('rolls back every statement of a failed migration run and names the migration', async () => {
    const db = await target.open();
    const migrations = [
      { version: 1, name: 'good', sql: 'CREATE TABLE a (x int);' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE b (x int); SELECT * FROM no_such_table;' },
    ];
    await expect(migrate(db, migrations)).rejects.toThrow(/0002_bad failed: .*no_such_table/);
    const tables = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('a','b') AND table_schema = current_schema()",
    );
    expect(tables.rows[0].n).toBe(0);
    const rec = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    expect(rec.rows[0].n).toBe(0);
    await db.close();
  });
});

describe('migration files', () => {
  it('rejects a gap in the numbering', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    fs.writeFileSync(path.join(dir, '0001_a.sql'), 'SELECT 1;');
    fs.writeFileSync(path.join(dir, '0003_c.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(MigrationError);
    expect(() => loadMigrations(dir)).toThrow(/0003_c.sql breaks the sequence/);
  });
  it('rejects a badly named file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    fs.writeFileSync(path.join(dir, 'init.sql'), 'SELECT 1;');
    expect(() => loadMigrations(dir)).toThrow(/not named NNNN_name.sql/);
  });
});

describe('embedded database on disk', () => {
  it('keeps data across close and reopen, and refuses a second opener while in use', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgl-'));
    const db = await openDatabase({ dataDir: dir });
    await migrate(db);
    const id = (await db.query<{ value: { id: string } }>("SELECT value FROM app_meta WHERE key='installation'")).rows[0].value.id;
    await expect(openDatabase({ dataDir: dir })).rejects.toThrow(DatabaseUnavailableError);
    await db.close();
    const again = await openDatabase({ dataDir: dir });
    expect(await migrate(again)).toEqual([]);
    const id2 = (await again.query<{ value: { id: string } }>("SELECT value FROM app_meta WHERE key='installation'")).rows[0].value.id;
    expect(id2).toBe(id);
    await again.close();
  });
});

describe('unreachable server', () => {
  it('fails with a message naming the address and the cause', async () => {
    await expect(openDatabase({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' })).rejects.toThrow(
      /cannot connect to PostgreSQL at postgres:\/\/nobody@127\.0\.0\.1:1\/none: connection refused/,
    );
  });
});

import type { Queryable } from '../db/index.js';

/** A user row as the API reads it (never the password hash). */
export interface UserRecord {
  id: string;
  username: string;
  display_name: string;
  role: 'admin' | 'statistician' | 'supervisor' | 'enumerator' | 'analyst';
  supervisor_id: string | null;
  disabled: boolean;
}

const USER_FIELDS = 'id, username, display_name, role, supervisor_id, disabled';

/** The user signing in: their record and password hash, or undefined for an unknown name. */
export async function userForLogin(db: Queryable, username: string): Promise<(UserRecord & { password_hash: string }) | undefined> {
  return (await db.query<UserRecord & { password_hash: string }>(`SELECT ${USER_FIELDS}, password_hash FROM users WHERE username = $1`, [username])).rows[0];
}

/** A user's stored password hash, or undefined. */
export async function passwordHashOf(db: Queryable, id: string): Promise<string | undefined> {
  return (await db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id])).rows[0]?.password_hash;
}

/** Stores a new password hash (and, with `enable`, enables the account). */
export async function setPasswordHash(db: Queryable, id: string, hash: string, enable = false): Promise<void> {
  await db.query(`UPDATE users SET password_hash = $2${enable ? ', disabled = false' : ''} WHERE id = $1`, [id, hash]);
}

/** One user's record, or undefined. */
export async function userById(db: Queryable, id: string): Promise<UserRecord | undefined> {
  return (await db.query<UserRecord>(`SELECT ${USER_FIELDS} FROM users WHERE id = $1`, [id])).rows[0];
}

/** The id of a user name, or undefined. */
export async function userIdByName(db: Queryable, username: string): Promise<string | undefined> {
  return (await db.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [username])).rows[0]?.id;
}

/** A new user; undefined when the name is taken. */
export async function insertUser(
  tx: Queryable,
  u: { username: string; displayName: string; role: string; supervisorId: string | null; passwordHash: string },
): Promise<UserRecord | undefined> {
  return (
    await tx.query<UserRecord>(
      `INSERT INTO users (username, display_name, role, supervisor_id, password_hash) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING ${USER_FIELDS}`,
      [u.username, u.displayName, u.role, u.supervisorId, u.passwordHash],
    )
  ).rows[0];
}

/** Every user, or a supervisor's team and the supervisor, by name. */
export async function listUsers(db: Queryable, supervisorId?: string): Promise<UserRecord[]> {
  return supervisorId
    ? (await db.query<UserRecord>(`SELECT ${USER_FIELDS} FROM users WHERE supervisor_id = $1 OR id = $1 ORDER BY username`, [supervisorId])).rows
    : (await db.query<UserRecord>(`SELECT ${USER_FIELDS} FROM users ORDER BY username`)).rows;
}

/** Changes what is given of a user (a `supervisorId` of null removes them from any team); undefined when there is no such user. */
export async function updateUser(
  tx: Queryable,
  id: string,
  c: { displayName?: string; role?: string; supervisorId?: string | null; disabled?: boolean },
): Promise<UserRecord | undefined> {
  return (
    await tx.query<UserRecord>(
      `UPDATE users SET display_name = COALESCE($2, display_name), role = COALESCE($3, role),
         supervisor_id = CASE WHEN $4::boolean THEN $5::uuid ELSE supervisor_id END, disabled = COALESCE($6, disabled)
       WHERE id = $1 RETURNING ${USER_FIELDS}`,
      [id, c.displayName ?? null, c.role ?? null, 'supervisorId' in c, c.supervisorId ?? null, c.disabled ?? null],
    )
  ).rows[0];
}

/** How many accounts exist. */
export async function countUsers(db: Queryable): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0].n;
}

/** The first admin account; false when one exists already. */
export async function insertFirstAdmin(db: Queryable, passwordHash: string): Promise<boolean> {
  const r = await db.query(
    "INSERT INTO users (username, display_name, role, password_hash) VALUES ('admin', 'Administrator', 'admin', $1) ON CONFLICT (username) DO NOTHING",
    [passwordHash],
  );
  return (r.rowCount ?? 0) > 0;
}

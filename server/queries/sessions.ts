import type { Queryable } from '../db/index.js';
import type { UserRecord } from './users.js';

/** Stores a session by the hash of its token. */
export async function insertSession(db: Queryable, tokenHash: string, userId: string, kind: 'cookie' | 'bearer', maxHours: number): Promise<void> {
  await db.query('INSERT INTO sessions (token_hash, user_id, kind, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4))', [
    tokenHash,
    userId,
    kind,
    maxHours,
  ]);
}

/**
 * The enabled user of a session that has not expired and was used within `idleMinutes`; one statement
 * also records its use, at most once a minute (the idle limit reads last_seen_at).
 */
export async function sessionUser(db: Queryable, tokenHash: string, idleMinutes: number): Promise<Omit<UserRecord, 'disabled'> | undefined> {
  const r = await db.query<Omit<UserRecord, 'disabled'>>(
    `WITH s AS (
       SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(mins => $2)),
     touched AS (
       UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1 AND last_seen_at < now() - interval '1 minute' AND EXISTS (SELECT 1 FROM s))
     SELECT u.id, u.username, u.display_name, u.role, u.supervisor_id FROM s JOIN users u ON u.id = s.user_id WHERE NOT u.disabled`,
    [tokenHash, idleMinutes],
  );
  return r.rows[0];
}

/** Ends one session. */
export async function deleteSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
}

/** Ends every session of a user but the one named; returns how many. */
export async function deleteSessionsOf(db: Queryable, userId: string, keepTokenHash = ''): Promise<number> {
  return (await db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [userId, keepTokenHash])).rowCount ?? 0;
}

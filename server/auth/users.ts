import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { hashPassword, randomPassword } from './passwords.js';

export const ROLES = ['admin', 'statistician', 'supervisor', 'enumerator', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

/** A signed-in user as routes see it. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  supervisorId: string | null;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  supervisor_id: string | null;
}

export const toUser = (r: UserRow): User => ({ id: r.id, username: r.username, displayName: r.display_name, role: r.role, supervisorId: r.supervisor_id });

const SESSION_DAYS = 30;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a session and returns its token (only its hash is stored). */
export async function createSession(db: Queryable, userId: string, kind: 'cookie' | 'bearer'): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO sessions (token_hash, user_id, kind, expires_at) VALUES ($1, $2, $3, now() + interval '${SESSION_DAYS} days')`, [hashToken(token), userId, kind]);
  return token;
}

/** Sessions seen in the last seconds: a request burst from one device costs one lookup, not one per request. */
const recent = new Map<string, { user: User; until: number }>();
const CACHE_MS = 5_000;

/** The user of a valid, unexpired session token, or null. */
export async function userForToken(db: Queryable, token: string): Promise<User | null> {
  const key = hashToken(token);
  const hit = recent.get(key);
  if (hit && hit.until > Date.now()) return hit.user;
  const r = await db.query<UserRow>(
    `SELECT u.id, u.username, u.display_name, u.role, u.supervisor_id FROM sessions s JOIN users u ON u.id = s.user_id
     WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [key],
  );
  const user = r.rows[0] ? toUser(r.rows[0]) : null;
  if (user) {
    if (recent.size > 10_000) recent.clear();
    recent.set(key, { user, until: Date.now() + CACHE_MS });
  } else recent.delete(key);
  return user;
}

/** Ends a session. */
export async function endSession(db: Queryable, token: string): Promise<void> {
  recent.delete(hashToken(token));
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [hashToken(token)]);
}

/** Forgets cached sessions (after a user is disabled). */
export function forgetSessions(): void {
  recent.clear();
}

/** On the first start (no user yet), creates the admin account; returns its password once, or null. */
export async function ensureAdmin(db: Queryable): Promise<{ username: string; password: string } | null> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if (r.rows[0].n > 0) return null;
  const password = randomPassword();
  const inserted = await db.query("INSERT INTO users (username, display_name, role, password_hash) VALUES ('admin', 'Administrator', 'admin', $1) ON CONFLICT (username) DO NOTHING", [await hashPassword(password)]);
  return inserted.rowCount ? { username: 'admin', password } : null;
}

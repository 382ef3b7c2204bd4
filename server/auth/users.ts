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

/** How long a session lives: ended after `idleMinutes` without a request, and `maxHours` after sign-in whatever happens. */
export interface SessionLimits {
  idleMinutes: number;
  maxHours: number;
}
/** Defaults: a working day and a night without use (field teams sign in each morning), two weeks at most. */
export const DEFAULT_SESSION_LIMITS: SessionLimits = { idleMinutes: 24 * 60, maxHours: 14 * 24 };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Creates a session and returns its token (only its hash is stored). */
export async function createSession(db: Queryable, userId: string, kind: 'cookie' | 'bearer', limits: SessionLimits = DEFAULT_SESSION_LIMITS): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query(`INSERT INTO sessions (token_hash, user_id, kind, expires_at) VALUES ($1, $2, $3, now() + make_interval(hours => $4))`, [hashToken(token), userId, kind, limits.maxHours]);
  return token;
}

/** Sessions seen in the last seconds: a request burst from one device costs one lookup, not one per request. */
const recent = new Map<string, { user: User; until: number }>();
const CACHE_MS = 5_000;

/** The user of a valid session token (unexpired, used within the idle limit, user not disabled), or null; marks it used. */
export async function userForToken(db: Queryable, token: string, limits: SessionLimits = DEFAULT_SESSION_LIMITS): Promise<User | null> {
  const key = hashToken(token);
  const hit = recent.get(key);
  if (hit && hit.until > Date.now()) return hit.user;
  // One statement checks the session and, at most once a minute, records its use (the idle limit reads last_seen_at).
  const r = await db.query<UserRow>(
    `WITH s AS (
       SELECT user_id FROM sessions WHERE token_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(mins => $2)),
     touched AS (
       UPDATE sessions SET last_seen_at = now() WHERE token_hash = $1 AND last_seen_at < now() - interval '1 minute' AND EXISTS (SELECT 1 FROM s))
     SELECT u.id, u.username, u.display_name, u.role, u.supervisor_id FROM s JOIN users u ON u.id = s.user_id WHERE NOT u.disabled`,
    [key, limits.idleMinutes],
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

/** Ends every session of a user (password reset, disabling, revocation), except the one named; returns how many. */
export async function endSessionsOf(db: Queryable, userId: string, keepToken?: string): Promise<number> {
  const r = await db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [userId, keepToken ? hashToken(keepToken) : '']);
  forgetSessions();
  return r.rowCount ?? 0;
}

/** Forgets cached sessions (after a user is disabled or sessions are revoked). */
export function forgetSessions(): void {
  recent.clear();
}

/** Sets a user's password, enables the account and ends all its sessions (the admin's reset, the CLI's recovery). */
export async function resetPassword(db: Queryable, userId: string, password: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2, disabled = false WHERE id = $1', [userId, await hashPassword(password)]);
  await endSessionsOf(db, userId);
}

/** On the first start (no user yet), creates the admin account; returns its password once, or null. */
export async function ensureAdmin(db: Queryable): Promise<{ username: string; password: string } | null> {
  const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if (r.rows[0].n > 0) return null;
  const password = randomPassword();
  const inserted = await db.query("INSERT INTO users (username, display_name, role, password_hash) VALUES ('admin', 'Administrator', 'admin', $1) ON CONFLICT (username) DO NOTHING", [await hashPassword(password)]);
  return inserted.rowCount ? { username: 'admin', password } : null;
}

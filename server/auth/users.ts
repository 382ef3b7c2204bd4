import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/index.js';
import { hashPassword, randomPassword } from './passwords.js';
import { deleteSession, deleteSessionsOf, insertSession, sessionUser } from '../queries/sessions.js';
import { countUsers, insertFirstAdmin, setPasswordHash } from '../queries/users.js';

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
  await insertSession(db, hashToken(token), userId, kind, limits.maxHours);
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
  const row = await sessionUser(db, key, limits.idleMinutes);
  const user = row ? toUser(row) : null;
  if (user) {
    if (recent.size > 10_000) recent.clear();
    recent.set(key, { user, until: Date.now() + CACHE_MS });
  } else recent.delete(key);
  return user;
}

/** Ends a session. */
export async function endSession(db: Queryable, token: string): Promise<void> {
  recent.delete(hashToken(token));
  await deleteSession(db, hashToken(token));
}

/** Ends every session of a user (password reset, disabling, revocation), except the one named; returns how many. */
export async function endSessionsOf(db: Queryable, userId: string, keepToken?: string): Promise<number> {
  const ended = await deleteSessionsOf(db, userId, keepToken ? hashToken(keepToken) : '');
  forgetSessions();
  return ended;
}

/** Forgets cached sessions (after a user is disabled or sessions are revoked). */
export function forgetSessions(): void {
  recent.clear();
}

/** Sets a user's password, enables the account and ends all its sessions (the admin's reset, the CLI's recovery). */
export async function resetPassword(db: Queryable, userId: string, password: string): Promise<void> {
  await setPasswordHash(db, userId, await hashPassword(password), true);
  await endSessionsOf(db, userId);
}

/** On the first start (no user yet), creates the admin account; returns its password once, or null. */
export async function ensureAdmin(db: Queryable): Promise<{ username: string; password: string } | null> {
  if ((await countUsers(db)) > 0) return null;
  const password = randomPassword();
  return (await insertFirstAdmin(db, await hashPassword(password))) ? { username: 'admin', password } : null;
}

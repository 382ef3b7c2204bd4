import type { Request } from 'express';
import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { createSession, endSession, endSessionsOf, toUser, type SessionLimits } from '../auth/users.js';
import { hashPassword, needsRehash, passwordProblem, verifyAgainstDummy, verifyPassword } from '../auth/passwords.js';
import { audit } from '../queries/audit.js';
import { passwordHashOf, setPasswordHash, userForLogin } from '../queries/users.js';

export const SESSION_COOKIE = 'mdsurvey_session';

/** The session token of a request: `Authorization: Bearer` first, else the session cookie (one rule for sign-in checks and sign-out). */
export function sessionTokenOf(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
    if (bearer) return bearer;
  }
  const cookie = req.cookies?.[SESSION_COOKIE];
  return typeof cookie === 'string' && cookie ? cookie : undefined;
}

/** The session limits the app was started with (set by createApp). */
export const sessionSettings: { limits?: SessionLimits } = {};

const ALL_ROLES = ['admin', 'statistician', 'supervisor', 'enumerator', 'analyst'] as const;

/** Sign in, sign out, who am I, change my password. */
export const authRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/auth/login',
    tag: 'auth',
    summary: 'Sign in',
    roles: 'public',
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['username', 'password'],
      properties: {
        username: { type: 'string', minLength: 1, maxLength: 100 },
        password: { type: 'string', minLength: 1, maxLength: 200 },
        token: { type: 'boolean' },
      },
    },
    async handler({ db, body, res }) {
      const { username, password, token } = body as { username: string; password: string; token?: boolean };
      const row = await userForLogin(db, username);
      // Same answer, and the same time, for an unknown user, a disabled one and a wrong password.
      const ok = row ? await verifyPassword(password, row.password_hash) : await verifyAgainstDummy(password);
      if (!row || row.disabled || !ok) throw new HttpProblem('bad-credentials', 'wrong user name or password');
      if (needsRehash(row.password_hash)) await setPasswordHash(db, row.id, await hashPassword(password));
      const limits = sessionSettings.limits;
      const session = await createSession(db, row.id, token ? 'bearer' : 'cookie', limits);
      if (!token)
        res.cookie(SESSION_COOKIE, session, {
          httpOnly: true,
          sameSite: 'lax',
          secure: res.req.secure,
          ...(limits ? { maxAge: limits.maxHours * 3600_000 } : {}),
          path: '/',
        });
      return { body: { user: toUser(row), ...(token ? { token: session } : {}) } };
    },
  },
  {
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'Sign out',
    roles: ALL_ROLES,
    async handler({ db, req, res }) {
      // The token that authenticated this request is the one ended (the same rule as sign-in checks).
      const token = sessionTokenOf(req);
      if (token) await endSession(db, token);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      return { status: 204 };
    },
  },
  {
    method: 'get',
    path: '/auth/me',
    tag: 'auth',
    summary: 'Show the signed-in user',
    roles: ALL_ROLES,
    async handler({ user }) {
      return { body: { user } };
    },
  },
  {
    method: 'post',
    path: '/auth/password',
    tag: 'auth',
    summary: 'Change my password',
    roles: ALL_ROLES,
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['currentPassword', 'newPassword'],
      properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 200 }, newPassword: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    async handler({ db, user, body, req }) {
      const b = body as { currentPassword: string; newPassword: string };
      const stored = await passwordHashOf(db, user.id);
      if (!stored || !(await verifyPassword(b.currentPassword, stored))) throw new HttpProblem('wrong-password', 'the current password is wrong');
      const problem = passwordProblem(b.newPassword, user.username);
      if (problem) throw new HttpProblem('weak-password', problem);
      await setPasswordHash(db, user.id, await hashPassword(b.newPassword));
      // Every other session of the user ends (a stolen token stops working); this one goes on.
      const ended = await endSessionsOf(db, user.id, sessionTokenOf(req));
      await audit(db, user, 'password-change', 'user', user.id, { sessionsEnded: ended });
      return { body: { changed: true, sessionsEnded: ended } };
    },
  },
];

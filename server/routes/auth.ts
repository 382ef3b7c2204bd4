import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { createSession, endSession, toUser } from '../auth/users.js';
import { verifyPassword } from '../auth/passwords.js';

export const SESSION_COOKIE = 'mdsurvey_session';

/** Sign in, sign out, who am I. */
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
      properties: { username: { type: 'string', minLength: 1, maxLength: 100 }, password: { type: 'string', minLength: 1, maxLength: 200 }, token: { type: 'boolean' } },
    },
    async handler({ db, body, res }) {
      const { username, password, token } = body as { username: string; password: string; token?: boolean };
      const r = await db.query<{ id: string; username: string; display_name: string; role: 'admin'; supervisor_id: string | null; password_hash: string; disabled: boolean }>(
        'SELECT id, username, display_name, role, supervisor_id, password_hash, disabled FROM users WHERE username = $1',
        [username],
      );
      const row = r.rows[0];
      // Same answer for an unknown user and a wrong password.
      if (!row || row.disabled || !(await verifyPassword(password, row.password_hash))) throw new HttpProblem(401, 'bad-credentials', 'wrong user name or password');
      const session = await createSession(db, row.id, token ? 'bearer' : 'cookie');
      if (!token) res.cookie(SESSION_COOKIE, session, { httpOnly: true, sameSite: 'lax', secure: res.req.secure, maxAge: 30 * 86400_000, path: '/' });
      return { body: { user: toUser(row), ...(token ? { token: session } : {}) } };
    },
  },
  {
    method: 'post',
    path: '/auth/logout',
    tag: 'auth',
    summary: 'Sign out',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator', 'analyst'],
    async handler({ db, req, res }) {
      const token = req.cookies?.[SESSION_COOKIE] ?? /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
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
    roles: ['admin', 'statistician', 'supervisor', 'enumerator', 'analyst'],
    async handler({ user }) {
      return { body: { user } };
    },
  },
];

import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { endSessionsOf, resetPassword, ROLES, toUser } from '../auth/users.js';
import { hashPassword, passwordProblem, randomPassword } from '../auth/passwords.js';
import { audit } from './audit.js';

const USER_FIELDS = 'id, username, display_name, role, supervisor_id, disabled';

/** Accounts: the admin creates them; supervisors see their team. */
export const userRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/users',
    tag: 'users',
    summary: 'Create a user',
    roles: ['admin'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['username', 'password', 'role'],
      properties: {
        username: { type: 'string', pattern: '^[A-Za-z0-9_.@-]{2,64}$' },
        displayName: { type: 'string', maxLength: 200 },
        password: { type: 'string', minLength: 1, maxLength: 200 },
        role: { enum: [...ROLES] },
        supervisorId: { type: 'string', format: 'uuid' },
      },
    },
    async handler({ db, body, user }) {
      const b = body as { username: string; displayName?: string; password: string; role: string; supervisorId?: string };
      if (b.supervisorId) {
        const s = await db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [b.supervisorId]);
        if (s.rows[0]?.role !== 'supervisor') throw new HttpProblem(422, 'bad-supervisor', 'supervisorId must name a supervisor');
      }
      const weak = passwordProblem(b.password, b.username);
      if (weak) throw new HttpProblem(422, 'weak-password', weak);
      const hash = await hashPassword(b.password);
      const r = await db.transaction(async (tx) => {
        const inserted = await tx.query<Parameters<typeof toUser>[0]>(
          `INSERT INTO users (username, display_name, role, supervisor_id, password_hash) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING RETURNING ${USER_FIELDS}`,
          [b.username, b.displayName ?? b.username, b.role, b.supervisorId ?? null, hash],
        );
        if (!inserted.rows[0]) throw new HttpProblem(409, 'username-taken', `user name "${b.username}" is taken`);
        await audit(tx, user, 'create', 'user', inserted.rows[0].id, { role: b.role });
        return inserted.rows[0];
      });
      return { status: 201, body: { user: toUser(r) } };
    },
  },
  {
    method: 'get',
    path: '/users',
    tag: 'users',
    summary: 'List users',
    roles: ['admin', 'supervisor', 'statistician'],
    async handler({ db, user }) {
      const r =
        user.role === 'supervisor'
          ? await db.query<Parameters<typeof toUser>[0]>(`SELECT ${USER_FIELDS} FROM users WHERE supervisor_id = $1 OR id = $1 ORDER BY username`, [user.id])
          : await db.query<Parameters<typeof toUser>[0]>(`SELECT ${USER_FIELDS} FROM users ORDER BY username`);
      return { body: { users: r.rows.map((u) => ({ ...toUser(u), disabled: (u as { disabled?: boolean }).disabled === true })) } };
    },
  },
  {
    method: 'patch',
    path: '/users/:userId',
    tag: 'users',
    summary: 'Change a user (display name, role, team, disabled)',
    roles: ['admin'],
    body: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { displayName: { type: 'string', maxLength: 200 }, role: { enum: [...ROLES] }, supervisorId: { type: ['string', 'null'], format: 'uuid' }, disabled: { type: 'boolean' } },
    },
    async handler({ db, params, body, user }) {
      const b = body as { displayName?: string; role?: string; supervisorId?: string | null; disabled?: boolean };
      if (params.userId === user.id && (b.disabled === true || (b.role && b.role !== 'admin'))) throw new HttpProblem(409, 'own-account', 'an admin cannot disable or demote their own account');
      if (b.supervisorId) {
        const s = await db.query<{ role: string }>('SELECT role FROM users WHERE id = $1', [b.supervisorId]);
        if (s.rows[0]?.role !== 'supervisor') throw new HttpProblem(422, 'bad-supervisor', 'supervisorId must name a supervisor');
      }
      const row = await db.transaction(async (tx) => {
        const r = await tx.query<Parameters<typeof toUser>[0] & { disabled: boolean }>(
          `UPDATE users SET display_name = COALESCE($2, display_name), role = COALESCE($3, role),
             supervisor_id = CASE WHEN $4::boolean THEN $5::uuid ELSE supervisor_id END, disabled = COALESCE($6, disabled)
           WHERE id = $1 RETURNING ${USER_FIELDS}`,
          [params.userId, b.displayName ?? null, b.role ?? null, 'supervisorId' in b, b.supervisorId ?? null, b.disabled ?? null],
        );
        if (!r.rows[0]) throw new HttpProblem(404, 'not-found', `no user ${params.userId}`);
        await audit(tx, user, 'update', 'user', params.userId, b);
        // A disabled user, or one whose role changed, signs in again.
        if (b.disabled || b.role) await endSessionsOf(tx, params.userId);
        return r.rows[0];
      });
      return { body: { user: { ...toUser(row), disabled: row.disabled } } };
    },
  },
  {
    method: 'post',
    path: '/users/:userId/password',
    tag: 'users',
    summary: "Reset a user's password",
    roles: ['admin'],
    body: { type: 'object', additionalProperties: false, properties: { password: { type: 'string', minLength: 1, maxLength: 200 } } },
    async handler({ db, params, body, user }) {
      const target = await db.query<{ username: string }>('SELECT username FROM users WHERE id = $1', [params.userId]);
      if (!target.rows[0]) throw new HttpProblem(404, 'not-found', `no user ${params.userId}`);
      const given = (body as { password?: string }).password;
      const password = given ?? randomPassword();
      const weak = passwordProblem(password, target.rows[0].username);
      if (weak) throw new HttpProblem(422, 'weak-password', weak);
      await resetPassword(db, params.userId, password);
      await audit(db, user, 'password-reset', 'user', params.userId);
      // A generated password is shown once, to the admin who reset it.
      return { body: { reset: true, ...(given ? {} : { password }) } };
    },
  },
  {
    method: 'delete',
    path: '/users/:userId/sessions',
    tag: 'users',
    summary: "End all of a user's sessions",
    roles: ['admin'],
    async handler({ db, params, user }) {
      const ended = await endSessionsOf(db, params.userId);
      await audit(db, user, 'revoke-sessions', 'user', params.userId, { sessionsEnded: ended });
      return { body: { sessionsEnded: ended } };
    },
  },
];

import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { endSessionsOf, resetPassword, ROLES, toUser } from '../auth/users.js';
import { hashPassword, passwordProblem, randomPassword } from '../auth/passwords.js';
import { audit } from '../queries/audit.js';
import { insertUser, listUsers, updateUser, userById } from '../queries/users.js';

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
        if ((await userById(db, b.supervisorId))?.role !== 'supervisor') throw new HttpProblem('bad-supervisor', 'supervisorId must name a supervisor');
      }
      const weak = passwordProblem(b.password, b.username);
      if (weak) throw new HttpProblem('weak-password', weak);
      const hash = await hashPassword(b.password);
      const r = await db.transaction(async (tx) => {
        const inserted = await insertUser(tx, {
          username: b.username,
          displayName: b.displayName ?? b.username,
          role: b.role,
          supervisorId: b.supervisorId ?? null,
          passwordHash: hash,
        });
        if (!inserted) throw new HttpProblem('username-taken', `user name "${b.username}" is taken`);
        await audit(tx, user, 'create', 'user', inserted.id, { role: b.role });
        return inserted;
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
      const rows = await listUsers(db, user.role === 'supervisor' ? user.id : undefined);
      return { body: { users: rows.map((u) => ({ ...toUser(u), disabled: u.disabled })) } };
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
      properties: {
        displayName: { type: 'string', maxLength: 200 },
        role: { enum: [...ROLES] },
        supervisorId: { type: ['string', 'null'], format: 'uuid' },
        disabled: { type: 'boolean' },
      },
    },
    async handler({ db, params, body, user }) {
      const b = body as { displayName?: string; role?: string; supervisorId?: string | null; disabled?: boolean };
      if (params.userId === user.id && (b.disabled === true || (b.role && b.role !== 'admin')))
        throw new HttpProblem('own-account', 'an admin cannot disable or demote their own account');
      if (b.supervisorId) {
        if ((await userById(db, b.supervisorId))?.role !== 'supervisor') throw new HttpProblem('bad-supervisor', 'supervisorId must name a supervisor');
      }
      const row = await db.transaction(async (tx) => {
        const updated = await updateUser(tx, params.userId, b);
        if (!updated) throw new HttpProblem('not-found', `no user ${params.userId}`);
        await audit(tx, user, 'update', 'user', params.userId, b);
        // A disabled user, or one whose role changed, signs in again.
        if (b.disabled || b.role) await endSessionsOf(tx, params.userId);
        return updated;
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
      const target = await userById(db, params.userId);
      if (!target) throw new HttpProblem('not-found', `no user ${params.userId}`);
      const given = (body as { password?: string }).password;
      const password = given ?? randomPassword();
      const weak = passwordProblem(password, target.username);
      if (weak) throw new HttpProblem('weak-password', weak);
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

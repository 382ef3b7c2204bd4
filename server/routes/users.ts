import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { ROLES, toUser } from '../auth/users.js';
import { hashPassword } from '../auth/passwords.js';
import { audit } from './audit.js';

const USER_FIELDS = 'id, username, display_name, role, supervisor_id';

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
        password: { type: 'string', minLength: 10, maxLength: 200 },
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
      return { body: { users: r.rows.map(toUser) } };
    },
  },
];

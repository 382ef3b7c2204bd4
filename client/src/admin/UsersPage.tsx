import { useCallback, useEffect, useMemo, useState } from 'react';
import { createAccount, endAccountSessions, listAccounts, resetAccountPassword, updateAccount, type Account, type User } from '../api.js';
import { deviceUser } from '../session.js';
import { usePageActions } from './page-status.js';

const ROLES: User['role'][] = ['admin', 'statistician', 'supervisor', 'enumerator', 'analyst'];
const ROLE_NAMES: Record<User['role'], string> = {
  admin: 'Administrator',
  statistician: 'Statistician (HQ)',
  supervisor: 'Supervisor',
  enumerator: 'Enumerator',
  analyst: 'Analyst',
};

/**
 * Accounts and teams (admin): create users, change a role, move an enumerator to another supervisor's
 * team, reset a password (a generated one is shown once), disable or enable, end every session.
 */
export function UsersPage() {
  const me = deviceUser();
  const [accounts, setAccounts] = useState<Account[] | null>(null);
  const [filter, setFilter] = useState('');
  const [roleFilter, setRoleFilter] = useState<'' | User['role']>('');
  const load = useCallback(async () => setAccounts(await listAccounts()), []);
  const { status, act, fail } = usePageActions(load);
  useEffect(() => void load().catch(fail), [load]);
  const supervisors = useMemo(() => (accounts ?? []).filter((a) => a.role === 'supervisor' && !a.disabled), [accounts]);
  const nameOf = (id: string | null) => (id ? (accounts?.find((a) => a.id === id)?.displayName ?? id) : '');
  const shown = (accounts ?? []).filter(
    (a) =>
      (!roleFilter || a.role === roleFilter) &&
      (!filter || `${a.username} ${a.displayName} ${nameOf(a.supervisorId)}`.toLowerCase().includes(filter.toLowerCase())),
  );
  if (me && me.role !== 'admin') return <p className="bad">Accounts are managed by an administrator; your role is {me.role}.</p>;
  return (
    <section className="admin-users">
      <h1>Users and teams</h1>
      <p role="status" aria-live="polite" className={status?.bad ? 'bad' : 'hint'} data-testid="users-status">
        {status?.text ?? (accounts ? `${accounts.length} accounts` : 'Loading the accounts…')}
      </p>
      <NewAccount
        supervisors={supervisors}
        onCreate={(a, reset) =>
          act(async () => {
            const created = await createAccount(a);
            reset(); // the form is emptied as soon as the account exists, before anything else is shown
            return `Created ${created.username}.`;
          })
        }
      />
      <h2>Accounts</h2>
      <div className="filters">
        <label>
          Search <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="name or team" />
        </label>{' '}
        <label>
          Role{' '}
          <select value={roleFilter} onChange={(e) => setRoleFilter(e.target.value as '' | User['role'])}>
            <option value="">all</option>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_NAMES[r]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="table-scroll">
        <table className="accounts">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Team (supervisor)</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.id} data-user={a.username} className={a.disabled ? 'disabled' : undefined}>
                <td>
                  <strong>{a.username}</strong>
                  {a.displayName !== a.username && <span className="hint"> {a.displayName}</span>}
                </td>
                <td>
                  <select
                    aria-label={`Role of ${a.username}`}
                    value={a.role}
                    disabled={a.id === me?.id}
                    onChange={(e) => {
                      const role = e.target.value as User['role'];
                      void act(async () => {
                        await updateAccount(a.id, { role, ...(role !== 'enumerator' ? { supervisorId: null } : {}) });
                        return `${a.username} is now ${ROLE_NAMES[role].toLowerCase()}; their sessions were ended.`;
                      });
                    }}
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {ROLE_NAMES[r]}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  {a.role === 'enumerator' ? (
                    <select
                      aria-label={`Team of ${a.username}`}
                      value={a.supervisorId ?? ''}
                      onChange={(e) => {
                        const to = e.target.value; // read now: the select shows the old team until the list is loaded again
                        void act(async () => {
                          await updateAccount(a.id, { supervisorId: to || null });
                          return to ? `${a.username} moved to ${nameOf(to)}'s team.` : `${a.username} has no supervisor now.`;
                        });
                      }}
                    >
                      <option value="">no supervisor (HQ reviews)</option>
                      {supervisors.map((s) => (
                        <option key={s.id} value={s.id}>
                          {s.displayName}
                        </option>
                      ))}
                    </select>
                  ) : a.role === 'supervisor' ? (
                    <span className="hint">{(accounts ?? []).filter((x) => x.supervisorId === a.id).length} enumerators</span>
                  ) : null}
                </td>
                <td>{a.disabled ? 'disabled' : 'active'}</td>
                <td className="actions">
                  <button
                    type="button"
                    disabled={a.id === me?.id}
                    onClick={() =>
                      void act(async () => {
                        await updateAccount(a.id, { disabled: !a.disabled });
                        return a.disabled ? `${a.username} can sign in again.` : `${a.username} is disabled and signed out everywhere.`;
                      })
                    }
                  >
                    {a.disabled ? 'Enable' : 'Disable'}
                  </button>{' '}
                  <button
                    type="button"
                    onClick={() =>
                      void act(async () => {
                        const r = await resetAccountPassword(a.id);
                        return `New password for ${a.username}: ${r.password ?? '(as given)'} — give it to them now; it is not shown again.`;
                      })
                    }
                  >
                    Reset password
                  </button>{' '}
                  <button type="button" onClick={() => void act(async () => `${await endAccountSessions(a.id)} session(s) of ${a.username} ended.`)}>
                    Sign out everywhere
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Teams</h2>
      <ul className="teams">
        {supervisors.map((s) => (
          <li key={s.id} data-team={s.username}>
            <strong>{s.displayName}</strong>:{' '}
            {(accounts ?? [])
              .filter((a) => a.supervisorId === s.id)
              .map((a) => a.username)
              .join(', ') || 'no enumerators yet'}
          </li>
        ))}
        <li>
          <strong>Without a supervisor</strong>:{' '}
          {(accounts ?? [])
            .filter((a) => a.role === 'enumerator' && !a.supervisorId)
            .map((a) => a.username)
            .join(', ') || 'none'}
        </li>
      </ul>
    </section>
  );
}

/** The form of a new account; a password can be typed or generated (then shown once). */
function NewAccount({
  supervisors,
  onCreate,
}: {
  supervisors: Account[];
  onCreate: (a: { username: string; displayName?: string; password: string; role: User['role']; supervisorId?: string }, reset: () => void) => Promise<void>;
}) {
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<User['role']>('enumerator');
  const [supervisorId, setSupervisorId] = useState('');
  const [password, setPassword] = useState('');
  const generate = () => {
    // 12 random characters; drawn again in the rare case they spell the user name, which the server refuses.
    const name = username.trim().toLowerCase();
    for (;;) {
      const bytes = crypto.getRandomValues(new Uint8Array(12));
      const made = Array.from(bytes, (b) => 'abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789'[b % 54]).join('');
      if (name.length < 3 || !made.toLowerCase().includes(name)) return setPassword(made);
    }
  };
  return (
    <form
      className="new-account"
      onSubmit={(e) => {
        e.preventDefault();
        void onCreate(
          {
            username: username.trim(),
            ...(displayName.trim() ? { displayName: displayName.trim() } : {}),
            password,
            role,
            ...(role === 'enumerator' && supervisorId ? { supervisorId } : {}),
          },
          () => {
            setUsername('');
            setDisplayName('');
            setPassword('');
          },
        );
      }}
    >
      <h2>New account</h2>
      <label>
        User name <input required aria-required="true" pattern="[A-Za-z0-9_.@\-]{2,64}" value={username} onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        Full name <input value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
      </label>
      <label>
        Role{' '}
        <select aria-label="Role of the new account" value={role} onChange={(e) => setRole(e.target.value as User['role'])}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_NAMES[r]}
            </option>
          ))}
        </select>
      </label>
      {role === 'enumerator' && (
        <label>
          Supervisor{' '}
          <select aria-label="Supervisor of the new account" value={supervisorId} onChange={(e) => setSupervisorId(e.target.value)}>
            <option value="">none (HQ reviews)</option>
            {supervisors.map((s) => (
              <option key={s.id} value={s.id}>
                {s.displayName}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Password <input required aria-required="true" type="text" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>{' '}
      <button type="button" onClick={generate}>
        Generate a password
      </button>{' '}
      <button type="submit">Create the account</button>
    </form>
  );
}

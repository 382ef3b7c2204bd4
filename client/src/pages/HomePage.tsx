import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { fetchHealth, me, type Health, type User } from '../api.js';

/** Landing page: who is signed in, and whether the server and database are up. */
export function HomePage() {
  const [health, setHealth] = useState<Health | null>(null);
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    fetchHealth(ctl.signal).then(setHealth, (err: unknown) => {
      if (!ctl.signal.aborted) setError(err instanceof Error ? err.message : String(err));
    });
    me().then(setUser, () => setUser(null));
    return () => ctl.abort();
  }, []);
  return (
    <section>
      <h1>Migration and development household surveys</h1>
      <p>
        Collect household interviews offline, review them, weight the sample and compare migrant and non-migrant households with design-based standard errors.
      </p>
      {user === null && (
        <p>
          <Link to="/login">Sign in</Link> to see your surveys and assignments.
        </p>
      )}
      {user && (
        <p data-testid="signed-in">
          Signed in as <strong>{user.displayName || user.username}</strong> ({user.role}).
        </p>
      )}
      <div className="status" role="status" aria-live="polite">
        {error && <p className="bad">Server unreachable: {error}</p>}
        {!error && !health && <p>Checking the server…</p>}
        {health && (
          <p className={health.database.status === 'up' ? 'good' : 'bad'} data-testid="health">
            Server {health.version}: database ({health.database.kind}) is {health.database.status}.
          </p>
        )}
      </div>
    </section>
  );
}

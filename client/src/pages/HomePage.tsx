import { useEffect, useState } from 'react';
import { fetchHealth, type Health } from '../api.js';

/** Landing page: what the system is and whether the server and database are up. */
export function HomePage() {
  const [health, setHealth] = useState<Health | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    fetchHealth(ctl.signal).then(setHealth, (err: unknown) => {
      if (!ctl.signal.aborted) setError(err instanceof Error ? err.message : String(err));
    });
    return () => ctl.abort();
  }, []);
  return (
    <section>
      <h1>Migration and development household surveys</h1>
      <p>Collect household interviews offline, review them, weight the sample and compare migrant and non-migrant households with design-based standard errors.</p>
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

import type { Queryable } from '../db/index.js';

/**
 * Counts one hit of a key in a window that starts at its first hit (a new window once the last one
 * has ended), atomically across processes; returns the hits and when the window ends.
 */
export async function hitRateLimit(db: Queryable, key: string, windowMs: number): Promise<{ hits: number; resetAt: Date }> {
  const r = await db.query<{ hits: number; reset_at: string | Date }>(
    `INSERT INTO rate_limits (key, hits, reset_at) VALUES ($1, 1, now() + make_interval(secs => $2))
     ON CONFLICT (key) DO UPDATE SET
       hits = CASE WHEN rate_limits.reset_at <= now() THEN 1 ELSE rate_limits.hits + 1 END,
       reset_at = CASE WHEN rate_limits.reset_at <= now() THEN now() + make_interval(secs => $2) ELSE rate_limits.reset_at END
     RETURNING hits, reset_at`,
    [key, windowMs / 1000],
  );
  return { hits: r.rows[0].hits, resetAt: new Date(r.rows[0].reset_at) };
}

/** Takes one hit back (a request the limiter decided not to count). */
export async function unhitRateLimit(db: Queryable, key: string): Promise<void> {
  await db.query('UPDATE rate_limits SET hits = greatest(hits - 1, 0) WHERE key = $1', [key]);
}

/** Forgets a key. */
export async function resetRateLimit(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE key = $1', [key]);
}

/** Drops the windows that have ended (so the table stays small). */
export async function dropEndedRateLimits(db: Queryable): Promise<void> {
  await db.query('DELETE FROM rate_limits WHERE reset_at <= now()');
}

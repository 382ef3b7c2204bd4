import type { Store, IncrementResponse, Options } from 'express-rate-limit';
import type { Database } from '../db/index.js';
import { dropEndedRateLimits, hitRateLimit, resetRateLimit, unhitRateLimit } from '../queries/rate-limits.js';

/**
 * The sign-in limiters' counters in the database (express-rate-limit's Store): every server process
 * on the same PostgreSQL counts into the same windows, so N processes behind a load balancer keep the
 * limit of one. Each limiter has its own prefix; ended windows are dropped now and then.
 */
export class DatabaseRateLimitStore implements Store {
  private windowMs = 15 * 60_000;
  private hitsSinceSweep = 0;
  readonly localKeys = false;
  constructor(
    private readonly db: Database,
    readonly prefix: string,
  ) {}
  init(options: Options): void {
    this.windowMs = options.windowMs;
  }
  async increment(key: string): Promise<IncrementResponse> {
    if (++this.hitsSinceSweep >= 1000) {
      this.hitsSinceSweep = 0;
      await dropEndedRateLimits(this.db);
    }
    const { hits, resetAt } = await hitRateLimit(this.db, `${this.prefix}:${key}`, this.windowMs);
    return { totalHits: hits, resetTime: resetAt };
  }
  async decrement(key: string): Promise<void> {
    await unhitRateLimit(this.db, `${this.prefix}:${key}`);
  }
  async resetKey(key: string): Promise<void> {
    await resetRateLimit(this.db, `${this.prefix}:${key}`);
  }
}

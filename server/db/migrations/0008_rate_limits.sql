-- Sign-in attempt counters, kept in the database so that several server processes behind a load
-- balancer share one limit (an in-memory counter per process would multiply it by the processes).
-- The key is the limiter's: an address and a short hash of the user name, never the name itself.
CREATE TABLE rate_limits (
  key        text PRIMARY KEY,
  hits       integer NOT NULL,
  reset_at   timestamptz NOT NULL
);
CREATE INDEX rate_limits_reset ON rate_limits (reset_at);

import path from 'node:path';
import { InputError } from '../common/errors.js';

/** Runtime settings of the server, read from the environment. */
export interface ServerConfig {
  /** TCP port the HTTP server listens on (PORT, default 8080). */
  port: number;
  /** Host to bind (HOST, default 0.0.0.0 so tablets on the same network can reach it). */
  host: string;
  /** Folder of the embedded PGlite database and other server state (DATA_DIR, default ./data). */
  dataDir: string;
  /** PostgreSQL connection string; when set, PGlite is not used (DATABASE_URL). */
  databaseUrl?: string;
  /** pino log level (LOG_LEVEL, default info). */
  logLevel: LogLevel;
  /** Largest accepted JSON request body in bytes (BODY_LIMIT, default 5 MiB). */
  bodyLimitBytes: number;
  /** Proxies whose X-Forwarded-For is believed (TRUST_PROXY: unset = none; `loopback`, addresses or CIDR ranges, comma-separated). */
  trustProxy: false | string[];
  /** Session idle and absolute limits (SESSION_IDLE_MINUTES, default 1440; SESSION_MAX_HOURS, default 336). */
  sessionLimits: { idleMinutes: number; maxHours: number };
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Reads and validates the settings; throws InputError naming the variable on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = parseInteger(env.PORT ?? '8080', 'PORT', 0, 65535);
  const logLevel = (env.LOG_LEVEL ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new InputError('bad-setting', `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got "${env.LOG_LEVEL}"`, 'LOG_LEVEL');
  }
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl !== undefined) checkDatabaseUrl(databaseUrl);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR ?? 'data'),
    databaseUrl,
    logLevel: logLevel as LogLevel,
    bodyLimitBytes: parseInteger(env.BODY_LIMIT ?? String(5 * 1024 * 1024), 'BODY_LIMIT', 1024, 1024 * 1024 * 1024),
    trustProxy: env.TRUST_PROXY?.trim()
      ? env.TRUST_PROXY.split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : false,
    sessionLimits: {
      idleMinutes: parseInteger(env.SESSION_IDLE_MINUTES ?? '1440', 'SESSION_IDLE_MINUTES', 1, 525_600),
      maxHours: parseInteger(env.SESSION_MAX_HOURS ?? '336', 'SESSION_MAX_HOURS', 1, 8_760),
    },
  };
}

function parseInteger(text: string, name: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new InputError('bad-setting', `${name} must be a whole number; got "${text}"`, name);
  const n = Number(text);
  if (n < min || n > max) throw new InputError('bad-setting', `${name} must be between ${min} and ${max}; got ${n}`, name);
  return n;
}

/** Rejects anything that is not a postgres:// or postgresql:// URL, before any connection is tried. */
export function checkDatabaseUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError('bad-database-url', `DATABASE_URL is not a valid URL (expected postgres://user@host:5432/database)`, 'DATABASE_URL');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new InputError('bad-database-url', `DATABASE_URL must start with postgres:// or postgresql://; got ${parsed.protocol}//`, 'DATABASE_URL');
  }
}

/** The URL with any password replaced, safe to print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

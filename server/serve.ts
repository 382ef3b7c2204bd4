import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ServerConfig } from './config.js';
import { openDatabase, migrate, type Database } from './db/index.js';
import { createApp } from './app.js';
import { createLogger, type Logger } from './logger.js';
import { ensureAdmin } from './auth/users.js';

export interface RunningServer {
  url: string;
  /** The admin account created on the first start (its password is shown once), or null. */
  firstAdmin: { username: string; password: string } | null;
  db: Database;
  server: http.Server;
  logger: Logger;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  stop(): Promise<void>;
}

/**
 * Opens and migrates the database, then listens. Throws DatabaseUnavailableError/MigrationError on
 * failure. `prepared`: a process of a cluster whose primary has already migrated the database and
 * created the first admin (prepareDatabase) skips both.
 */
export async function startServer(config: ServerConfig, options: { prepared?: boolean } = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  let firstAdmin: RunningServer['firstAdmin'] = null;
  if (!options.prepared) {
    try {
      const applied = await migrate(db);
      if (applied.length) logger.info({ applied }, 'database migrations applied');
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    firstAdmin = await ensureAdmin(db);
  }
  const app = createApp({ db, config, logger });
  const server = http.createServer(app);
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // A client that holds a connection open must not keep the process alive for ever.
      const force = setTimeout(() => server.closeAllConnections(), 10_000);
      await closed;
      clearTimeout(force);
      await db.close();
    })();
    return stopping;
  };
  return { url, firstAdmin, db, server, logger, stop };
}

/**
 * What the primary of a cluster does before it starts the server processes: migrate the database and
 * create the first admin, once, so that the processes do not race at it.
 */
export async function prepareDatabase(config: ServerConfig): Promise<{ location: string; kind: Database['kind']; firstAdmin: RunningServer['firstAdmin'] }> {
  const logger = createLogger(config.logLevel);
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const applied = await migrate(db);
    if (applied.length) logger.info({ applied }, 'database migrations applied');
    return { location: db.location, kind: db.kind, firstAdmin: await ensureAdmin(db) };
  } finally {
    await db.close().catch(() => undefined);
  }
}

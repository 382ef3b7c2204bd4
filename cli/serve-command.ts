import type { Command } from 'commander';
import { InputError } from '../common/errors.js';
import { loadConfig } from '../server/config.js';
import { DatabaseUnavailableError } from '../server/db/errors.js';

/** `mdsurvey serve`: the same as `npm start` without the build step. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('start the HTTP server and web app (settings: PORT, HOST, DATA_DIR, DATABASE_URL, LOG_LEVEL, BODY_LIMIT)')
    .option('-p, --port <port>', 'port to listen on (overrides PORT)')
    .option('--workers <n>', 'server processes sharing the port (node:cluster), for a machine with several cores; needs PostgreSQL (DATABASE_URL)', '1')
    .action(async (opts: { port?: string; workers: string }) => {
      const env = { ...process.env };
      if (opts.port !== undefined) env.PORT = opts.port;
      let config;
      try {
        config = loadConfig(env);
      } catch (err) {
        // A server that cannot start is a runtime failure (exit 1), whatever the cause.
        if (err instanceof InputError && err.where === 'DATABASE_URL') throw new DatabaseUnavailableError(err.message);
        throw err;
      }
      const workers = Number(opts.workers);
      if (!Number.isInteger(workers) || workers < 1 || workers > 64)
        throw new InputError('bad-flags', `--workers takes a whole number from 1 to 64, got "${opts.workers}"`, '--workers');
      if (workers > 1 && !config.databaseUrl)
        throw new InputError('bad-flags', '--workers needs PostgreSQL (DATABASE_URL): the embedded database belongs to one process', '--workers');
      // Loaded here so that analysis commands do not pay for express, pino and the database drivers.
      const { startServer, prepareDatabase } = await import('../server/serve.js');
      const cluster = workers > 1 ? (await import('node:cluster')).default : null;
      if (cluster?.isPrimary) {
        // The primary migrates once, then starts the processes, which share the port (the primary hands
        // out the connections); a process that dies is replaced. Nothing per process breaks this: rate
        // limits and idempotency live in the database (README, "Several server processes").
        const prepared = await prepareDatabase(config);
        // The processes accept connections themselves (the kernel spreads them): the primary's
        // round-robin hand-off costs a core's worth of system calls under load.
        cluster.schedulingPolicy = cluster.SCHED_NONE;
        let stopping = false;
        const fork = () => cluster.fork({ MDSURVEY_CLUSTER_WORKER: '1' });
        cluster.on('exit', (worker, code, signal) => {
          if (!stopping) {
            process.stderr.write(`mdsurvey: server process ${worker.process.pid} ended (${signal ?? code}); starting another\n`);
            fork();
          }
        });
        const port = await new Promise<number>((resolve) => {
          let listening = 0;
          cluster.on('listening', (_w, address) => {
            if (++listening === workers) resolve(address.port);
          });
          for (let k = 0; k < workers; k++) fork();
        });
        printBanner(`http://localhost:${port}`, prepared, `${workers} server processes`);
        await new Promise<void>((resolve) => {
          const shutdown = () => {
            stopping = true;
            const all = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
            let left = all.length;
            if (!left) resolve();
            for (const w of all) {
              w.once('exit', () => --left === 0 && resolve());
              w.process.kill('SIGTERM');
            }
          };
          process.once('SIGINT', shutdown);
          process.once('SIGTERM', shutdown);
        });
        return;
      }
      const running = await startServer(config, { prepared: !!cluster });
      if (!cluster) printBanner(running.url, { kind: running.db.kind, location: running.db.location, firstAdmin: running.firstAdmin });
      await new Promise<void>((resolve) => {
        const shutdown = (signal: string) => {
          running.logger.info({ signal }, 'shutting down');
          running.stop().then(resolve, (err) => {
            running.logger.error({ err }, 'error during shutdown');
            process.exitCode = 1;
            resolve();
          });
        };
        process.once('SIGINT', () => shutdown('SIGINT'));
        process.once('SIGTERM', () => shutdown('SIGTERM'));
      });
    });
}

/** What `serve` prints when it is ready: where, the storage, the first admin's password (once). */
function printBanner(url: string, db: { kind: string; location: string; firstAdmin: { username: string; password: string } | null }, processes?: string): void {
  const where = db.kind === 'pglite' ? `embedded database in ${db.location}` : `PostgreSQL at ${db.location}`;
  process.stderr.write(
    `\nmdsurvey is running at ${url}\n` +
      `  storage: ${where}\n` +
      (processes ? `  server:  ${processes}\n` : '') +
      `  health:  ${url}/api/v1/health\n` +
      `  sign in: ${url}/login\n` +
      (db.firstAdmin
        ? `  first start: created the admin account\n      user name: ${db.firstAdmin.username}\n      password:  ${db.firstAdmin.password}\n    (shown only now: write it down)\n`
        : '') +
      `  API:     ${url}/api/v1/openapi.json\n` +
      `  stop:    Ctrl-C\n\n`,
  );
}

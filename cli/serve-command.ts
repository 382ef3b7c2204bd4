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
    .action(async (opts: { port?: string }) => {
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
      // Loaded here so that analysis commands do not pay for express, pino and the database drivers.
      const { startServer } = await import('../server/serve.js');
      const running = await startServer(config);
      const where = running.db.kind === 'pglite' ? `embedded database in ${running.db.location}` : `PostgreSQL at ${running.db.location}`;
      process.stderr.write(
        `\nmdsurvey is running at ${running.url}\n` +
          `  storage: ${where}\n` +
          `  health:  ${running.url}/api/v1/health\n` +
          `  sign in: ${running.url}/login\n` +
          (running.firstAdmin
            ? `  first start: created the admin account\n      user name: ${running.firstAdmin.username}\n      password:  ${running.firstAdmin.password}\n    (shown only now: write it down)\n`
            : '') +
          `  API:     ${running.url}/api/v1/openapi.json\n` +
          `  stop:    Ctrl-C\n\n`,
      );
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

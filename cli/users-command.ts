import type { Command } from 'commander';
import { InputError } from '../common/errors.js';
import { loadConfig } from '../server/config.js';
import { DatabaseUnavailableError } from '../server/db/errors.js';

/**
 * `mdsurvey users reset-password NAME`: on the server's machine, sets a new random password for a
 * user (enabling the account and ending its sessions) and prints it once. It is how a lost first admin
 * password is recovered; it opens the database the server uses (DATA_DIR or DATABASE_URL).
 */
export function registerUserCommands(program: Command): void {
  const users = program.command('users').description('accounts, on the server machine (settings: DATA_DIR, DATABASE_URL)');
  users
    .command('reset-password')
    .description("set a new random password for a user, enable the account, end its sessions, and print the password once")
    .argument('<username>', 'the user name (admin for the first account)')
    .action(async (username: string) => {
      let config;
      try {
        config = loadConfig(process.env);
      } catch (err) {
        if (err instanceof InputError && err.where === 'DATABASE_URL') throw new DatabaseUnavailableError(err.message);
        throw err;
      }
      const { openDatabase, migrate } = await import('../server/db/index.js');
      const { resetPassword } = await import('../server/auth/users.js');
      const { randomPassword } = await import('../server/auth/passwords.js');
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(db);
        const r = await db.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [username]);
        if (!r.rows[0]) throw new InputError('unknown-user', `no user "${username}"`, username);
        const password = randomPassword();
        await resetPassword(db, r.rows[0].id, password);
        await db.query("INSERT INTO audit_log (user_id, action, entity, entity_id, details) VALUES (NULL, 'password-reset', 'user', $1, '{\"by\": \"command line\"}')", [r.rows[0].id]);
        process.stdout.write(`new password for ${username}: ${password}\n(shown only now; the account is enabled and its sessions ended)\n`);
      } finally {
        await db.close();
      }
    });
}

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
    .description('set a new random password for a user, enable the account, end its sessions, and print the password once')
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
      const { userIdByName } = await import('../server/queries/users.js');
      const { audit } = await import('../server/queries/audit.js');
      const { randomPassword } = await import('../server/auth/passwords.js');
      const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        await migrate(db);
        const id = await userIdByName(db, username);
        if (!id) throw new InputError('unknown-user', `no user "${username}"`, username);
        const password = randomPassword();
        await resetPassword(db, id, password);
        await audit(db, null, 'password-reset', 'user', id, { by: 'command line' });
        process.stdout.write(`new password for ${username}: ${password}\n(shown only now; the account is enabled and its sessions ended)\n`);
      } finally {
        await db.close();
      }
    });
}

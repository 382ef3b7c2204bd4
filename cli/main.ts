import { Command, CommanderError } from 'commander';
import { isInputError, messageOf } from '../common/errors.js';
import { DatabaseUnavailableError, MigrationError } from '../server/db/errors.js';
import { packageVersion } from '../common/package-info.js';
import { registerServe } from './serve-command.js';
import { registerAnalysisCommands } from './analysis-commands.js';
import { registerSamplingCommands } from './sampling-commands.js';
import { registerQuestionnaireCommands } from './questionnaire-commands.js';
import { registerUserCommands } from './users-command.js';

/** Exit codes: 0 success, 1 runtime failure (database, I/O), 2 bad input or usage. */
export const EXIT_RUNTIME = 1;
export const EXIT_INPUT = 2;

/** Builds the `mdsurvey` command tree. */
export function buildProgram(): Command {
  const program = new Command('mdsurvey')
    .description('survey collection and design-based analysis for migration-and-development household surveys')
    .version(packageVersion())
    .showHelpAfterError(false)
    .exitOverride();
  registerServe(program);
  registerAnalysisCommands(program);
  registerSamplingCommands(program);
  registerQuestionnaireCommands(program);
  registerUserCommands(program);
  return program;
}

/** Runs the CLI and returns the exit code; prints one clear line on failure, never a stack trace. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return EXIT_INPUT; // commander already printed its one line
    }
    if (isInputError(err)) {
      process.stderr.write(`mdsurvey: ${err.message}\n`);
      return EXIT_INPUT;
    }
    if (err instanceof DatabaseUnavailableError || err instanceof MigrationError) {
      process.stderr.write(`mdsurvey: ${err.message}\n`);
      return EXIT_RUNTIME;
    }
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      process.stderr.write(`mdsurvey: the port is already in use (${messageOf(err)})\n`);
      return EXIT_RUNTIME;
    }
    if (e.code === 'ENOENT' || e.code === 'EACCES' || e.code === 'EISDIR') {
      process.stderr.write(`mdsurvey: ${messageOf(err)}\n`);
      return EXIT_INPUT;
    }
    process.stderr.write(`mdsurvey: internal error: ${messageOf(err)}\n`);
    if (process.env.MDSURVEY_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return EXIT_RUNTIME;
  }
}

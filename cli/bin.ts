import { runCli } from './main.js';

// Process entry of the CLI: bin/mdsurvey.js loads this (built, or through tsx from source).
process.exit(await runCli(process.argv.slice(2)));

import { prestartFromArgv } from '../io/csv-cells-prestart.js';

// Process entry of the CLI: bin/mdsurvey.js loads this (built, or through tsx from source).
// The thread that reads half of a large CSV starts before the commands load (io/csv-cells-prestart.ts).
prestartFromArgv(process.argv.slice(2));
const { runCli } = await import('./main.js');
const code = await runCli(process.argv.slice(2));
// Writes to a pipe are asynchronous: exiting at once cut JSON output read through a pipe at 64 KiB.
// Both streams are flushed first (a write's callback runs once everything before it is handed over).
await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((done) => s.write('', () => done()))));
process.exit(code);

// Three domain estimates on a file as R writes it (issue 21): mdsurvey reading the file once for the
// whole table (`estimate --spec`) against R survey reading it once with read.csv and running all
// three, whole processes, in the same run; prints the medians and the largest relative difference.
//   node bench/estimate-table.mjs [--runs 3] [--r-runs 1] [--rows 1100000] [--no-r] [--format csv|dta|dta12|sav|sav-none]
// The file: bench/generate-persons.mjs's persons, rewritten by R's write.csv with text strata, PSUs and
// migrant status (quoted strings, as R writes them). --format: mdsurvey reads the same rows as R haven
// writes them (write_dta, dta12 as Stata 12 writes (format 115); write_sav compressed, as by default, or not),
// R survey still the CSV.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTableSpec } from './estimate-spec.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('--runs', 3));
const rRuns = Number(arg('--r-runs', 1));
const out = path.join(here, 'out');
fs.mkdirSync(out, { recursive: true });
const plain = path.join(out, 'persons.csv');
const file = path.join(out, 'persons-quoted.csv');
if (!fs.existsSync(plain)) execFileSync(process.execPath, [path.join(here, 'generate-persons.mjs'), plain], { stdio: 'inherit' });
if (!fs.existsSync(file)) {
  console.log('writing the R version of the file (write.csv, quoted texts)...');
  execFileSync('Rscript', [
    '-e',
    `d <- read.csv("${plain}"); d$stratum <- paste0("Region ", d$stratum); d$psu <- paste0("EA-", d$psu); d$migrant <- ifelse(d$migrant == 1, "migrant", "non-migrant"); write.csv(d, "${file}", row.names = FALSE)`,
  ]);
}
const format = arg('--format', 'csv');
if (!['csv', 'dta', 'dta12', 'sav', 'sav-none'].includes(format)) throw new Error(`--format csv, dta, dta12, sav or sav-none, not ${format}`);
const ourFile = format === 'csv' ? file : path.join(out, `persons-quoted.${{ 'sav-none': 'none.sav', dta12: 'v12.dta' }[format] ?? format}`);
if (!fs.existsSync(ourFile)) {
  console.log(`writing the rows with R haven (${format})...`);
  const write = format.startsWith('dta')
    ? `write_dta(d, f${format === 'dta12' ? ', version = 12' : ''})`
    : `write_sav(d, f, compress = "${format === 'sav' ? 'byte' : 'none'}")`;
  execFileSync('Rscript', ['-e', `library(haven); d <- read.csv("${file}"); f <- "${ourFile}"; ${write}`]);
}
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'bin.js'))) execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
const spec = writeTableSpec(out);
const hasTime = fs.existsSync('/usr/bin/time');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(cmd, args) {
  const full = hasTime ? ['/usr/bin/time', ['-f', '%M', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  return { seconds, rss: hasTime ? Number(r.stderr.trim().split('\n').pop()) / 1024 : NaN, stdout: r.stdout };
}
const ours = [];
let result;
for (let k = 0; k < runs; k++) {
  const r = timed(process.execPath, [
    path.join(root, 'bin', 'mdsurvey.js'),
    'estimate',
    ourFile,
    '--weights',
    'weight',
    '--strata',
    'stratum',
    '--ids',
    'psu',
    '--nest',
    '--spec',
    spec,
  ]);
  ours.push(r);
  result = JSON.parse(r.stdout).results;
}
const size = (fs.statSync(ourFile).size / 1048576).toFixed(1);
console.log(`file: ${ourFile} (${size} MB, ${result[0].estimates.reduce((s, e) => s + e.n + e.missing, 0)} rows)`);
console.log(
  `mdsurvey estimate --spec (three estimates, one reading): median ${median(ours.map((r) => r.seconds)).toFixed(2)} s of ${runs} runs [${ours.map((r) => r.seconds.toFixed(2)).join(' ')}], peak ${Math.max(...ours.map((r) => r.rss)).toFixed(0)} MB`,
);
if (process.argv.includes('--no-r') || spawnSync('Rscript', ['-e', 'suppressMessages(library(survey))']).status !== 0) {
  console.log('R survey not run (--no-r, or R with the survey package not installed)');
  process.exit(0);
}
const theirs = [];
let rOut;
for (let k = 0; k < rRuns; k++) {
  const r = timed('Rscript', [path.join(here, 'estimate-table.R'), file]);
  theirs.push(r);
  rOut = r.stdout;
}
let worst = 0;
for (const line of rOut.trim().split('\n').slice(1)) {
  const [which, domain, est, se] = line.replace(/"/g, '').split(',');
  const e = result[Number(which) - 1].estimates.find((x) => x.domain.migrant === domain);
  for (const [a, b] of [
    [e.estimate, Number(est)],
    [e.se, Number(se)],
  ])
    worst = Math.max(worst, b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));
}
const rMedian = median(theirs.map((r) => r.seconds));
const oMedian = median(ours.map((r) => r.seconds));
console.log(
  `R survey ${spawnSync('Rscript', ['-e', 'cat(format(packageVersion("survey")))'], { encoding: 'utf8' }).stdout} (read.csv once, three svyby): median ${rMedian.toFixed(2)} s of ${rRuns} run(s), peak ${Math.max(...theirs.map((r) => r.rss)).toFixed(0)} MB`,
);
console.log(`speed-up ${(rMedian / oMedian).toFixed(1)}x; largest relative difference of estimates and standard errors ${worst.toExponential(2)}`);

// Estimation benchmark (issue: analysis engine). Generates the synthetic 1.1-million-row person file
// (bench/generate-persons.mjs) if needed, then runs three whole `mdsurvey estimate` processes, each
// several times, and reports the median wall time and peak memory; with R installed it runs R
// survey on the same file and prints both times and the largest relative difference of the estimates.
//   node bench/estimate.mjs [--runs 5] [--r-runs 1] [--no-r]
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('--runs', 5));
const rRuns = Number(arg('--r-runs', 1));
const file = path.join(here, 'out', 'persons.csv');
if (!fs.existsSync(file)) execFileSync(process.execPath, [path.join(here, 'generate-persons.mjs'), file], { stdio: 'inherit' });
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'bin.js'))) execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });

const design = ['--weights', 'weight', '--strata', 'stratum', '--ids', 'psu'];
const commands = [
  { name: 'mean of outcome by migrant status', args: ['--mean', 'outcome', '--by', 'migrant'] },
  { name: 'the same in the subset aged 6-17', args: ['--mean', 'outcome', '--by', 'migrant', '--subset', '${age} >= 6 and ${age} <= 17'] },
  { name: 'total amount by migrant status, household heads', args: ['--total', 'amount', '--by', 'migrant', '--subset', '${relation} = 1'] },
];
const hasTime = fs.existsSync('/usr/bin/time');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Runs a command; returns wall seconds, CPU seconds and peak RSS in MB (when /usr/bin/time exists) and stdout. */
function timed(cmd, args) {
  const full = hasTime ? ['/usr/bin/time', ['-f', '%M %U %S', cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr}`);
  const [kb, user, sys] = hasTime ? r.stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  return { seconds, cpu: user + sys, rss: kb / 1024, stdout: r.stdout };
}

const ours = commands.map((c) => {
  const times = [];
  const cpus = [];
  let rss = 0;
  let out;
  for (let k = 0; k < runs; k++) {
    const r = timed(process.execPath, [path.join(root, 'bin', 'mdsurvey.js'), 'estimate', file, ...design, ...c.args]);
    times.push(r.seconds);
    cpus.push(r.cpu);
    rss = Math.max(rss, r.rss);
    out = JSON.parse(r.stdout);
  }
  return { ...c, seconds: median(times), cpu: median(cpus), all: times, rss, estimates: out.estimates };
});

const total = ours.reduce((s, c) => s + c.seconds, 0);
console.log(
  `file: ${file} (${(fs.statSync(file).size / 1048576).toFixed(1)} MB, ${ours[0].estimates.reduce((s, e) => s + e.n + e.missing, 0)} rows in the domains of command 1)`,
);
console.log(`mdsurvey, median of ${runs} runs per command (whole process, reading the CSV included):`);
for (const c of ours)
  console.log(
    `  ${c.seconds.toFixed(3)} s wall  ${c.cpu.toFixed(2)} s cpu  peak ${c.rss.toFixed(0)} MB  ${c.name}   [wall runs: ${c.all.map((t) => t.toFixed(2)).join(' ')}]`,
  );
console.log(`  ${total.toFixed(3)} s wall  ${ours.reduce((s, c) => s + c.cpu, 0).toFixed(2)} s cpu  all three`);

const haveR = !process.argv.includes('--no-r') && spawnSync('Rscript', ['-e', 'suppressMessages({library(survey); library(data.table)})']).status === 0;
if (!haveR) {
  console.log('R survey (with data.table) not available: skipped the comparison (apt-get install r-cran-survey r-cran-data.table)');
} else {
  let rTotal = 0;
  let worst = 0;
  console.log(
    `R survey ${spawnSync('Rscript', ['-e', 'cat(format(packageVersion("survey")))'], { encoding: 'utf8' }).stdout}, median of ${rRuns} run(s) per command (data.table::fread, svydesign, svyby):`,
  );
  commands.forEach((c, i) => {
    const times = [];
    let out;
    for (let k = 0; k < rRuns; k++) {
      const r = timed('Rscript', [path.join(here, 'estimate.R'), file, String(i + 1)]);
      times.push(r.seconds);
      out = r.stdout;
    }
    const rows = out
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.replace(/"/g, '').split(','));
    for (const [domain, est, se] of rows) {
      const e = ours[i].estimates.find((x) => x.domain.migrant === domain);
      for (const [a, b] of [
        [e.estimate, Number(est)],
        [e.se, Number(se)],
      ]) {
        const rel = b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
        worst = Math.max(worst, rel);
      }
    }
    rTotal += median(times);
    console.log(`  ${median(times).toFixed(3)} s  ${c.name}`);
  });
  console.log(`  ${rTotal.toFixed(3)} s  all three`);
  console.log(`speed-up: ${(rTotal / total).toFixed(1)}x; largest relative difference of estimates and standard errors: ${worst.toExponential(2)}`);
}

// Raking benchmark (issue: sampling and weights): 1 million records raked to 3 margins with 4, 5 and
// 10 categories, to a relative tolerance of 1e-10; several runs, median reported. With R installed,
// R survey's rake() runs on the same data and both times are printed with the largest relative
// difference of the weights.   node bench/rake.mjs [--runs 5] [--rows 1000000] [--no-r]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('--runs', 5));
const n = Number(arg('--rows', 1_000_000));
if (!fs.existsSync(path.join(root, 'dist', 'sampling', 'index.js'))) execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
const { rake } = await import(path.join(root, 'dist', 'sampling', 'index.js'));
const { categoricalFrom } = await import(path.join(root, 'dist', 'analysis', 'index.js'));

let seed = 99;
const rand = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
// Skewed categories and weights, with the categories correlated so raking needs several sweeps.
const a = new Array(n);
const b = new Array(n);
const c = new Array(n);
const w = new Float64Array(n);
for (let i = 0; i < n; i++) {
  const u = rand();
  a[i] = `a${Math.min(3, Math.floor(u * u * 4))}`;
  b[i] = `b${Math.min(4, Math.floor((u + rand()) * 2.5))}`;
  c[i] = `c${Math.floor(rand() * 10)}`;
  w[i] = 50 + 100 * rand();
}
const table = {
  nRows: n,
  columns: new Map([
    ['a', categoricalFrom('a', a)],
    ['b', categoricalFrom('b', b)],
    ['c', categoricalFrom('c', c)],
  ]),
};
const N = w.reduce((s, x) => s + x, 0) * 1.1;
const margin = (variable, k) => ({
  variable,
  totals: new Map(Array.from({ length: k }, (_, j) => [`${variable}${j}`, (N * (1 + j / k)) / k / (1 + (k - 1) / (2 * k))])),
});
const margins = [margin('a', 4), margin('b', 5), margin('c', 10)];

const times = [];
let result;
for (let r = 0; r < runs; r++) {
  const t0 = process.hrtime.bigint();
  result = rake(table, w, margins, { marginTolerance: 1e-10, maxIterations: 1000 });
  times.push(Number(process.hrtime.bigint() - t0) / 1e9);
}
times.sort((x, y) => x - y);
const worst = Math.max(...result.achieved.map((m) => Math.abs(m.achieved - m.target) / m.target));
console.log(`mdsurvey rake: ${n} records, margins of 4, 5 and 10 categories, every margin within 1e-10 (relative) of its target`);
console.log(
  `  median ${times[Math.floor(runs / 2)].toFixed(3)} s over ${runs} runs [${times.map((t) => t.toFixed(3)).join(' ')}], ${result.iterations} sweeps, largest relative margin error ${worst.toExponential(2)}`,
);

const haveR = !process.argv.includes('--no-r') && spawnSync('Rscript', ['-e', 'suppressMessages({library(survey); library(data.table)})']).status === 0;
if (!haveR) {
  console.log('R survey (with data.table) not available: comparison skipped');
} else {
  const out = path.join(here, 'out');
  fs.mkdirSync(out, { recursive: true });
  const dataFile = path.join(out, 'rake-data.csv');
  const lines = ['a,b,c,w'];
  for (let i = 0; i < n; i++) lines.push(`${a[i]},${b[i]},${c[i]},${w[i].toPrecision(17)}`);
  fs.writeFileSync(dataFile, `${lines.join('\n')}\n`);
  fs.writeFileSync(
    path.join(out, 'rake-margins.csv'),
    `variable,category,total\n${margins.flatMap((m) => [...m.totals].map(([k, t]) => `${m.variable},${k},${t.toPrecision(17)}`)).join('\n')}\n`,
  );
  const r = spawnSync('Rscript', [path.join(here, 'rake.R'), dataFile, path.join(out, 'rake-margins.csv'), path.join(out, 'rake-r.csv')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  const rSeconds = Number(r.stdout.trim());
  const rWeights = fs
    .readFileSync(path.join(out, 'rake-r.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => Number(l.replace(/"/g, '')));
  let diff = 0;
  rWeights.forEach((x, i) => (diff = Math.max(diff, Math.abs(x - result.weights[i]) / x)));
  console.log(
    `R survey rake(): ${rSeconds.toFixed(3)} s (the rake() call only, epsilon = 1e-12 relative, maxit = 1000: R has no margin-error rule, so a tighter change rule)`,
  );
  console.log(
    `  speed-up ${(rSeconds / times[Math.floor(runs / 2)]).toFixed(1)}x; largest relative difference of the first 1000 weights: ${diff.toExponential(2)}`,
  );
}

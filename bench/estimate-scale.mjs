// Census scale (issue 21): the three domain estimates of bench/estimate-table.mjs on 1 million and 10
// million person records, from a CSV file (quoted texts, as R's write.csv writes them) and from a
// PostgreSQL table, whole processes, medians of several runs, with the peak memory of the mdsurvey
// process; then how time and memory grow from the smallest size to the largest.
//   node bench/estimate-scale.mjs [--sizes 1000000,10000000] [--runs 3] [--database URL] [--no-db]
// The files are bench/generate-persons.mjs's persons with text strata, PSUs and migrant status (the
// 1.1M file of estimate-table.mjs is the same data written by R itself); the table is loaded with
// psql's \copy once and kept (persons_<size>). PostgreSQL's own memory is the server's, not counted.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { writeTableSpec } from './estimate-spec.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(here);
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const sizes = arg('--sizes', '1000000,10000000').split(',').map(Number);
const runs = Number(arg('--runs', 3));
const database = process.argv.includes('--no-db') ? null : arg('--database', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const out = path.join(here, 'out');
fs.mkdirSync(out, { recursive: true });
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'bin.js'))) execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });

const spec = writeTableSpec(out);
const design = ['--weights', 'weight', '--strata', 'stratum', '--ids', 'psu', '--nest', '--spec', spec];

/** The persons file of this size with quoted texts, as R writes it (made once). */
async function quotedFile(size) {
  const plain = path.join(out, `persons-${size}.csv`);
  const file = path.join(out, `persons-${size}-quoted.csv`);
  if (fs.existsSync(file)) return file;
  if (!fs.existsSync(plain)) execFileSync(process.execPath, [path.join(here, 'generate-persons.mjs'), plain, String(size)], { stdio: 'inherit' });
  console.log(`writing ${path.basename(file)} (quoted texts)...`);
  const w = fs.createWriteStream(`${file}.part`);
  let first = true;
  let chunk = [];
  for await (const line of readline.createInterface({ input: fs.createReadStream(plain) })) {
    if (first) {
      chunk.push(
        line
          .split(',')
          .map((h) => `"${h}"`)
          .join(','),
      );
      first = false;
      continue;
    }
    const f = line.split(',');
    f[0] = `"Region ${f[0]}"`;
    f[1] = `"EA-${f[1]}"`;
    f[5] = f[5] === '1' ? '"migrant"' : '"non-migrant"';
    chunk.push(f.join(','));
    if (chunk.length === 100_000) {
      if (!w.write(`${chunk.join('\n')}\n`)) await new Promise((r) => w.once('drain', r));
      chunk = [];
    }
  }
  w.end(`${chunk.join('\n')}\n`);
  await new Promise((r) => w.on('finish', r));
  fs.renameSync(`${file}.part`, file);
  return file;
}

/** The table persons_<size> in the database, loaded from the file once. */
function loadTable(size, file) {
  const table = `persons_${size}`;
  const psql = (sql) => execFileSync('psql', [database, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' }).trim();
  const have = psql(`SELECT to_regclass('${table}') IS NOT NULL`) === 't' ? psql(`SELECT count(*) FROM ${table}`) : '-1';
  const lines = Number(execFileSync('wc', ['-l', file], { encoding: 'utf8' }).trim().split(' ')[0]) - 1;
  if (Number(have) === lines) return table;
  console.log(`loading ${lines} rows into ${table}...`);
  psql(`DROP TABLE IF EXISTS ${table}`);
  psql(
    `CREATE TABLE ${table} (stratum text, psu text, hh integer, person integer, weight double precision, migrant text, age integer, relation integer, outcome double precision, amount double precision)`,
  );
  execFileSync('psql', [database, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `\\copy ${table} FROM '${file}' WITH (FORMAT csv, HEADER true)`], {
    stdio: 'inherit',
  });
  psql(`VACUUM ANALYZE ${table}`);
  return table;
}

const hasTime = fs.existsSync('/usr/bin/time');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(args) {
  const cmd = [process.execPath, path.join(root, 'bin', 'mdsurvey.js'), 'estimate', ...args];
  const full = hasTime ? ['/usr/bin/time', ['-f', '%M', ...cmd]] : [cmd[0], cmd.slice(1)];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`mdsurvey failed: ${r.stderr}`);
  return { seconds, mb: hasTime ? Number(r.stderr.trim().split('\n').pop()) / 1024 : NaN, results: JSON.parse(r.stdout).results };
}
function series(label, args) {
  const rs = Array.from({ length: runs }, () => timed(args));
  const s = { seconds: median(rs.map((r) => r.seconds)), mb: Math.max(...rs.map((r) => r.mb)), results: rs[0].results };
  console.log(`  ${label}: median ${s.seconds.toFixed(2)} s of ${runs} [${rs.map((r) => r.seconds.toFixed(2)).join(' ')}], peak ${s.mb.toFixed(0)} MB`);
  return s;
}
const worstDifference = (a, b) => {
  let worst = 0;
  a.forEach((x, k) =>
    x.estimates.forEach((e, j) => {
      const f = b[k].estimates[j];
      for (const key of ['estimate', 'se']) {
        const d = Math.abs(e[key] - f[key]);
        if (d > 0 || Number.isNaN(d)) worst = Math.max(worst, Number.isNaN(d) ? Infinity : d / Math.abs(f[key]));
      }
    }),
  );
  return worst;
};

const table = [];
for (const size of sizes) {
  const file = await quotedFile(size);
  console.log(`${size.toLocaleString('en')} persons: ${path.basename(file)} (${(fs.statSync(file).size / 1048576).toFixed(0)} MB)`);
  const csv = series('CSV file, estimate --spec', [file, ...design]);
  let db = null;
  if (database) {
    const t = loadTable(size, file);
    db = series(`PostgreSQL table ${t}, estimate --spec (one GROUP BY)`, [database, '--table', t, ...design]);
    console.log(`  largest relative difference between the two: ${worstDifference(db.results, csv.results).toExponential(2)}`);
  }
  table.push({ size, csv, db });
}
if (table.length > 1) {
  const [a, b] = [table[0], table[table.length - 1]];
  const grow = (x, y) => `${(y / x).toFixed(1)}x`;
  console.log(`from ${a.size.toLocaleString('en')} to ${b.size.toLocaleString('en')} rows (${grow(a.size, b.size)}):`);
  console.log(
    `  CSV: time ${grow(a.csv.seconds, b.csv.seconds)}, peak memory ${grow(a.csv.mb, b.csv.mb)} (${a.csv.mb.toFixed(0)} -> ${b.csv.mb.toFixed(0)} MB)`,
  );
  if (a.db && b.db) console.log(`  PostgreSQL: time ${grow(a.db.seconds, b.db.seconds)}, peak memory of mdsurvey ${grow(a.db.mb, b.db.mb)}`);
}
console.log(`budget: three estimates on 10 million rows in under 10 s and 2 GB, from CSV and from PostgreSQL`);

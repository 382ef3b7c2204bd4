// Migration Profile annex benchmark (issue 18): `mdsurvey report` on the synthetic DotM dataset (1,180
// households, 5,421 persons), whole process: tables, indicators, workbook, HTML and the PDF printed by
// headless Chromium. Several runs, the median printed with the slowest; the budget is 30 s.
//   node bench/report.mjs [--runs 5] [--no-pdf]
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const runs = Number(arg('--runs', 5));
const pdf = !process.argv.includes('--no-pdf');
if (!fs.existsSync(path.join(root, 'dist', 'cli', 'bin.js'))) execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
const data = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsurvey-bench-report-'));
execFileSync('npx', ['tsx', path.join(root, 'examples', 'dotm', 'synthetic-dataset.ts'), path.join(data, 'dotm')], { cwd: root, stdio: 'inherit' });
const times = [];
for (let r = 0; r < runs; r++) {
  const out = path.join(data, `out${r}`);
  const t0 = process.hrtime.bigint();
  const p = spawnSync(
    process.execPath,
    [path.join(root, 'bin', 'mdsurvey.js'), 'report', path.join(data, 'dotm'), '--out', out, ...(pdf ? [] : ['--no-pdf'])],
    {
      encoding: 'utf8',
    },
  );
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (p.status !== 0) throw new Error(p.stderr);
  times.push(s);
  process.stderr.write(`run ${r + 1}/${runs}: ${s.toFixed(2)} s\n`);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(
  `mdsurvey report (${pdf ? 'with' : 'without'} PDF), ${runs} runs: median ${median.toFixed(2)} s, slowest ${times.at(-1).toFixed(2)} s; budget 30 s: ${median < 30 ? 'holds' : 'EXCEEDED'}`,
);
fs.rmSync(data, { recursive: true, force: true });

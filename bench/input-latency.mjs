// Input-to-render benchmark (issue: enumerator web app): runs the browser test that types into a
// member's field of a 30-member DotM household, alone, with the 50 ms p95 budget, several times.
//   node bench/input-latency.mjs [--runs 3]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const i = process.argv.indexOf('--runs');
const runs = i >= 0 ? Number(process.argv[i + 1]) : 3;
const p95s = [];
for (let r = 0; r < runs; r++) {
  const out = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'tests/e2e/latency.test.ts'], {
    cwd: root,
    env: { ...process.env, LATENCY_BUDGET_MS: '50' },
    encoding: 'utf8',
  });
  const line = /input-to-render over .*/.exec(out.stdout)?.[0];
  console.log(`run ${r + 1}: ${line ?? 'no measurement'}${out.status === 0 ? '' : '  (over budget or failed)'}`);
  const m = /p95 ([\d.]+) ms/.exec(line ?? '');
  if (m) p95s.push(Number(m[1]));
}
p95s.sort((a, b) => a - b);
console.log(`median p95 over ${p95s.length} runs: ${p95s[Math.floor(p95s.length / 2)]?.toFixed(1)} ms (budget 50 ms)`);

// The engine's share of ingestion: validateResponse on the DotM household of bench/ingest.mjs, in a loop.
//   node bench/validate-submission.mjs [--runs 5] [--n 3000]
// Prints the median time per validation (after a warm-up), the number of fields evaluated per row kind.
import path from 'node:path';
import { arg, root } from './bench-server.mjs';

const { compileQuestionnaire, dotmHousehold, validateResponse } = await import(path.join(root, 'dist', 'questionnaires', 'index.js'));
const { household } = await import('./dotm-household.mjs');
const q = compileQuestionnaire(dotmHousehold());
const doc = {
  instanceId: '00000000-0000-4000-8000-000000000000',
  questionnaire: { id: 'dotm-household', version: '1.0.0' },
  answers: household(),
  paradata: { start: '2026-01-01T10:00:00Z', end: '2026-01-01T11:02:00Z' },
};
const runs = Number(arg('--runs', 5));
const n = Number(arg('--n', 3000));
const check = validateResponse(q, doc);
if (check.problems.length) throw new Error(`the benchmark household is invalid: ${JSON.stringify(check.problems.slice(0, 3))}`);
for (let i = 0; i < n; i++) validateResponse(q, doc); // warm-up
const times = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) validateResponse(q, doc);
  times.push(((performance.now() - t0) / n) * 1000);
}
times.sort((a, b) => a - b);
console.log(
  `${q.fields.length} fields, answers ${JSON.stringify(doc.answers).length} bytes: validateResponse median ${times[runs >> 1].toFixed(1)} us (runs ${times.map((t) => t.toFixed(0)).join(', ')})`,
);

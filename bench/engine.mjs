// Questionnaire engine benchmark (issue: questionnaire engine): a household of 30 members with 40
// person-level questions each (relevance, constraints, calculations chained within the row and
// household totals across the roster). Times (1) one answer changed and everything that depends on
// it re-evaluated, (2) a full validation of the household. Medians of many runs.
//   node bench/engine.mjs [--members 30] [--questions 40]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
if (!fs.existsSync(path.join(root, 'dist', 'questionnaires', 'index.js'))) execFileSync('npm', ['run', 'build:server'], { cwd: root, stdio: 'inherit' });
const { compileQuestionnaire, FormState, validateResponse } = await import(path.join(root, 'dist', 'questionnaires', 'index.js'));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const M = arg('--members', 30);
const Q = arg('--questions', 40);

// 40 person questions: age, sex, then blocks of integer/select questions with relevance on age and
// on the previous answer, a constraint each, and a running calculation.
const items = [
  { kind: 'question', name: 'p_age', type: 'integer', label: 'Age', required: true, constraint: '. >= 0 and . <= 120' },
  { kind: 'question', name: 'p_sex', type: 'select_one', choices: 'sex', label: 'Sex', required: true },
];
for (let k = 3; k <= Q; k++) {
  const prev = k === 3 ? 'p_age' : `p_q${k - 1}`;
  if (k % 4 === 0) items.push({ kind: 'calculate', name: `p_q${k}`, calculation: `coalesce(\${${prev}}, 0) + if(\${p_age} >= 15, 1, 0)` });
  else if (k % 4 === 1)
    items.push({
      kind: 'question',
      name: `p_q${k}`,
      type: 'select_one',
      choices: 'yes_no',
      label: `Q${k}`,
      relevant: `\${p_age} >= ${k % 20}`,
      required: true,
    });
  else
    items.push({
      kind: 'question',
      name: `p_q${k}`,
      type: 'integer',
      label: `Q${k}`,
      relevant: `\${${prev}} != '' or \${p_age} > 10`,
      constraint: `. >= 0 and . <= 1000 and . >= \${p_age} - 200`,
    });
}
const questionnaire = {
  id: 'bench',
  version: '1',
  title: 'Engine benchmark',
  languages: { default: 'en', available: ['en'] },
  choiceLists: {
    sex: [
      { value: '1', label: 'M' },
      { value: '2', label: 'F' },
    ],
    yes_no: [
      { value: '1', label: 'Y' },
      { value: '0', label: 'N' },
    ],
  },
  items: [
    { kind: 'roster', name: 'members', label: 'Members', items },
    { kind: 'calculate', name: 'n_members', calculation: 'count(${members})' },
    { kind: 'calculate', name: 'total_age', calculation: 'sum(${p_age})' },
    { kind: 'calculate', name: `total_q${Q}`, calculation: `sum(\${p_q${Q - (Q % 4)}})` },
  ],
};
const compiled = compileQuestionnaire(questionnaire);
const state = new FormState(compiled);
const keys = [];
for (let m = 0; m < M; m++) keys.push(state.addRow('members'));
keys.forEach((k, m) => {
  state.setAnswer(`members[${k}].p_age`, 5 + ((m * 7) % 70));
  state.setAnswer(`members[${k}].p_sex`, m % 2 ? '1' : '2');
  for (let q = 3; q <= Q; q++) {
    const name = `p_q${q}`;
    const { relevant } = state.get(`members[${k}].${name}`);
    if (!relevant || q % 4 === 0) continue;
    state.setAnswer(`members[${k}].${name}`, q % 4 === 1 ? '1' : q * 3);
  }
});
const answers = state.answers();
const doc = { instanceId: '7c9e6679-7425-40de-944b-e07fc1f90ae7', questionnaire: { id: 'bench', version: '1' }, answers };
const fields = compiled.fields.length;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)];
// 1. One answer changed (the age of member 15: its relevance, constraints, calculation chain and the household totals).
const change = [];
for (let r = 0; r < 2000; r++) {
  const k = keys[r % M];
  const t0 = performance.now();
  state.setAnswer(`members[${k}].p_age`, 20 + (r % 50));
  change.push(performance.now() - t0);
}
// 2. A full validation of the household document (JSON Schema + engine), as the server does per submission.
const full = [];
for (let r = 0; r < 300; r++) {
  const t0 = performance.now();
  const { problems } = validateResponse(compiled, doc);
  full.push(performance.now() - t0);
  if (r === 0 && problems.length) console.log(`(the benchmark household has ${problems.length} problems, e.g. ${problems[0].path}: ${problems[0].message})`);
}
console.log(`household of ${M} members x ${Q} person questions (${fields} definitions, ${M * items.length} person instances)`);
console.log(
  `  one answer changed, affected expressions re-evaluated: median ${median(change).toFixed(3)} ms, p95 ${p95(change).toFixed(3)} ms (2000 changes; budget 2 ms)`,
);
console.log(
  `  full validation (JSON Schema + engine):               median ${median(full).toFixed(3)} ms, p95 ${p95(full).toFixed(3)} ms (300 runs; budget 20 ms)`,
);

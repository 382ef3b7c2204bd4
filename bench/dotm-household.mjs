// A realistic DotM interview for the benchmarks: a 6-member household with 2 emigrants, answered like
// the app would (every required question filled through the engine). Needs `npm run build:server`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { compileQuestionnaire, dotmHousehold, FormState } = await import(path.join(root, 'dist', 'questionnaires', 'index.js'));

// A realistic interview: a 6-member household with 2 emigrants, answered like the app would.
export function household() {
  const q = compileQuestionnaire(dotmHousehold());
  const s = new FormState(q);
  s.setAnswer('s_member_abroad', '1');
  s.setAnswer('s_member_returned', '1');
  s.setAnswer('s_member_born_abroad', '0');
  s.setAnswer('s_remit', '1');
  for (const [name, sex, age, rel] of [
    ['Ama', '2', 45, '1'],
    ['Kofi', '1', 48, '2'],
    ['Esi', '2', 17, '3'],
    ['Yaw', '1', 14, '3'],
    ['Abena', '2', 8, '3'],
    ['Kojo', '1', 30, '7'],
  ]) {
    const k = s.addRow('members');
    s.setAnswer(`members[${k}].name`, name);
    s.setAnswer(`members[${k}].sex`, sex);
    s.setAnswer(`members[${k}].age`, age);
    s.setAnswer(`members[${k}].relation`, rel);
    s.setAnswer(`members[${k}].usual_resident`, '1'); // a usual member (not away 3 months or more)
    // Parents by line: the children's mother is line 1 (Ama), their father line 2 (Kofi); 0 for the others.
    for (const [q, line] of [
      ['mother_line', rel === '3' ? 1 : 0],
      ['father_line', rel === '3' ? 2 : 0],
    ])
      if (s.get(`members[${k}].${q}`).relevant) s.setAnswer(`members[${k}].${q}`, line);
  }
  s.setAnswer('n_emigrants_listed', 2);
  for (let pass = 0; pass < 10; pass++) {
    const missing = s.problems().filter((p) => p.code === 'required');
    if (!missing.length) break;
    for (const p of missing) {
      const where = p.path.replace(/\[(\d+)\]/g, '[#$1]');
      const { field } = s.locate(where);
      const it = field.item;
      const choices = field.choices?.map((c) => c.value) ?? [];
      const v =
        it.type === 'select_one'
          ? choices.includes('0')
            ? '0'
            : choices[0]
          : it.type === 'select_multiple'
            ? [choices[0]]
            : it.type === 'country'
              ? it.multiple
                ? ['THIS']
                : 'GHA'
              : it.type === 'amount'
                ? { amount: 100, currency: it.currencies[0] }
                : it.type === 'year'
                  ? 2020
                  : it.type === 'date'
                    ? '2020-01-01'
                    : it.type === 'integer' || it.type === 'decimal'
                      ? 1
                      : 'x';
      s.setAnswer(where, v);
    }
  }
  s.setAnswer('rr_main_use', s.get('rr_uses').answer[0]);
  if (s.problems().length) throw new Error(`benchmark household invalid: ${JSON.stringify(s.problems().slice(0, 3))}`);
  return s.answers();
}

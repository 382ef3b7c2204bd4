import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileQuestionnaire, FormState, QuestionnaireError, responseSchema, validateResponse, type Questionnaire } from '../../../questionnaires/index.js';
import { FIXTURES } from '../../helpers/reference.js';

const household = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'questionnaires', 'household.json'), 'utf8')) as Questionnaire;
const compiled = compileQuestionnaire(household);
const NOW = new Date('2026-06-15T09:00:00Z');
const fresh = () => new FormState(compiled, { now: () => NOW, enumerator: 'enum1' });

/** A one-language questionnaire of these items, compiled. */
const small = (id: string, items: unknown[]) =>
  compileQuestionnaire({ id, version: '1', title: { en: id }, languages: { default: 'en', available: ['en'] }, items } as Questionnaire);

/** A household: head 40, spouse 38, children 12 and 3. */
function filled(): FormState {
  const s = fresh();
  s.setAnswer('region', 'n');
  for (const [name, sex, age, relation] of [
    ['Ana', '2', 40, '1'],
    ['Ben', '1', 38, '2'],
    ['Cai', '2', 12, '3'],
    ['Dee', '1', 3, '3'],
  ] as const) {
    const k = s.addRow('members');
    s.setAnswer(`members[${k}].name`, name);
    s.setAnswer(`members[${k}].sex`, sex);
    s.setAnswer(`members[${k}].age`, age);
    s.setAnswer(`members[${k}].relation`, relation);
  }
  return s;
}

describe('compiling a questionnaire', () => {
  it('compiles the test household', () => {
    expect(compiled.fields.length).toBeGreaterThan(30);
    // values come before what reads them
    const pos = (n: string) => compiled.order.indexOf(compiled.byName.get(n)!.index);
    expect(pos('age')).toBeLessThan(pos('is_child'));
    expect(pos('is_child')).toBeLessThan(pos('n_children'));
    expect(pos('members')).toBeLessThan(pos('schooling'));
  });
  const broken = (mutate: (q: Questionnaire) => void) => {
    const q = structuredClone(household);
    mutate(q);
    try {
      compileQuestionnaire(q);
    } catch (err) {
      expect(err).toBeInstanceOf(QuestionnaireError);
      return (err as QuestionnaireError).problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    }
    throw new Error('compiled');
  };
  it.each<[string, (q: Questionnaire) => void, RegExp]>([
    ['a duplicate name', (q) => q.items.push({ kind: 'question', name: 'region', type: 'text', label: 'x' }), /region: duplicate name "region"/],
    [
      'an unknown reference',
      (q) => q.items.push({ kind: 'calculate', name: 'x', calculation: '${nope} + 1' }),
      /x: calculation refers to unknown question \$\{nope\}/,
    ],
    [
      'a cycle between calculations',
      (q) => q.items.push({ kind: 'calculate', name: 'a', calculation: '${b}' }, { kind: 'calculate', name: 'b', calculation: '${a} + 1' }),
      /circular reference: (a -> b -> a|b -> a -> b)/,
    ],
    ['a calculation reading itself', (q) => q.items.push({ kind: 'calculate', name: 'c', calculation: '${c} + 1' }), /circular reference: c -> c/],
    [
      'an invalid regular expression',
      (q) => q.items.push({ kind: 'question', name: 'r', type: 'text', label: 'r', constraint: "regex(., '[a-')" }),
      /r: constraint: invalid regular expression/,
    ],
    [
      'a syntax error',
      (q) => q.items.push({ kind: 'question', name: 's', type: 'integer', label: 's', relevant: '${age} >' }),
      /s: relevant: expected a value but the expression ended at position 8 of "\$\{age\} >"/,
    ],
    [
      'an unknown choice list',
      (q) => q.items.push({ kind: 'question', name: 'u', type: 'select_one', choices: 'nolist', label: 'u' }),
      /u: unknown choice list "nolist"/,
    ],
    [
      'an unknown question type',
      (q) => q.items.push({ kind: 'question', name: 'g', type: 'polygon' as 'text', label: 'g' }),
      /\/items\/\d+\/type: must be one of text, integer/,
    ],
    ['a bad variable name', (q) => q.items.push({ kind: 'question', name: '1st', type: 'text', label: 'x' }), /\/items\/\d+\/name: must be a variable name/],
  ])('reports %s with its place', (_what, mutate, message) => {
    expect(broken(mutate)).toMatch(message);
  });
  it('reports malformed input as problems, not a crash', () => {
    for (const bad of [null, 42, 'text', [], { id: 'x' }]) expect(() => compileQuestionnaire(bad)).toThrow(QuestionnaireError);
  });
});

describe('the engine', () => {
  it('applies skip logic live and keeps an answer while the question does not apply', () => {
    const s = filled();
    const [ana] = s.rowsOf(compiled.byName.get('members')!.index);
    expect(s.get(`members[${ana.key}].worked`).relevant).toBe(true);
    s.setAnswer(`members[${ana.key}].worked`, '1');
    s.setAnswer(`members[${ana.key}].hours`, 40);
    expect(s.get(`members[${ana.key}].hours`).relevant).toBe(true);
    s.setAnswer(`members[${ana.key}].worked`, '0');
    expect(s.get(`members[${ana.key}].hours`)).toMatchObject({ relevant: false, answer: 40, value: null });
    expect((s.answers().members as Record<string, unknown>[])[0].hours).toBeUndefined();
    s.setAnswer(`members[${ana.key}].worked`, '1');
    expect(s.get(`members[${ana.key}].hours`)).toMatchObject({ relevant: true, value: 40 });
  });
  it('a group hides its questions (age under 15: no work questions, not required)', () => {
    const s = filled();
    const dee = s.rowsOf(compiled.byName.get('members')!.index)[3];
    expect(s.get(`members[${dee.key}].worked`).relevant).toBe(false);
    expect(s.problems().some((p) => p.path === 'members[3].worked')).toBe(false);
    expect(s.problems().some((p) => p.path === 'members[0].worked' && p.code === 'required')).toBe(true);
  });
  it('checks constraints with the message in the chosen language, interpolated', () => {
    const s = fresh();
    s.setAnswer('phone', '12345');
    expect(s.get('phone').problem).toMatchObject({ code: 'constraint', message: '9 digits, not 12345' });
    const fr = new FormState(compiled, { language: 'fr' });
    fr.setAnswer('phone', '12');
    expect(fr.get('phone').problem!.message).toBe('9 chiffres');
    s.setAnswer('phone', '123456789');
    expect(s.get('phone').problem).toBeNull();
  });
  it('rejects an answer of the wrong type with the path', () => {
    const s = filled();
    const k = s.rowsOf(compiled.byName.get('members')!.index)[0].key;
    expect(() => s.setAnswer(`members[${k}].age`, 'forty')).toThrow(/members\[r\d+\]\.age: must be a whole number/);
    expect(() => s.setAnswer('region', 'x')).toThrow(/"x" is not a choice of list "region"/);
    expect(() => s.setAnswer('n_members', 3)).toThrow(/is a calculate, not a question/);
  });
  it('computes across rosters: counts, sums of roster values, follow-up rows for members aged 5-24', () => {
    const s = filled();
    expect(s.get('n_members').value).toBe(4);
    expect(s.get('n_children').value).toBe(2);
    const schooling = s.rowsOf(compiled.byName.get('schooling')!.index);
    const members = s.rowsOf(compiled.byName.get('members')!.index);
    expect(schooling.map((r) => r.key)).toEqual([members[2].key]); // only the 12-year-old
    expect(s.get('end_note').relevant).toBe(true);
  });
  it('keeps the answers of the other members when one is removed (stable row keys)', () => {
    const s = filled();
    const members = s.rowsOf(compiled.byName.get('members')!.index);
    // Dee turns 6: a follow-up row appears for Dee; Cai attends school
    s.setAnswer(`members[${members[3].key}].age`, 6);
    s.setAnswer(`schooling[${members[2].key}].attending`, '1');
    s.setAnswer(`schooling[${members[3].key}].attending`, '0');
    s.removeRow('members', members[2].key); // Cai leaves the roster
    const after = s.rowsOf(compiled.byName.get('members')!.index);
    expect(after.map((r) => r.key)).toEqual([members[0].key, members[1].key, members[3].key]);
    expect(s.get(`members[${members[3].key}].name`).answer).toBe('Dee');
    expect(s.get(`schooling[${members[3].key}].attending`).answer).toBe('0');
    expect(s.rowsOf(compiled.byName.get('schooling')!.index).map((r) => r.key)).toEqual([members[3].key]);
    expect(s.get('n_members').value).toBe(3);
  });
  it('sizes a roster by an answer and computes in nested rosters', () => {
    const s = filled();
    s.setAnswer('any_abroad', '1');
    s.setAnswer('n_emigrants', 2);
    const emigrants = s.rowsOf(compiled.byName.get('emigrants')!.index);
    expect(emigrants).toHaveLength(2);
    const e1 = emigrants[0].key;
    s.setAnswer(`emigrants[${e1}].em_left`, '2026-01-10');
    expect(s.get(`emigrants[${e1}].em_months`).value).toBe(5);
    expect(s.get(`emigrants[${e1}].em_counts`).value).toBe(1);
    const t1 = s.addRow('transfers', `emigrants[${e1}]`);
    const t2 = s.addRow('transfers', `emigrants[${e1}]`);
    s.setAnswer(`emigrants[${e1}].transfers[${t1}].tr_amount`, { amount: 200, currency: 'USD' });
    s.setAnswer(`emigrants[${e1}].transfers[${t2}].tr_amount`, { amount: 150.5, currency: 'USD' });
    s.setAnswer(`emigrants[${e1}].transfers[${t2}].tr_channel`, 'mto');
    expect(s.get(`emigrants[${e1}].em_received`).value).toBe(350.5);
    expect(s.get('remittances_total').value).toBe(350.5);
    expect(s.get(`emigrants[${e1}].transfers[${t2}].tr_formal`).value).toBe(1);
    // fewer emigrants: the last row goes, the first keeps its transfers
    s.setAnswer('n_emigrants', 1);
    expect(s.rowsOf(compiled.byName.get('emigrants')!.index).map((r) => r.key)).toEqual([e1]);
    expect(s.get('remittances_total').value).toBe(350.5);
    // no one abroad: the roster does not apply and leaves the saved answers
    s.setAnswer('any_abroad', '0');
    expect(s.answers().emigrants).toBeUndefined();
  });
  it('filters choices by an earlier answer', () => {
    const s = fresh();
    s.setAnswer('region', 's');
    expect(s.filteredChoices(compiled.byName.get('district')!).map((c) => c.value)).toEqual(['s1']);
    s.setAnswer('district', 'n1');
    expect(s.get('district').problem).toMatchObject({ code: 'choice' });
    s.setAnswer('region', 'n');
    expect(s.get('district').problem).toBeNull();
  });
  it('fills metadata', () => {
    const s = fresh();
    expect(s.get('start').value).toBe(NOW.toISOString());
  });
  it('round-trips: saved answers load into an equal state', () => {
    const s = filled();
    s.setAnswer('any_abroad', '1');
    s.setAnswer('n_emigrants', 1);
    const saved = s.answers();
    const t = fresh();
    expect(t.load(saved)).toEqual([]);
    expect(t.answers()).toEqual(saved);
  });
});

describe('validating a response document', () => {
  const doc = (answers: Record<string, unknown>) => ({
    instanceId: '0d5e3c3a-9c1b-4a3e-8d2f-1a2b3c4d5e6f',
    questionnaire: { id: 'test-household', version: '1' },
    answers,
  });
  it('accepts a complete interview', () => {
    const s = filled();
    for (const r of s.rowsOf(compiled.byName.get('members')!.index))
      if (s.get(`members[${r.key}].worked`).relevant) s.setAnswer(`members[${r.key}].worked`, '0');
    for (const r of s.rowsOf(compiled.byName.get('schooling')!.index)) s.setAnswer(`schooling[${r.key}].attending`, '1');
    s.setAnswer('any_abroad', '0');
    expect(s.problems()).toEqual([]);
    expect(validateResponse(compiled, doc(s.answers()), { now: () => NOW }).problems).toEqual([]);
  });
  it('lists every problem with its path', () => {
    const { problems } = validateResponse(
      compiled,
      doc({
        region: 'n',
        members: [
          { _key: 'a', name: 'X', sex: '1', age: 130 },
          { _key: 'b', sex: '2', age: 30 },
        ],
        any_abroad: '0',
      }),
    );
    const paths = problems.map((p) => `${p.path} ${p.code}`);
    expect(paths).toContain('members[0].age constraint');
    expect(paths).toContain('members[1].name required');
    expect(paths).toContain('members[1].worked required');
  });
  it('reports shape and type errors by path (JSON Schema)', () => {
    const { problems } = validateResponse(compiled, doc({ region: 'north', members: [{ _key: 'a', age: 'forty' }], bogus: 1 }));
    const text = problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(text).toMatch(/\(document\): has unknown field "bogus"|answers: has unknown field "bogus"|: has unknown field "bogus"/);
    expect(text).toMatch(/region: must be one of the choices \(n, s\)/);
    expect(text).toMatch(/members\[0\]\.age: must be integer/);
  });
  it('keeps a once() draw made on the device when the interview is validated or resumed', () => {
    // ODK's once(): the value saved in the instance is kept. The server and a resumed draft load it.
    const q = small('draw', [
      { kind: 'question', name: 'n', type: 'integer', label: { en: 'People' } },
      { kind: 'calculate', name: 'pick', calculation: 'once(int(random() * ${n}) + 1)' },
      { kind: 'calculate', name: 'pick_twice', calculation: '${pick} * 2' },
      { kind: 'calculate', name: 'redrawn', calculation: 'random()' },
    ]);
    for (let k = 0; k < 30; k++) {
      const device = new FormState(q);
      device.setAnswer('n', 1000);
      const drawn = device.get('pick').value;
      const sent = device.toResponse('00000000-0000-4000-8000-000000000000');
      const { problems, answers } = validateResponse(q, sent);
      expect(problems).toEqual([]);
      expect(answers!.pick).toBe(drawn);
      expect(answers!.pick_twice).toBe((drawn as number) * 2);
      const resumed = new FormState(q);
      resumed.load(sent.answers);
      expect(resumed.get('pick').value).toBe(drawn);
      // A draw not kept by once() is drawn again, as before.
      expect(typeof answers!.redrawn).toBe('number');
    }
  });
  it('checks answers against long choice lists (country codes, over 200 values) like short ones', () => {
    // ajv checks long enums differently (loopEnum in response-schema.ts): the same verdicts, the same paths.
    const q = small('long-enum', [
      { kind: 'question', name: 'born', type: 'country', label: { en: 'Born in' } },
      {
        kind: 'roster',
        name: 'people',
        label: { en: 'People' },
        items: [{ kind: 'question', name: 'nat', type: 'country', multiple: true, label: { en: 'Citizenship' } }],
      },
    ]);
    const born = q.fields.find((f) => f.name === 'born')!;
    expect(born.choices!.length).toBeGreaterThan(200);
    const codes = born.choices!.map((c) => c.value);
    const d = (answers: Record<string, unknown>) => ({
      instanceId: '00000000-0000-4000-8000-000000000000',
      questionnaire: { id: 'long-enum', version: '1' },
      answers,
    });
    for (const code of [codes[0], codes[codes.length >> 1], codes[codes.length - 1]])
      expect(validateResponse(q, d({ born: code, people: [{ _key: 'a', nat: [code, codes[1]] }] })).problems).toEqual([]);
    const bad = validateResponse(
      q,
      d({
        born: 'ATLANTIS',
        people: [
          { _key: 'a', nat: [codes[2], 'xyz'] },
          { _key: 'b', nat: [codes[3]] },
        ],
      }),
    ).problems;
    expect(bad.map((p) => `${p.path} ${p.code} ${p.message}`)).toEqual([
      'born schema must be one of the choices',
      'people[0].nat[1] schema must be one of the choices',
    ]);
    // Not a string at all, and a lower-case code: refused too.
    expect(validateResponse(q, d({ born: 4 })).problems.map((p) => p.path)).toEqual(['born']);
    expect(validateResponse(q, d({ born: codes[5].toLowerCase() })).problems.map((p) => p.path)).toEqual(['born']);
  });
  it('flags answers to questions that do not apply and rows that do not follow their roster', () => {
    const { problems } = validateResponse(
      compiled,
      doc({ region: 'n', members: [{ _key: 'a', name: 'X', sex: '1', age: 8, worked: '1' }], schooling: [], any_abroad: '0', n_emigrants: 2 }),
    );
    const codes = problems.map((p) => `${p.path} ${p.code}`);
    expect(codes).toContain('members[0].worked not-relevant');
    expect(codes).toContain('n_emigrants not-relevant');
    expect(codes).toContain('schooling rows');
  });
  it('expression-looking text in an answer is data, never evaluated', () => {
    const s = fresh();
    s.setAnswer('phone', '${region} or true()');
    expect(s.get('phone').value).toBe('${region} or true()');
  });
  it('compiles the response JSON Schema with the questionnaire id and version', () => {
    const schema = responseSchema(compiled) as { properties: { questionnaire: { properties: { version: { const: string } } } } };
    expect(schema.properties.questionnaire.properties.version.const).toBe('1');
  });
});

describe('limits shared by the engine and the server (issue 14)', async () => {
  const { compileQuestionnaire, validateResponse, codebookOf, levelsOf, columnsOf, FormState } = await import('../../../questionnaires/index.js');
  const { MAX_TEXT_LENGTH, DEFAULT_MAX_ROSTER_ROWS } = await import('../../../questionnaires/limits.js');
  const q = compileQuestionnaire({
    id: 'lim',
    version: '1',
    title: 'Limits',
    languages: { default: 'en', available: ['en'] },
    items: [
      { kind: 'question', name: 'name', type: 'text', label: 'Name', identifier: true },
      { kind: 'question', name: 'phone', type: 'text', label: 'Phone', constraint: "regex(., '^(\\+?[0-9]+)*$')" },
      { kind: 'calculate', name: 'hello', calculation: "concat('Dear ', ${name})" },
      { kind: 'calculate', name: 'hello_len', calculation: 'string-length(${hello})' },
      { kind: 'calculate', name: 'n', calculation: 'count(${rows})' },
      { kind: 'roster', name: 'rows', label: 'Rows', items: [{ kind: 'question', name: 'x', type: 'integer', label: 'X' }] },
    ],
  } as never);
  const doc = (answers: Record<string, unknown>) => ({
    instanceId: '6f1c1e52-3a9d-4c1b-9a57-2f4e8d9b0c11',
    questionnaire: { id: 'lim', version: '1' },
    answers,
  });
  it('a text longer than the limit is a problem at its question in the engine, and refused by the schema', () => {
    const s = new FormState(q);
    expect(() => s.setAnswer('phone', '1'.repeat(MAX_TEXT_LENGTH + 1))).toThrow(/at most/);
    expect(validateResponse(q, doc({ phone: '1'.repeat(MAX_TEXT_LENGTH + 1) })).problems[0].path).toBe('phone');
  });
  it('rosters are capped by default, and a long roster is checked in linear time', () => {
    const rows = Array.from({ length: DEFAULT_MAX_ROSTER_ROWS + 1 }, (_, i) => ({ _key: `k${i}` }));
    expect(validateResponse(q, doc({ rows })).problems.map((p) => p.path)).toEqual(['rows']);
    const t = performance.now();
    const s = new FormState(q);
    s.load({ rows: Array.from({ length: 20_000 }, (_, i) => ({ _key: `k${i}` })) });
    expect(performance.now() - t).toBeLessThan(3000);
  });
  it('regex() runs in linear time and refuses backreferences', () => {
    const t = performance.now();
    expect(validateResponse(q, doc({ phone: `${'1'.repeat(60)}x` })).problems.map((p) => p.code)).toEqual(['constraint']);
    expect(performance.now() - t).toBeLessThan(500);
    expect(() =>
      compileQuestionnaire({
        id: 'b',
        version: '1',
        title: 'b',
        languages: { default: 'en', available: ['en'] },
        items: [{ kind: 'question', name: 'p', type: 'text', label: 'P', constraint: "regex(., '(a)\\1')" }],
      } as never),
    ).toThrow();
  });
  it('a value computed from an identifier is an identifier, through any number of steps', () => {
    const flags = Object.fromEntries(codebookOf(q).map((v) => [v.variable, v.identifier]));
    expect(flags).toMatchObject({ name: true, hello: true, hello_len: true, phone: false, n: false });
    expect(columnsOf(levelsOf(q)[0], false).map((c) => c.name)).toEqual(['phone', 'n']);
  });
});

import fc from 'fast-check';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import {
  compileQuestionnaire,
  FormState,
  responseSchema,
  validateResponse,
  validateResponseText,
  type CompiledQuestionnaire,
  type Questionnaire,
} from '../../../questionnaires/index.js';
import { schemaProblems } from '../../../questionnaires/response-schema.js';
import { dotmHousehold } from '../../../questionnaires/library/index.js';
import { interview, population, SETTINGS } from '../../../examples/dotm/synthetic-dataset.js';
import type { Row } from '../../../questionnaires/form-row.js';

/**
 * What the server stores and refuses must not depend on how it is computed: the response schema is
 * compiled for speed (choice lists checked by a Set, roster rows as functions of their own) and the saved
 * answers are written as text. Checked here against the plain computation on the DotM household.
 */
const dotm = compileQuestionnaire(dotmHousehold(SETTINGS));
const { households } = population(23, 8, 1, 2026);
const interviews = households.slice(0, 40).map((hh) => interview(hh).answers);
const doc = (answers: Record<string, unknown>) => ({
  instanceId: '00000000-0000-4000-8000-000000000000',
  questionnaire: { id: dotm.source.id, version: dotm.source.version },
  answers,
});

/** The published schema (standard enums, rows inline) compiled by a plain ajv: the reference. */
function publishedValidator(q: CompiledQuestionnaire) {
  const plain = new Ajv2020({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv2020) => void)(plain);
  const { $id: _id, ...schema } = responseSchema(q);
  return plain.compile(schema);
}

/** The saved answers as FormState built them before they were written as text: objects, by keyed stores. */
function answersAsObjects(state: FormState, q: CompiledQuestionnaire): Record<string, unknown> {
  const build = (row: Row): Record<string, unknown> => {
    const out: Record<string, unknown> = row.parent ? { _key: row.key } : {};
    for (const f of q.fieldsOfScope.get(row.scope) ?? []) {
      const field = q.fields[f];
      const item = field.item;
      if (item.kind === 'roster') {
        if (row.relevant[field.slot]) out[field.name] = (row.children.get(field.index) ?? []).map(build);
        continue;
      }
      if (item.kind === 'group' || item.kind === 'note') continue;
      if (!row.relevant[field.slot] && item.kind !== 'metadata') continue;
      const v = item.kind === 'question' ? row.answers[field.slot] : row.values[field.slot];
      if (v !== undefined && v !== null && v !== '') out[field.name] = v;
    }
    return out;
  };
  return build(state.root);
}

// Values a sender might put anywhere: codes of the questionnaire's lists, other text, numbers, the wrong shapes.
const codes = [...new Set(dotm.fields.flatMap((f) => (f.choices ?? []).map((c) => c.value)))];
const anyValue = fc.oneof(
  fc.constantFrom(...codes),
  fc.constantFrom('', 'xyz', 'ATLANTIS', 'usd', '1 ', '2026-13-01', '2026-02-03'),
  fc.integer({ min: -5, max: 3000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(null, true, false),
  fc.array(fc.constantFrom(...codes.slice(0, 40), 'xyz'), { maxLength: 3 }),
  fc.constant({ amount: 10, currency: 'XOF' }),
  fc.constant({ nested: true }),
);

/** A household's answers with some answers (household level or in a row) replaced, removed or added. */
const spoiled = fc
  .record({
    k: fc.nat(interviews.length - 1),
    edits: fc.array(fc.record({ at: fc.nat(), inRow: fc.boolean(), drop: fc.boolean(), value: anyValue, unknown: fc.boolean() }), {
      minLength: 1,
      maxLength: 4,
    }),
  })
  .map(({ k, edits }) => {
    const answers = structuredClone(interviews[k]) as Record<string, unknown>;
    for (const e of edits) {
      let target = answers;
      if (e.inRow) {
        const rosters = Object.values(answers).filter((v): v is Record<string, unknown>[] => Array.isArray(v) && typeof v[0] === 'object' && v[0] !== null);
        if (rosters.length) {
          const rows = rosters[e.at % rosters.length];
          target = rows[e.at % rows.length];
        }
      }
      const names = Object.keys(target);
      const name = e.unknown ? `unknown_${e.at % 3}` : names[e.at % names.length];
      if (e.drop) delete target[name];
      else target[name] = e.value;
    }
    return answers;
  });

describe('response schema as compiled for validation', () => {
  it('refuses what the published schema refuses, with the same problems (choice lists, roster rows, types, unknown fields)', () => {
    const reference = publishedValidator(dotm);
    let refused = 0;
    fc.assert(
      fc.property(spoiled, (answers) => {
        const d = doc(answers);
        const { problems } = validateResponse(dotm, d);
        if (reference(d)) {
          expect(problems.filter((p) => p.code === 'schema')).toEqual([]);
        } else {
          refused++;
          expect(problems).toEqual(schemaProblems(reference.errors ?? []));
        }
      }),
      { numRuns: 300, seed: 20261202 },
    );
    expect(refused).toBeGreaterThan(100);
  });

  it('checks rosters nested in rosters by their own row schemas, as the published schema does', () => {
    // Each roster's rows are compiled as a function of their own: a roster in a roster must keep its own.
    const nested = compileQuestionnaire({
      id: 'nested',
      version: '1',
      title: { en: 'Nested' },
      languages: { default: 'en', available: ['en'] },
      choiceLists: {
        yn: [
          { value: '1', label: { en: 'Yes' } },
          { value: '2', label: { en: 'No' } },
        ],
      },
      items: [
        {
          kind: 'roster',
          name: 'people',
          label: { en: 'People' },
          items: [
            { kind: 'question', name: 'age', type: 'integer', label: { en: 'Age' } },
            {
              kind: 'roster',
              name: 'jobs',
              label: { en: 'Jobs' },
              items: [
                { kind: 'question', name: 'paid', type: 'select_one', choices: 'yn', label: { en: 'Paid' } },
                { kind: 'question', name: 'hours', type: 'integer', label: { en: 'Hours' } },
              ],
            },
          ],
        },
        { kind: 'roster', name: 'plots', label: { en: 'Plots' }, items: [{ kind: 'question', name: 'area', type: 'decimal', label: { en: 'Area' } }] },
      ],
    } as unknown as Questionnaire);
    const reference = publishedValidator(nested);
    const d = (answers: Record<string, unknown>) => ({
      instanceId: '00000000-0000-4000-8000-000000000000',
      questionnaire: { id: 'nested', version: '1' },
      answers,
    });
    const cases: Record<string, unknown>[] = [
      { people: [{ _key: 'a', age: 30, jobs: [{ _key: 'j1', paid: '1', hours: 40 }] }], plots: [{ _key: 'p', area: 1.5 }] },
      { people: [{ _key: 'a', age: 30, jobs: [{ _key: 'j1', paid: '3', hours: 'x', age: 2 }] }] },
      { people: [{ _key: 'a', age: 'old', jobs: [{ _key: 'j1', area: 2 }] }], plots: [{ _key: 'p', area: 'big', paid: '1' }] },
      { people: [{ _key: 'a', jobs: [{ paid: '1' }] }], plots: [{ _key: 'p', jobs: [] }] },
    ];
    for (const answers of cases) {
      const { problems } = validateResponse(nested, d(answers));
      if (reference(d(answers))) expect(problems.filter((p) => p.code === 'schema')).toEqual([]);
      else expect(problems).toEqual(schemaProblems(reference.errors ?? []));
    }
    expect(validateResponse(nested, d(cases[1])).problems.map((p) => p.path)).toEqual([
      'people[0].jobs[0]',
      'people[0].jobs[0].paid',
      'people[0].jobs[0].hours',
    ]);
  });

  it('names a wrong code of a long list as the enum did, and accepts every code of it', () => {
    const country = dotm.fields.find((f) => f.item.kind === 'question' && f.item.type === 'country' && !f.item.multiple && f.scope === -1);
    expect(country).toBeDefined();
    const base = interviews.find((a) => a[country!.name] !== undefined);
    expect(base).toBeDefined();
    for (const c of country!.choices!) expect(validateResponse(dotm, doc({ ...base, [country!.name]: c.value })).problems).toEqual([]);
    const bad = validateResponse(dotm, doc({ ...base, [country!.name]: 'ATLANTIS' })).problems;
    expect(bad).toEqual([{ path: country!.name, code: 'schema', message: 'must be one of the choices' }]);
  });
});

describe('saved answers as text', () => {
  it('are the JSON text of the answers built as objects, in the same order, for valid and spoiled interviews', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...interviews), spoiled), (answers) => {
        const state = new FormState(dotm, {}, true);
        state.load(answers);
        const text = state.answersText();
        expect(text).toBe(JSON.stringify(answersAsObjects(state, dotm)));
        expect(state.answers()).toEqual(JSON.parse(text));
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('validateResponseText gives validateResponse problems and its answers as text', () => {
    const fixed = { now: () => new Date('2026-03-01T10:00:00Z'), newSeed: () => 42 };
    for (const answers of interviews.slice(0, 15)) {
      const a = validateResponse(dotm, doc(answers), fixed);
      const b = validateResponseText(dotm, doc(answers), fixed);
      expect(b.problems).toEqual(a.problems);
      expect(JSON.parse(b.answersText!)).toEqual(a.answers);
    }
    expect(validateResponseText(dotm, doc({ unknown_field: 1 })).answersText).toBeUndefined();
  });
});

describe('compiled definitions', () => {
  it('all have the same properties in the same order (one hidden class for the engine)', () => {
    const shapes = new Set(dotm.fields.map((f) => Object.keys(f).join(',')));
    expect(shapes.size).toBe(1);
  });
});

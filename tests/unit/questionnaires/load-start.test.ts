import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileQuestionnaire, FormState, type CompiledQuestionnaire, type FormOptions } from '../../../questionnaires/index.js';
import { dotmHousehold } from '../../../questionnaires/library/index.js';
import { interview, population, SETTINGS } from '../../../examples/dotm/synthetic-dataset.js';

/**
 * A state made for loading (FormState's forLoad, as validateResponse makes it) evaluates of the empty
 * form only what a load keeps: defaults and the rows of counted rosters with what they read. Loaded,
 * it must equal a state that evaluated the whole empty form first: same answers to save, same problems.
 */
const OPTIONS: FormOptions = { now: () => new Date('2026-03-01T10:00:00Z'), newSeed: () => 42, newUuid: () => 'uuid-1', enumerator: 'e1', deviceId: 'd1' };

function outcome(q: CompiledQuestionnaire, answers: Record<string, unknown>, forLoad: boolean) {
  const s = new FormState(q, OPTIONS, forLoad);
  const loadProblems = s.load(answers);
  return { loadProblems, notRelevant: s.notRelevantAnswers(answers), problems: s.problems(), answers: s.answers() };
}

// Defaults static and computed, on the household level and in rows; a roster counted by a constant and
// one by a question; relevance on groups; rows that follow another roster; calculations reading rows.
const q = compileQuestionnaire({
  id: 'start',
  version: '1',
  title: 'Start',
  languages: { default: 'en', available: ['en'] },
  settings: { host_country: 'GHA' },
  items: [
    { kind: 'metadata', name: 'start', type: 'start' },
    { kind: 'metadata', name: 'seed', type: 'seed' },
    { kind: 'question', name: 'consent', type: 'select_one', label: 'Consent', choices: 'yn', required: true },
    { kind: 'question', name: 'country', type: 'text', label: 'Country', default: '${host_country}' },
    { kind: 'calculate', name: 'base', calculation: "if(${consent} = '1', 10, 3)" },
    { kind: 'question', name: 'visits', type: 'integer', label: 'Visits', default: '${base} + 1', constraint: '. >= 0' },
    { kind: 'question', name: 'n_items', type: 'integer', label: 'Items', default: '2' },
    {
      kind: 'group',
      name: 'g',
      label: 'G',
      relevant: "${consent} = '1'",
      items: [
        { kind: 'question', name: 'note_text', type: 'text', label: 'Note', default: "'none'" },
        { kind: 'question', name: 'score', type: 'integer', label: 'Score', required: true },
      ],
    },
    {
      kind: 'roster',
      name: 'fixed',
      label: 'Fixed',
      repeatCount: '2',
      items: [
        { kind: 'question', name: 'f_val', type: 'integer', label: 'V', default: '5' },
        { kind: 'question', name: 'f_text', type: 'text', label: 'T' },
      ],
    },
    {
      kind: 'roster',
      name: 'items_r',
      label: 'Items',
      repeatCount: '${n_items}',
      items: [{ kind: 'question', name: 'i_name', type: 'text', label: 'Name', default: "concat('item ', position(..))" }],
    },
    {
      kind: 'roster',
      name: 'people',
      label: 'People',
      items: [
        { kind: 'question', name: 'age', type: 'integer', label: 'Age', required: true, constraint: '. < 120' },
        { kind: 'question', name: 'school', type: 'select_one', label: 'School', choices: 'yn', relevant: '${age} >= 5', default: '0' },
      ],
    },
    {
      kind: 'roster',
      name: 'children',
      label: 'Children',
      rowsFrom: { roster: 'people', filter: '${age} < 18' },
      items: [{ kind: 'question', name: 'vaccinated', type: 'select_one', label: 'Vaccinated', choices: 'yn', required: true }],
    },
    { kind: 'calculate', name: 'n_people', calculation: 'count(${people})' },
    { kind: 'calculate', name: 'total_f', calculation: 'sum(${f_val})' },
  ],
  choiceLists: {
    yn: [
      { value: '1', label: 'Yes' },
      { value: '0', label: 'No' },
    ],
  },
} as never);

const person = fc.record(
  {
    _key: fc.constantFrom('r1', 'r2', 'r3', 'r4', 'x'),
    age: fc.oneof(fc.integer({ min: 0, max: 130 }), fc.constant('ten')),
    school: fc.constantFrom('0', '1', '7'),
  },
  { requiredKeys: [] },
);
const doc = fc.record(
  {
    start: fc.constant('2026-02-01T09:00:00Z'),
    consent: fc.constantFrom('0', '1', '2'),
    country: fc.constantFrom('GHA', 'TGO', ''),
    visits: fc.integer({ min: -2, max: 30 }),
    n_items: fc.integer({ min: 0, max: 4 }),
    note_text: fc.string({ maxLength: 5 }),
    score: fc.integer({ min: 0, max: 9 }),
    fixed: fc.array(
      fc.record({ _key: fc.constantFrom('r1', 'r2', 'r9'), f_val: fc.integer({ min: 0, max: 9 }), f_text: fc.string({ maxLength: 3 }) }, { requiredKeys: [] }),
      { maxLength: 3 },
    ),
    items_r: fc.array(fc.record({ _key: fc.constantFrom('r3', 'r4', 'r5', 'r6'), i_name: fc.string({ maxLength: 3 }) }, { requiredKeys: [] }), {
      maxLength: 4,
    }),
    people: fc.array(person, { maxLength: 4 }),
    children: fc.array(fc.record({ _key: fc.constantFrom('r1', 'r2', 'r3'), vaccinated: fc.constantFrom('0', '1') }, { requiredKeys: [] }), { maxLength: 3 }),
    unknown_field: fc.constant(1),
  },
  { requiredKeys: [] },
);

describe('a state made for loading', () => {
  it('equals a state that evaluated the whole empty form, on any document (defaults, counted rosters, rows that follow)', () => {
    fc.assert(
      fc.property(doc, (answers) => {
        expect(outcome(q, answers, true)).toEqual(outcome(q, answers, false));
      }),
      { numRuns: 400 },
    );
  });

  it('keeps the defaults and counted rows of the empty form where a document leaves them out', () => {
    const loaded = outcome(q, { consent: '1', people: [] }, true).answers;
    expect(loaded).toMatchObject({ country: 'GHA', visits: 4, n_items: 2, note_text: 'none' });
    expect((loaded.fixed as { f_val: number }[]).map((r) => r.f_val)).toEqual([5, 5]);
    expect((loaded.items_r as { _key: string; i_name: string }[]).map((r) => r.i_name)).toEqual(['item 1', 'item 2']);
  });

  it('equals it on DotM households, whole and with answers left out', () => {
    const dotm = compileQuestionnaire(dotmHousehold(SETTINGS));
    const { households } = population(11, 6, 1, 2026);
    for (const hh of households.slice(0, 40)) {
      const { answers } = interview(hh);
      expect(outcome(dotm, answers, true)).toEqual(outcome(dotm, answers, false));
      const names = Object.keys(answers);
      const partial = Object.fromEntries(names.filter((_, k) => k % 3 !== hh.seed % 3).map((n) => [n, answers[n]]));
      expect(outcome(dotm, partial, true)).toEqual(outcome(dotm, partial, false));
    }
  });
});

import { describe, expect, it } from 'vitest';
import {
  compileQuestionnaire,
  composeQuestionnaire,
  CompositionError,
  dotmHousehold,
  EXAMPLE_LFS_MAPPING,
  exampleLfsHost,
  FormState,
  LIBRARY_MODULES,
  libraryItem,
  questionnaireToXlsform,
  validateResponse,
  xlsformToQuestionnaire,
  type Item,
  type Questionnaire,
  type Text,
} from '../../../questionnaires/index.js';

const NOW = new Date('2026-06-15T10:00:00Z');

function texts(q: Questionnaire): { where: string; text: Text }[] {
  const out: { where: string; text: Text }[] = [];
  const walk = (items: Item[]) => {
    for (const item of items) {
      for (const k of ['label', 'hint', 'constraintMessage', 'requiredMessage'] as const) {
        const v = (item as unknown as Record<string, Text | undefined>)[k];
        if (v !== undefined) out.push({ where: `${item.name}.${k}`, text: v });
      }
      if (item.kind === 'group' || item.kind === 'roster') walk(item.items);
    }
  };
  walk(q.items);
  for (const [list, choices] of Object.entries(q.choiceLists ?? {})) for (const c of choices) out.push({ where: `${list}:${c.value}`, text: c.label });
  return out;
}

describe('library modules', () => {
  it.each(LIBRARY_MODULES.map((m) => [m.id, m] as const))('%s validates, compiles and is labelled in English, French and Spanish', (_id, m) => {
    expect(() => compileQuestionnaire(m)).not.toThrow();
    expect(m.languages.available).toEqual(['en', 'fr', 'es']);
    expect(m.meta.module.referencePeriods).toBeTypeOf('object');
    for (const { where, text } of texts(m)) {
      if (typeof text === 'string') continue; // calculations in stubs carry no visible text
      for (const lang of ['en', 'fr', 'es']) expect(text[lang], `${m.id} ${where} ${lang}`).toBeTruthy();
    }
  });
  it.each(LIBRARY_MODULES.map((m) => [m.id, m] as const))('%s exports to XLSForm and comes back the same', (_id, m) => {
    const sheets = questionnaireToXlsform(m);
    const again = xlsformToQuestionnaire(sheets, m.id);
    expect(again.items).toEqual(m.items);
    // Settings travel as calculate rows ODK reads as fields (${host_country}), and come back as settings.
    expect(again.settings).toEqual(m.settings);
    expect(sheets.survey.rows.filter((r) => r.cells['mdsurvey::setting'] === 'yes').map((r) => r.cells.name)).toEqual(Object.keys(m.settings ?? {}));
  });
});

/** The DotM household questionnaire, driven like the app: answers set one by one. */
function household() {
  const q = compileQuestionnaire(dotmHousehold());
  return { q, s: new FormState(q, { now: () => NOW, enumerator: 'e1' }) };
}
const rowsOf = (s: FormState, roster: string) => s.rowsOf(s.questionnaire.byName.get(roster)!.index);

/** Answers every relevant required question with a plausible default (choice 0, number 1, ...), repeatedly, until nothing is missing. */
function answerTheRest(s: FormState): void {
  for (let pass = 0; pass < 10; pass++) {
    const missing = s.problems().filter((p) => p.code === 'required');
    if (missing.length === 0) return;
    for (const p of missing) {
      const path = p.path.replace(/\[(\d+)\]/g, '[#$1]');
      const { field } = s.locate(path);
      const item = field.item as { type: string; multiple?: boolean };
      const choices = field.choices?.map((c) => c.value) ?? [];
      // A usual member is one not away abroad_months months or more (the roster's rule).
      const value =
        field.name === 'usual_resident'
          ? '1'
          : item.type === 'select_one'
            ? choices.includes('0')
              ? '0'
              : choices[0]
            : item.type === 'select_multiple'
              ? [choices[0]]
              : item.type === 'country'
                ? item.multiple
                  ? ['THIS']
                  : 'GHA'
                : item.type === 'amount'
                  ? { amount: 100, currency: field.currencies![0] }
                  : item.type === 'year'
                    ? 2020
                    : item.type === 'date'
                      ? '2020-01-01'
                      : item.type === 'integer' || item.type === 'decimal'
                        ? 1
                        : 'x';
      s.setAnswer(path, value);
    }
  }
}

describe('the DotM household questionnaire', () => {
  it('a 6-member household with 2 emigrants and 1 return migrant validates, and is H3', () => {
    const { q, s } = household();
    s.setAnswer('s_member_abroad', '1');
    s.setAnswer('s_member_returned', '1');
    s.setAnswer('s_member_born_abroad', '0');
    s.setAnswer('s_remit', '1');
    const people: [string, string, number, string][] = [
      ['Ama', '2', 45, '1'],
      ['Kofi', '1', 48, '2'],
      ['Esi', '2', 17, '3'],
      ['Yaw', '1', 14, '3'],
      ['Abena', '2', 8, '3'],
      ['Kojo', '1', 1, '5'],
    ];
    for (const [name, sex, age, relation] of people) {
      const k = s.addRow('members');
      s.setAnswer(`members[${k}].name`, name);
      s.setAnswer(`members[${k}].sex`, sex);
      s.setAnswer(`members[${k}].age`, age);
      s.setAnswer(`members[${k}].relation`, relation);
      s.setAnswer(`members[${k}].country_birth`, 'THIS');
      s.setAnswer(`members[${k}].citizenship`, ['THIS']);
      if (age < 18) {
        s.setAnswer(`members[${k}].mother_line`, 1);
        s.setAnswer(`members[${k}].father_line`, 2);
      }
    }
    const members = rowsOf(s, 'members');
    // Kofi came back from Italy in 2022 after 30 months
    s.setAnswer(`members[${members[1].key}].rm_lived_abroad`, '1');
    s.setAnswer(`members[${members[1].key}].rm_country`, 'ITA');
    s.setAnswer(`members[${members[1].key}].rm_year_left`, 2019);
    s.setAnswer(`members[${members[1].key}].rm_year_returned`, 2022);
    s.setAnswer(`members[${members[1].key}].rm_months`, 30);
    // two emigrants: one in the UK since 2021, one in Canada since 2024
    s.setAnswer('n_emigrants_listed', 2);
    const emigrants = rowsOf(s, 'emigrants');
    expect(emigrants).toHaveLength(2);
    const [e1, e2] = emigrants.map((r) => r.key);
    s.setAnswer(`emigrants[${e1}].em_left`, '2021-03-01');
    s.setAnswer(`emigrants[${e1}].em_country`, 'GBR');
    s.setAnswer(`emigrants[${e1}].rr_cash`, '1');
    s.setAnswer(`emigrants[${e1}].rr_amount`, { amount: 1200, currency: 'USD' });
    s.setAnswer(`emigrants[${e1}].rr_channel`, 'mto');
    s.setAnswer(`emigrants[${e2}].em_left`, '2024-09-01');
    s.setAnswer(`emigrants[${e2}].em_country`, 'CAN');
    s.setAnswer('rr_uses', ['education', 'health']);
    s.setAnswer('rr_main_use', 'education');
    answerTheRest(s);
    expect(s.problems()).toEqual([]);
    expect(s.get('n_emigrants').value).toBe(2);
    expect(s.get('n_return_migrants').value).toBe(1);
    expect(s.get('hh_migration_status').value).toBe('H3');
    expect(s.get('hh_migrant').value).toBe(1);
    expect(s.get('hh_remit_receiving').value).toBe(1);
    expect(s.get(`emigrants[${e1}].rr_formal`).value).toBe(1);
    // follow-up roster: only the members aged 5-24 get education questions
    expect(rowsOf(s, 'schooling').map((r) => r.key)).toEqual([members[2].key, members[3].key, members[4].key]);
    // vaccination only for the child of 12-23 months
    expect(s.get(`members[${members[5].key}].h_age_months`).relevant).toBe(true);
    expect(s.get(`members[${members[4].key}].h_age_months`).relevant).toBe(false);
    const doc = s.toResponse('3f2b8a58-8c4e-4a5e-9a0b-6f2d8f0e7c11');
    expect(validateResponse(q, doc, { now: () => NOW }).problems).toEqual([]);
  });

  it('a household whose only emigrant left 2 months ago has no emigrant (threshold 3 months) and is H0', () => {
    const { s } = household();
    s.setAnswer('s_member_abroad', '1');
    s.setAnswer('s_member_returned', '0');
    s.setAnswer('n_emigrants_listed', 1);
    const [e] = rowsOf(s, 'emigrants');
    s.setAnswer(`emigrants[${e.key}].em_left`, '2026-04-10');
    expect(s.get(`emigrants[${e.key}].em_months_abroad`).value).toBe(2);
    expect(s.get(`emigrants[${e.key}].is_emigrant`).value).toBe(0);
    expect(s.get('hh_migration_status').value).toBe('H0');
    s.setAnswer(`emigrants[${e.key}].em_left`, '2026-03-01');
    expect(s.get('hh_migration_status').value).toBe('H1');
  });

  it('skips M2 when no former member is abroad, and flags emigrant answers sent anyway', () => {
    const { q, s } = household();
    s.setAnswer('s_member_abroad', '0');
    expect(s.get('n_emigrants_listed').relevant).toBe(false);
    const doc = { ...s.toResponse('9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d'), answers: { ...s.answers(), n_emigrants_listed: 1 } };
    const { problems } = validateResponse(q, doc, { now: () => NOW });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'n_emigrants_listed', code: 'not-relevant' }));
  });

  it('M13 draws its woman among the women 15-49 married or in union; nobody is drawn when none is eligible', () => {
    const { s } = household();
    const a = s.addRow('members');
    s.setAnswer(`members[${a}].sex`, '1');
    s.setAnswer(`members[${a}].age`, 40);
    s.setAnswer(`members[${a}].relation`, '1');
    s.setAnswer(`members[${a}].marital`, '2');
    const b = s.addRow('members');
    s.setAnswer(`members[${b}].sex`, '2');
    s.setAnswer(`members[${b}].age`, 35);
    s.setAnswer(`members[${b}].relation`, '2');
    s.setAnswer(`members[${b}].marital`, '1');
    expect(s.get('g_respondent').value).toBe('');
    expect(s.get('g_health').relevant).toBe(false);
    s.setAnswer(`members[${b}].marital`, '2');
    expect(s.get('g_eligible_count').value).toBe(1);
    expect(s.get('g_respondent').value).toBe(2);
    expect(s.get('g_health').relevant).toBe(true);
  });

  it('M3: the main use of remittances must be among the uses', () => {
    const { s } = household();
    s.setAnswer('s_remit', '1');
    s.setAnswer('rr_uses', ['housing']);
    s.setAnswer('rr_main_use', 'education');
    expect(s.get('rr_main_use').problem?.code).toBe('constraint');
  });

  it('reference periods are stored as module metadata', () => {
    const meta = dotmHousehold().meta as { composition: { modules: { id: string; referencePeriods: Record<string, string> }[] } };
    const m8 = meta.composition.modules.find((m) => m.id === 'dotm-m8-health')!;
    expect(m8.referencePeriods.h_ill).toBe('last 30 days');
  });
});

describe('composition', () => {
  const modules = [libraryItem('lfs-migration')!, libraryItem('census-addon')!];
  it('adds the LFS migration module and the census add-on to the example LFS host through a mapping', () => {
    const composed = composeQuestionnaire(exampleLfsHost, modules, { mapping: EXAMPLE_LFS_MAPPING });
    const c = compileQuestionnaire(composed);
    expect(c.byName.get('lm_cost')!.scope).toBe(c.byName.get('persons')!.index); // inside the host roster
    expect(c.byName.get('c_any_left')!.scope).toBe(-1);
    expect(composed.version).toBe('2026.1+lfs-migration.1.0.0+census-addon.1.0.0');
    const s = new FormState(c, { now: () => NOW });
    const k = s.addRow('persons');
    s.setAnswer(`persons[${k}].q_age`, 30);
    expect(s.get(`persons[${k}].lm_worked_abroad`).relevant).toBe(true); // ${age} became ${q_age}
    s.setAnswer(`persons[${k}].lm_worked_abroad`, '1');
    s.setAnswer(`persons[${k}].lm_cost`, { amount: 1500, currency: 'USD' });
    s.setAnswer(`persons[${k}].lm_first_month`, { amount: 500, currency: 'USD' });
    expect(s.get(`persons[${k}].lm_first_month`).value).toBe(500);
    // No ratio in the form: cost and earnings may be in different currencies (the analysis converts, then divides).
    expect(c.byName.has('lm_cost_ratio')).toBe(false);
  });
  it('reports a missing binding with the hint to map it', () => {
    expect(() => composeQuestionnaire(exampleLfsHost, modules)).toThrow(
      /module lfs-migration needs "members" from its host, which has no item "members" \(map it: members=HOST_NAME\)/,
    );
  });
  it('reports name clashes, never renames', () => {
    const clashing = structuredClone(libraryItem('census-addon')!) as Questionnaire;
    clashing.items.push({ kind: 'question', name: 'q_region', type: 'text', label: 'x' });
    try {
      composeQuestionnaire(exampleLfsHost, [clashing], { mapping: EXAMPLE_LFS_MAPPING });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CompositionError);
      expect((err as CompositionError).problems).toEqual(['module census-addon: name "q_region" already in the questionnaire']);
    }
  });
});

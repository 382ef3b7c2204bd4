// Migration statuses as the standards define them (issue 15), driven through the DotM questionnaire as
// an enumerator fills it: each rule is one household whose status the definition decides.
//   - UN 1998 Recommendations on Statistics of International Migration, Rev.1: a returning migrant comes
//     back to their own country (citizens and the native-born); long-term = 12 months, short-term = 3-11.
//   - UN 2021 revised conceptual framework: 12 months for international migration; 3-11 is temporary mobility.
//   - DotM: T = 3 months; emigrants bound by a recency window (census add-on: the last N years).
import { describe, expect, it } from 'vitest';
import { compileQuestionnaire, countryChoices, FormState, validateResponse, type CompiledQuestionnaire } from '../../../questionnaires/index.js';
import { dotmHousehold, type LibrarySettings } from '../../../questionnaires/library/index.js';

const NOW = new Date('2026-06-15T10:00:00Z');
const GHANA: LibrarySettings = { host_country: 'GHA', local_currency: 'GHS' };

function household(settings: LibrarySettings = GHANA): { q: CompiledQuestionnaire; s: FormState } {
  const q = compileQuestionnaire(dotmHousehold(settings));
  return { q, s: new FormState(q, { now: () => NOW, newSeed: () => 7 }) };
}
const rowsOf = (s: FormState, roster: string) => s.rowsOf(s.questionnaire.byName.get(roster)!.index);

/** Adds a member with the roster answers the statuses read. */
function member(s: FormState, p: { sex?: string; age: number; relation?: string; birth?: string; citizenship?: string[]; marital?: string }): string {
  const k = s.addRow('members');
  s.setAnswer(`members[${k}].name`, `P${k}`);
  s.setAnswer(`members[${k}].sex`, p.sex ?? '1');
  s.setAnswer(`members[${k}].age`, p.age);
  s.setAnswer(`members[${k}].relation`, p.relation ?? (rowsOf(s, 'members').length === 1 ? '1' : '3'));
  s.setAnswer(`members[${k}].country_birth`, p.birth ?? 'GHA');
  s.setAnswer(`members[${k}].citizenship`, p.citizenship ?? [p.birth ?? 'GHA']);
  if (p.age >= 12) s.setAnswer(`members[${k}].marital`, p.marital ?? '1');
  return k;
}

function returned(s: FormState, k: string, months: number, yearReturned: number): void {
  s.setAnswer(`members[${k}].rm_lived_abroad`, '1');
  s.setAnswer(`members[${k}].rm_country`, 'ITA');
  s.setAnswer(`members[${k}].rm_year_left`, yearReturned - 1);
  s.setAnswer(`members[${k}].rm_year_returned`, yearReturned);
  s.setAnswer(`members[${k}].rm_months`, months);
}

function emigrantLeft(s: FormState, date: string): string {
  s.setAnswer('s_member_abroad', '1');
  s.setAnswer('n_emigrants_listed', rowsOf(s, 'emigrants').length + 1);
  const rows = rowsOf(s, 'emigrants');
  const e = rows[rows.length - 1].key;
  s.setAnswer(`emigrants[${e}].em_left`, date);
  return e;
}

describe('return migrants (UN 1998: back to their own country, any age)', () => {
  it('an immigrant who lived abroad is not a return migrant: the question is not asked, and an answer sent anyway counts for nothing', () => {
    const { q, s } = household();
    s.setAnswer('s_member_returned', '1');
    member(s, { age: 40 });
    const k = member(s, { age: 35, birth: 'NGA', citizenship: ['NGA'] });
    expect(s.get(`members[${k}].is_immigrant`).value).toBe(1);
    expect(s.get(`members[${k}].rm_lived_abroad`).relevant).toBe(false);
    expect(s.get(`members[${k}].is_return_migrant`).value).toBe(0);
    expect(s.get('hh_migration_status').value).toBe('H0');
    // A client that sends the answers anyway: not relevant, and the status stays 0.
    const doc = s.toResponse('3f2b8a58-8c4e-4a5e-9a0b-6f2d8f0e7c11');
    const answers = structuredClone(doc.answers) as { members: Record<string, unknown>[] };
    Object.assign(answers.members[1], { rm_lived_abroad: '1', rm_country: 'USA', rm_year_left: 2019, rm_year_returned: 2022, rm_months: 30 });
    const { problems } = validateResponse(q, { ...doc, answers }, { now: () => NOW });
    expect(problems).toContainEqual(expect.objectContaining({ path: 'members[1].rm_lived_abroad', code: 'not-relevant' }));
  });

  it('a native-born child of 12 who came back is a return migrant (no age limit), and makes the household H2', () => {
    const { s } = household();
    s.setAnswer('s_member_abroad', '0');
    s.setAnswer('s_member_returned', '1');
    const head = member(s, { age: 40 });
    s.setAnswer(`members[${head}].rm_lived_abroad`, '0');
    const child = member(s, { age: 12 });
    expect(s.get(`members[${child}].rm_lived_abroad`).relevant).toBe(true);
    returned(s, child, 18, 2025);
    expect(s.get(`members[${child}].is_return_migrant`).value).toBe(1);
    expect(s.get(`members[${child}].is_return_migrant_12m`).value).toBe(1);
    expect(s.get('hh_migration_status').value).toBe('H2');
  });

  it('a foreign-born citizen who comes back to the country of citizenship is a return migrant', () => {
    const { s } = household();
    s.setAnswer('s_member_returned', '1');
    const k = member(s, { age: 50, birth: 'CIV', citizenship: ['CIV', 'GHA'] });
    returned(s, k, 40, 2020);
    expect(s.get(`members[${k}].is_immigrant`).value).toBe(1);
    expect(s.get(`members[${k}].is_return_migrant`).value).toBe(1);
  });

  it('a return more than return_years ago does not count; the setting moves the window', () => {
    const old = household();
    old.s.setAnswer('s_member_returned', '1');
    const k = member(old.s, { age: 60 });
    returned(old.s, k, 24, 2010);
    expect(old.s.get(`members[${k}].is_return_migrant`).value).toBe(0);
    const wide = household({ ...GHANA, return_years: 20 });
    wide.s.setAnswer('s_member_returned', '1');
    const w = member(wide.s, { age: 60 });
    returned(wide.s, w, 24, 2010);
    expect(wide.s.get(`members[${w}].is_return_migrant`).value).toBe(1);
  });
});

describe('emigrants: a recency window and both thresholds', () => {
  it('an emigrant who left 25 years ago does not make the household H1 under the default 10-year window', () => {
    const { s } = household();
    member(s, { age: 70 });
    const e = emigrantLeft(s, '2001-05-01');
    expect(s.get(`emigrants[${e}].em_months_abroad`).value).toBeGreaterThan(12 * 25 - 1);
    expect(s.get(`emigrants[${e}].is_emigrant`).value).toBe(0);
    expect(s.get('hh_migration_status').value).toBe('H0');
    // A second one who left two years ago does.
    emigrantLeft(s, '2024-05-01');
    expect(s.get('n_emigrants').value).toBe(1);
    expect(s.get('hh_migration_status').value).toBe('H1');
  });

  it('the window is the emigration_years setting', () => {
    const { s } = household({ ...GHANA, emigration_years: 30 });
    member(s, { age: 70 });
    const e = emigrantLeft(s, '2001-05-01');
    expect(s.get(`emigrants[${e}].is_emigrant`).value).toBe(1);
  });

  it('a person away 5 months is an emigrant at 3 months and not at 12: the two household statuses differ as defined', () => {
    const { s } = household();
    member(s, { age: 45 });
    const e = emigrantLeft(s, '2026-01-10');
    expect(s.get(`emigrants[${e}].em_months_abroad`).value).toBe(5);
    expect(s.get(`emigrants[${e}].is_emigrant`).value).toBe(1);
    expect(s.get(`emigrants[${e}].is_emigrant_12m`).value).toBe(0);
    expect(s.get('hh_migration_status').value).toBe('H1');
    expect(s.get('hh_migration_status_12m').value).toBe('H0');
  });

  it('a return migrant of 5 months is one at T = 3 and not at 12 months', () => {
    const { s } = household();
    s.setAnswer('s_member_returned', '1');
    const k = member(s, { age: 30 });
    returned(s, k, 5, 2025);
    expect(s.get(`members[${k}].is_return_migrant`).value).toBe(1);
    expect(s.get(`members[${k}].is_return_migrant_12m`).value).toBe(0);
    expect(s.get('hh_migration_status').value).toBe('H2');
    expect(s.get('hh_migration_status_12m').value).toBe('H0');
  });

  it('the usual-residence rule follows T: a member away T months or more is refused, with T in the message', () => {
    const { s } = household({ ...GHANA, abroad_months: 12 });
    const k = member(s, { age: 30 });
    s.setAnswer(`members[${k}].usual_resident`, '0');
    const p = s.get(`members[${k}].usual_resident`).problem;
    expect(p?.code).toBe('constraint');
    expect(p?.message).toMatch(/away 12 months or more is not a member/);
  });
});

describe('host country, immigrants and immigrant households', () => {
  it('"this country" stores the host ISO code: a native coded GHA is not an immigrant; unknown and stateless are not foreign-born', () => {
    const choices = countryChoices(true, 'GHA');
    expect(choices[0].value).toBe('GHA');
    expect(choices.map((c) => c.value)).not.toContain('THIS');
    expect(choices.filter((c) => c.value === 'GHA')).toHaveLength(1);
    const { s } = household();
    const a = member(s, { age: 40, birth: 'GHA' });
    const b = member(s, { age: 30, birth: 'XXX', citizenship: ['GHA'] });
    const c = member(s, { age: 20, birth: 'XXA', citizenship: ['XXA'] });
    for (const k of [a, b, c]) expect(s.get(`members[${k}].is_immigrant`).value).toBe(0);
    expect(s.get(`members[${a}].migratory_status`).value).toBe('native-born citizen');
    expect(s.get(`members[${b}].migratory_status`).value).toBe('');
    // 'THIS' is no longer an answer once the survey names its host.
    expect(() => s.setAnswer(`members[${a}].country_birth`, 'THIS')).toThrow(/not a country code/);
  });

  it('a household of foreign-born members only is an immigrant household (HI), apart from the non-migrant H0', () => {
    const { s } = household();
    member(s, { age: 40, birth: 'NGA', citizenship: ['NGA'] });
    member(s, { age: 38, sex: '2', relation: '2', birth: 'NGA', citizenship: ['NGA', 'GHA'] });
    expect(s.get('hh_migration_status').value).toBe('H0');
    expect(s.get('hh_immigrant_household').value).toBe(1);
    expect(s.get('hh_migration_status_split').value).toBe('HI');
    expect(s.get(`members[${rowsOf(s, 'members')[1].key}].migratory_status`).value).toBe('foreign-born citizen');
    member(s, { age: 5, birth: 'GHA' });
    expect(s.get('hh_migration_status_split').value).toBe('H0');
  });

  it('refuses a host country or local currency that is not an ISO code', () => {
    expect(() => dotmHousehold({ host_country: 'Ghana' })).toThrow(/host_country.*ISO 3166-1 alpha-3/);
    expect(() => dotmHousehold({ local_currency: 'CEDI' })).toThrow(/local_currency.*ISO 4217/);
  });
});

describe('amounts: the local currency first, every ISO 4217 currency offered', () => {
  it('every amount question offers the local currency first and the currencies of the DotM countries', () => {
    const q = compileQuestionnaire(dotmHousehold(GHANA));
    const amounts = q.fields.filter((f) => f.item.kind === 'question' && f.item.type === 'amount');
    expect(amounts.length).toBeGreaterThan(5);
    for (const f of amounts) {
      expect(f.currencies![0], f.name).toBe('GHS');
      for (const c of ['COP', 'JMD', 'FJD', 'GEL', 'MKD', 'VND', 'USD', 'EUR']) expect(f.currencies, f.name).toContain(c);
      expect(f.currencies, f.name).not.toContain('XAU');
    }
  });
});

describe('education: ISCED-A attainment and years of schooling from the country durations', () => {
  it('adds the official durations of the levels completed and the years of the next one; the durations are settings', () => {
    const years = (settings: LibrarySettings, education: string, grade: number) => {
      const { s } = household(settings);
      const k = member(s, { age: 30 });
      s.setAnswer(`members[${k}].education`, education);
      s.setAnswer(`members[${k}].education_grade`, grade);
      return s.get(`members[${k}].years_schooling`).value;
    };
    expect(years(GHANA, '0', 4)).toBe(4); // less than primary: 4 years of primary done
    expect(years(GHANA, '1', 2)).toBe(8); // primary (6) and 2 years of lower secondary
    expect(years(GHANA, '3', 0)).toBe(12);
    expect(years(GHANA, '6', 1)).toBe(17); // 12 + bachelor 4 + 1 year of master
    expect(years(GHANA, '8', 0)).toBe(21);
    // A country with an 8-year primary and a 4-year upper secondary.
    expect(years({ ...GHANA, years_primary: 8, years_lower_secondary: 0, years_upper_secondary: 4 }, '3', 0)).toBe(12);
    expect(years(GHANA, '9', 0)).toBe(''); // not elsewhere classified: unknown
  });
});

describe('roster integrity', () => {
  it('one head, on line 1; a date of birth, when given, agrees with the age', () => {
    const { s } = household();
    const a = member(s, { age: 40, relation: '3' });
    expect(s.get(`members[${a}].relation`).problem?.code).toBe('constraint');
    s.setAnswer(`members[${a}].relation`, '1');
    expect(s.get(`members[${a}].relation`).problem).toBeNull();
    const b = member(s, { age: 30, relation: '1' });
    expect(s.get(`members[${b}].relation`).problem?.message).toMatch(/only on line 1/);
    s.setAnswer(`members[${a}].birth_date`, '1986-01-10');
    expect(s.get(`members[${a}].age`).problem).toBeNull();
    s.setAnswer(`members[${a}].birth_date`, '1996-01-10');
    expect(s.get(`members[${a}].age`).problem?.code).toBe('constraint');
  });

  it("a child's parents are members of the right sex, or where they are is asked (abroad: the child has a parent abroad)", () => {
    const { s } = household();
    member(s, { age: 40, sex: '1' });
    member(s, { age: 38, sex: '2', relation: '2' });
    const c = member(s, { age: 9 });
    s.setAnswer(`members[${c}].mother_line`, 1);
    expect(s.get(`members[${c}].mother_line`).problem?.code).toBe('constraint'); // line 1 is a man
    s.setAnswer(`members[${c}].mother_line`, 2);
    s.setAnswer(`members[${c}].father_line`, 0);
    expect(s.get(`members[${c}].father_where`).relevant).toBe(true);
    s.setAnswer(`members[${c}].father_where`, 'abroad');
    expect(s.get(`members[${c}].parent_abroad`).value).toBe(1);
    s.setAnswer(`members[${c}].father_where`, 'country');
    expect(s.get(`members[${c}].parent_abroad`).value).toBe(0);
  });
});

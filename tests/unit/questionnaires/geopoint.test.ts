/**
 * GPS locations (XLSForm geopoint, issue 19): "latitude longitude [altitude [accuracy]]" as ODK stores
 * them, checked by the engine and the submission schema; identifying unless declared otherwise (a
 * location finds a household); imported from and exported to XLSForm.
 */
import { describe, expect, it } from 'vitest';
import {
  codebookOf,
  compileQuestionnaire,
  questionnaireToXlsform,
  validateResponse,
  xlsformToQuestionnaire,
  type Questionnaire,
} from '../../../questionnaires/index.js';

const Q = {
  id: 'gps',
  version: '1',
  title: 'GPS',
  languages: { default: 'en', available: ['en'] },
  items: [
    { kind: 'question', name: 'place', type: 'geopoint', label: 'Location of the dwelling' },
    { kind: 'question', name: 'market', type: 'geopoint', label: 'Nearest market', identifier: false },
  ],
} as unknown as Questionnaire;

describe('geopoint', () => {
  const q = compileQuestionnaire(Q);
  const check = (place: string) =>
    validateResponse(q, { instanceId: '00000000-0000-4000-8000-000000000001', questionnaire: { id: 'gps', version: '1' }, answers: { place } });
  it.each(['5.603717 -0.186964', '5.603717 -0.186964 61.2 4.8', '-33.9 18.4 0'])('accepts %s', (v) => {
    expect(check(v).problems).toEqual([]);
  });
  it.each(['95 10', '5.6', '5.6 -0.2 10 -3', 'north west', '5.6 200'])('refuses %s, naming the question', (v) => {
    const problems = check(v).problems;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].path).toBe('place');
  });
  it('is identifying unless declared otherwise', () => {
    const cb = codebookOf(q);
    expect(cb.find((v) => v.variable === 'place')!.identifier).toBe(true);
    expect(cb.find((v) => v.variable === 'market')!.identifier).toBe(false);
  });
  it('round-trips through XLSForm', () => {
    const model = questionnaireToXlsform(Q);
    expect(model.survey.rows.some((r) => r.cells.type === 'geopoint')).toBe(true);
    const back = xlsformToQuestionnaire(model);
    expect(back.items.filter((i) => i.kind === 'question').map((i) => (i as { type: string }).type)).toEqual(['geopoint', 'geopoint']);
  });
});

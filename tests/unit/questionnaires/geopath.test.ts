/** ODK geotrace and geoshape (lines and shapes of GPS points), and range questions, from XLSForm to answers. */
import { describe, expect, it } from 'vitest';
import { compileQuestionnaire, FormState, xlsformToQuestionnaire, questionnaireToXlsform } from '../../../questionnaires/index.js';
import { identifierFields } from '../../../questionnaires/flatten.js';

const sheet = (rows: Record<string, string>[]) => ({
  survey: { header: ['type', 'name', 'label', 'parameters'], rows: rows.map((cells, k) => ({ line: k + 2, cells })) },
});

describe('geotrace and geoshape', () => {
  const q = xlsformToQuestionnaire(
    sheet([
      { type: 'geotrace', name: 'path', label: 'Path to the water point' },
      { type: 'geoshape', name: 'plot', label: 'Boundary of the plot' },
    ]),
  );
  const c = compileQuestionnaire(q);
  it('imports as questions of their own type, identifying by default, and exports back', () => {
    expect(q.items.map((i) => (i as { type?: string }).type)).toEqual(['geotrace', 'geoshape']);
    expect([...identifierFields(c)].map((i) => c.fields[i].name).sort()).toEqual(['path', 'plot']);
    expect(questionnaireToXlsform(q).survey.rows.map((r) => r.cells.type)).toEqual(['geotrace', 'geoshape']);
  });
  it('takes a line of two points or more, and a shape closed on its first point', () => {
    const s = new FormState(c);
    s.setAnswer('path', '5.6 -0.18 10 5; 5.61 -0.17 12 4');
    s.setAnswer('plot', '5.6 -0.18; 5.6 -0.17; 5.61 -0.17; 5.6 -0.18');
    expect(s.problems()).toEqual([]);
    expect(() => s.setAnswer('path', '5.6 -0.18')).toThrow(/at least 2 locations/);
    expect(() => s.setAnswer('plot', '5.6 -0.18; 5.6 -0.17; 5.61 -0.17; 5.7 -0.18')).toThrow(/closed on its first location/);
    expect(() => s.setAnswer('plot', '5.6 -0.18; 95 -0.17; 5.61 -0.17; 5.6 -0.18')).toThrow(/shape/);
  });
});

describe('range', () => {
  it('is a number within start and end (a decimal when the step is)', () => {
    const warnings: string[] = [];
    const q = xlsformToQuestionnaire(
      sheet([
        { type: 'range', name: 'score', label: 'Score', parameters: 'start=0 end=10 step=1' },
        { type: 'range', name: 'share', label: 'Share', parameters: 'start=0 end=1 step=0.1' },
      ]),
      'r',
      (w) => warnings.push(w),
    );
    expect(q.items[0]).toMatchObject({ type: 'integer', constraint: '. >= 0 and . <= 10' });
    expect(q.items[1]).toMatchObject({ type: 'decimal', constraint: '. >= 0 and . <= 1' });
    expect(warnings).toContain('survey row 2: range "score" is asked as a number from 0 to 10');
    const s = new FormState(compileQuestionnaire(q));
    s.setAnswer('score', 11);
    expect(s.problems()[0].message).toBe('the answer must be from 0 to 10');
  });
});

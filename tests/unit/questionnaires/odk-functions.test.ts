/** ODK's functions beyond XPath 1.0 that real forms use: math, strings, GPS distance and area, pulldata. */
import { describe, expect, it } from 'vitest';
import { compileExpression, type Value } from '../../../questionnaires/expressions/index.js';
import { compileQuestionnaire, FormState, QuestionnaireError, type Questionnaire } from '../../../questionnaires/index.js';

const ev = (src: string, vars: Record<string, Value> = {}) => compileExpression(src).evaluate({ ref: (n) => (n in vars ? vars[n] : null) });

describe('math and strings (docs.getodk.org/form-operators-functions)', () => {
  it('computes as JavaScript Math does, angles in radians', () => {
    expect(ev('sqrt(16)')).toBe(4);
    expect(ev('round(15 div (sqrt(cos(atan(${slope} div 100)))), 2)', { slope: 30 })).toBe(Math.round((15 / Math.sqrt(Math.cos(Math.atan(0.3)))) * 100) / 100);
    expect(ev('exp10(3)')).toBe(1000);
    expect(ev('log10(1000)')).toBe(3);
    expect(ev('atan2(1, 1)')).toBe(Math.PI / 4);
    expect(ev('pi()')).toBe(Math.PI);
    const r = ev('random()') as number;
    expect(r >= 0 && r < 1).toBe(true);
  });
  it('reads text as XPath does', () => {
    expect(ev("normalize-space('  a   b ')")).toBe('a b');
    expect(ev("substring-before('2026-12-01', '-')")).toBe('2026');
    expect(ev("substring-after('2026-12-01', '-')")).toBe('12-01');
    expect(ev("translate('abc', 'abc', 'AB')")).toBe('AB');
    expect(ev("boolean-from-string('true')")).toBe(true);
    expect(ev('checklist(1, 2, ${a}, ${b}, ${c})', { a: true, b: false, c: true })).toBe(true);
    expect(ev('checklist(-1, 1, ${a}, ${b}, ${c})', { a: true, b: false, c: true })).toBe(false);
    expect(ev('count-non-empty(${xs})', { xs: ['a', '', 'b'] })).toBe(2);
  });
});

describe('distance and area of GPS points on the WGS84 ellipsoid', () => {
  it('a degree of longitude on the equator is 2 pi a / 360 (a = 6378137 m)', () => {
    expect(ev("distance('0 0 0 0; 0 1 0 0')")).toBeCloseTo((2 * Math.PI * 6378137) / 360, 6);
    expect(ev('distance(${p}, ${q})', { p: '0 0', q: '0 1' })).toBeCloseTo((2 * Math.PI * 6378137) / 360, 6);
  });
  it('a polygon has an area; fewer than three points have none', () => {
    const a = ev("area('0 0; 0 0.01; 0.01 0.01; 0.01 0; 0 0')") as number;
    // About 1113 m x 1106 m near the equator.
    expect(a).toBeGreaterThan(1.22e6);
    expect(a).toBeLessThan(1.24e6);
    expect(ev("area('0 0; 0 1')")).toBe(0);
  });
});

describe('pulldata over the attachments a questionnaire carries', () => {
  const q = (calculation: string): Questionnaire => ({
    id: 'p',
    version: '1',
    title: 'P',
    languages: { default: 'en', available: ['en'] },
    attachments: {
      'fruits.csv': {
        header: ['name', 'colour'],
        rows: [
          ['mango', 'yellow'],
          ['apple', 'red'],
          ['mango', 'green'],
        ],
      },
    },
    items: [
      { kind: 'question', name: 'fruit', type: 'text', label: 'Fruit' },
      { kind: 'calculate', name: 'colour', calculation },
    ],
  });
  it('gives the column of the first row with the key, and nothing for a key no row has', () => {
    const state = new FormState(compileQuestionnaire(q("pulldata('fruits', 'colour', 'name', ${fruit})")));
    state.setAnswer('fruit', 'mango');
    expect(state.answers().colour).toBe('yellow');
    state.setAnswer('fruit', 'kiwi');
    expect(state.answers().colour ?? '').toBe('');
  });
  it('refuses at compile time a file or a column the questionnaire does not carry', () => {
    expect(() => compileQuestionnaire(q("pulldata('vegetables', 'colour', 'name', ${fruit})"))).toThrow(/"vegetables.csv", which is not attached/);
    expect(() => compileQuestionnaire(q("pulldata('fruits', 'taste', 'name', ${fruit})"))).toThrow(QuestionnaireError);
    expect(() => compileQuestionnaire(q("pulldata('fruits', 'taste', 'name', ${fruit})"))).toThrow(/column "taste", which "fruits.csv" does not have/);
  });
  it('keeps attachments bounded: a name that is not a .csv file is refused by the schema', () => {
    const bad = { ...q("pulldata('fruits', 'colour', 'name', ${fruit})"), attachments: { '../etc/passwd': { header: ['a'], rows: [] } } };
    expect(() => compileQuestionnaire(bad)).toThrow(QuestionnaireError);
  });
});

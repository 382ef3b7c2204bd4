import { describe, expect, it } from 'vitest';
import { buildDesign, estimate, parseCsvColumns, tableFromRecords } from '../../../analysis/index.js';
import { InputError } from '../../../common/errors.js';

const table = tableFromRecords([
  { h: 'a', psu: 1, w: 2, y: 1, f: 10 },
  { h: 'a', psu: 2, w: 2, y: 2, f: 10 },
  { h: 'b', psu: 2, w: 3, y: 3, f: 10 },
  { h: 'b', psu: 3, w: 3, y: 4, f: 10 },
]);

describe('design errors name the place', () => {
  it('a PSU in two strata', () => {
    expect(() => buildDesign(table, { strata: 'h', ids: ['psu'], weights: 'w' })).toThrow(/row 3: PSU "2" .* in stratum "a" and in stratum "b"/);
  });
  it('nested ids make it legal', () => {
    const d = buildDesign(table, { strata: 'h', ids: ['psu'], weights: 'w', nest: true });
    expect(d.psuLabels).toHaveLength(4);
  });
  it('a negative weight', () => {
    const t = tableFromRecords([{ w: 1 }, { w: -2 }]);
    expect(() => buildDesign(t, { weights: 'w' })).toThrow(/row 2: the weight \(column "w"\) must be a non-negative number, got -2/);
  });
  it('a missing weight', () => {
    const t = tableFromRecords([{ w: 1 }, { w: '' }]);
    expect(() => buildDesign(t, { weights: 'w' })).toThrow(/row 2: .* got a missing value/);
  });
  it('an fpc that varies within a stratum', () => {
    const t = tableFromRecords([
      { h: 1, f: 10, w: 1 },
      { h: 1, f: 11, w: 1 },
    ]);
    expect(() => buildDesign(t, { strata: 'h', weights: 'w', fpc: ['f'] })).toThrow(/must be the same within stratum "1"/);
  });
  it('an fpc smaller than the sample', () => {
    const t = tableFromRecords([{ f: 1.5 }, { f: 1.5 }]);
    expect(() => buildDesign(t, { fpc: ['f'] })).toThrow(/has 1.5 units but 2 are in the sample/);
  });
  it('an unknown column lists the columns', () => {
    expect(() => buildDesign(table, { weights: 'weight' })).toThrow(/unknown column "weight".*h, psu, w, y, f/);
  });
  it('text in a numeric role names row and column', () => {
    const t = tableFromRecords([
      { w: 1, y: 'x' },
      { w: 1, y: 2 },
    ]);
    expect(() => estimate(buildDesign(t, { weights: 'w' }), t, { ratios: [{ numerator: 'y', denominator: 'w' }] })).toThrow(/column "y" .* row 1 has "x"/);
  });
  it('are InputErrors with a code', () => {
    // (fails when nothing is thrown, unlike a bare try/catch)
    let caught: unknown = null;
    try {
      buildDesign(table, { strata: 'h', ids: ['psu'], weights: 'w' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).code).toBe('psu-in-two-strata');
  });
});

describe('CSV reader', () => {
  const cols = new Map([
    ['a', 'number'],
    ['b', 'category'],
    ['c', 'auto'],
  ] as const);
  it('handles quotes, escaped quotes, CRLF, empty cells and a missing final newline', () => {
    const t = parseCsvColumns('a,b,c,skip\r\n1,"x, ""y""",2,z\r\n,"",,\r\n3.5,w,NA,"q\nq"', cols);
    expect(t.nRows).toBe(3);
    expect(Array.from((t.columns.get('a') as { values: Float64Array }).values)).toEqual([1, NaN, 3.5]);
    const b = t.columns.get('b') as { codes: Int32Array; levels: string[] };
    expect(Array.from(b.codes).map((c) => (c < 0 ? null : b.levels[c]))).toEqual(['x, "y"', null, 'w']);
    expect(t.columns.get('c')!.kind).toBe('number');
  });
  it('gives the same table whatever the chunking', async () => {
    const { ColumnarCsvParser } = await import('../../../analysis/index.js');
    const text = 'a,b,c\n' + Array.from({ length: 200 }, (_, i) => `${i},"l${i % 7}",${i % 3 === 0 ? 'text' : i}`).join('\r\n') + '\n';
    const bytes = new TextEncoder().encode(text);
    const whole = parseCsvColumns(bytes, cols);
    for (const size of [1, 2, 3, 7, 64]) {
      const p = new ColumnarCsvParser(cols);
      for (let i = 0; i < bytes.length; i += size) p.push(bytes.subarray(i, i + size));
      const t = p.finish();
      expect(t.nRows).toBe(whole.nRows);
      expect(t.columns.get('a')).toEqual(whole.columns.get('a'));
      expect(t.columns.get('b')).toEqual(whole.columns.get('b'));
      expect(t.columns.get('c')).toEqual(whole.columns.get('c'));
    }
  });
  it('an auto column with text becomes categorical', () => {
    const t = parseCsvColumns('c\n1\nx\n2\n', new Map([['c', 'auto']]));
    const c = t.columns.get('c') as { kind: string; levels: string[] };
    expect(c.kind).toBe('category');
    expect(c.levels).toEqual(['1', 'x', '2']);
  });
  it.each([
    ['a,b\n1,2,3\n', /row 1 has 3 fields but the header has 2/],
    ['a,b\n"1,2\n', /quoted field is not closed/],
    ['a,b\n1,x\n', null],
    ['a,a\n1,2\n', /names column "a" twice/],
    ['', /empty/],
  ])('rejects %j', (text, message) => {
    const c = new Map([['a', 'number']] as const);
    if (message === null) expect(parseCsvColumns(text, c).nRows).toBe(1);
    else expect(() => parseCsvColumns(text, c)).toThrow(message);
  });
  it('text in a numeric column names row and column', () => {
    expect(() => parseCsvColumns('a\n1\n2\nabc\n', new Map([['a', 'number']]))).toThrow(/row 3, column "a": "abc" is not a number/);
  });
});

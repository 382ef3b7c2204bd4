/**
 * The columnar CSV reader against csv-parse (property test): any table of texts and numbers, written
 * with quotes where R, Stata, Excel or pandas put them (always, or only where needed), with doubled
 * quotes, commas and line breaks inside quoted fields, CRLF or LF, read in chunks cut anywhere, gives
 * the same categories and numbers as csv-parse reading the whole text.
 */
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ColumnarCsvParser, type ColumnRole } from '../../../analysis/index.js';

const text = fc.oneof(
  fc.constantFrom('North', 'South', 'Coast', 'a "quoted" word', 'x,y', 'line\nbreak', 'é ü ß', ''),
  fc.string({ minLength: 0, maxLength: 8 }),
);
const number = fc.oneof(fc.integer({ min: -1000, max: 1000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }));

function field(v: string, always: boolean): string {
  return always || /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

describe('columnar CSV reader', () => {
  it('reads what csv-parse reads, whatever the quoting, line ends and chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(text, number, text), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.boolean(),
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
        (rows, alwaysQuote, crlf, cuts) => {
          const eol = crlf ? '\r\n' : '\n';
          const lines = ['"name","value","other"', ...rows.map(([a, x, b]) => [field(a, alwaysQuote), String(x), field(b, alwaysQuote)].join(','))];
          const csv = lines.join(eol) + eol;
          const expected = parse(csv, { columns: true, bom: true }) as Record<string, string>[];
          const roles = new Map<string, ColumnRole>([
            ['name', 'category'],
            ['value', 'number'],
            ['other', 'category'],
          ]);
          const parser = new ColumnarCsvParser(roles, 4);
          const bytes = new TextEncoder().encode(csv);
          let at = 0;
          for (const c of cuts) {
            if (at >= bytes.length) break;
            parser.push(bytes.slice(at, at + c));
            at += c;
          }
          if (at < bytes.length) parser.push(bytes.slice(at));
          const table = parser.finish();
          expect(table.nRows).toBe(expected.length);
          for (const name of ['name', 'other']) {
            const col = table.columns.get(name)!;
            if (col.kind !== 'category') throw new Error('category expected');
            expect(Array.from(col.codes, (k) => (k < 0 ? '' : col.levels[k]))).toEqual(expected.map((r) => r[name]));
          }
          const value = table.columns.get('value')!;
          if (value.kind !== 'number') throw new Error('number expected');
          expect(Array.from(value.values)).toEqual(expected.map((r) => Number(r.value)));
        },
      ),
      { numRuns: 300 },
    );
  });
});

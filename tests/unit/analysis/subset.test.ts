// Subsets evaluated column by column (analysis/subset.ts) give the expression evaluator's answer, row
// by row, on random tables and expressions: comparisons of numbers and of texts, and, or, not(),
// missing values (which send the column-wise path back to the evaluator), unknown columns.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { categoricalFrom, evaluateSubset, evaluateSubsetByRow, type Column, type DataTable } from '../../../analysis/index.js';

const comparison = fc
  .tuple(
    fc.constantFrom('${x}', '${y}', '${g}', '${nope}', '3', '"b"'),
    fc.constantFrom('=', '!=', '<', '<=', '>', '>='),
    fc.constantFrom('0', '2', '-1', '2.5', '"a"', '"b"', '"2"', '${x}'),
  )
  .map(([a, op, b]) => `${a} ${op} ${b}`);
const expression: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    comparison,
    fc.tuple(tie('e'), fc.constantFrom('and', 'or'), tie('e')).map(([a, op, b]) => `(${a}) ${op} (${b})`),
    tie('e').map((a) => `not(${a})`),
  ),
})).e as fc.Arbitrary<string>;

describe('subsets column by column', () => {
  it('equal the evaluator row by row, or report the same error', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: -2, max: 4 }), fc.option(fc.double({ min: -3, max: 3, noNaN: true })), fc.option(fc.constantFrom('a', 'b', '2'))), {
          minLength: 1,
          maxLength: 30,
        }),
        expression,
        (rows, expr) => {
          const table: DataTable = {
            nRows: rows.length,
            columns: new Map<string, Column>([
              ['x', { kind: 'number', name: 'x', values: Float64Array.from(rows, (r) => r[0]) }],
              ['y', { kind: 'number', name: 'y', values: Float64Array.from(rows, (r) => r[1] ?? NaN) }],
              [
                'g',
                categoricalFrom(
                  'g',
                  rows.map((r) => r[2]),
                ),
              ],
            ]),
          };
          let expected: Uint8Array | Error;
          try {
            expected = evaluateSubsetByRow(table, expr);
          } catch (err) {
            expected = err as Error;
          }
          if (expected instanceof Error) expect(() => evaluateSubset(table, expr)).toThrow(expected.message);
          else expect([...evaluateSubset(table, expr)], expr).toEqual([...expected]);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

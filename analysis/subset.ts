import { compileExpression, type CompiledExpression, type Scalar, type Value } from '../questionnaires/expressions/index.js';
import { InputError } from '../common/errors.js';
import { categoricalFrom, getColumn, isNumericText, type Column, type DataTable } from './table.js';

/** The columns an expression reads, to load them from a file before evaluating. */
export function subsetColumns(expression: string): string[] {
  return [...compileExpression(expression, '--subset').refs];
}

/** Compiles an expression bound to a table's columns; `at(row)` positions it on a row. */
function bindExpression(
  table: DataTable,
  expression: string,
  where: string,
): { compiled: CompiledExpression; ctx: { ref(name: string): Scalar }; at(row: number): void } {
  const refs = compileExpression(expression, where).refs;
  let row = 0;
  const getters = new Map<string, () => Scalar>();
  for (const name of refs) {
    const col = getColumn(table, name, where);
    if (col.kind === 'number') {
      const v = col.values;
      getters.set(name, () => {
        const x = v[row];
        return x === x ? x : null; // NaN is a missing value
      });
    } else {
      const { codes, levels } = col;
      getters.set(name, () => (codes[row] < 0 ? null : levels[codes[row]]));
    }
  }
  const compiled = compileExpression(expression, where, { bindRef: (name) => getters.get(name) });
  const ctx = {
    ref: (name: string): Scalar => {
      throw new InputError('unknown-column', `${where} refers to unknown column "${name}"`, name);
    },
  };
  return { compiled, ctx, at: (r) => (row = r) };
}

/**
 * Evaluates a questionnaire-language expression (`${age} >= 6 and ${age} <= 17`) on every row and
 * returns the 0/1 mask of rows where it is true. Unknown columns are InputErrors.
 */
export function evaluateSubset(table: DataTable, expression: string, where = '--subset'): Uint8Array {
  const { compiled, ctx, at } = bindExpression(table, expression, where);
  const mask = new Uint8Array(table.nRows);
  for (let row = 0; row < table.nRows; row++) {
    at(row);
    mask[row] = compiled.evaluateBoolean(ctx) ? 1 : 0;
  }
  return mask;
}

/**
 * Evaluates an expression on every row into a new column: numbers (true/false as 1/0, empty as missing)
 * when every value is one, else categories. A derived variable of the indicator catalogue.
 */
export function evaluateColumn(table: DataTable, expression: string, name: string, where = name): Column {
  const { compiled, ctx, at } = bindExpression(table, expression, where);
  const raw: Value[] = new Array(table.nRows);
  let numeric = true;
  for (let row = 0; row < table.nRows; row++) {
    at(row);
    const v = compiled.evaluate(ctx);
    raw[row] = v;
    if (typeof v === 'string' && v !== '' && !isNumericText(v)) numeric = false;
    if (Array.isArray(v))
      throw new InputError(
        'not-a-value',
        `${where}: the expression gives a list of values at row ${row + 1}; wrap it in sum(), count() or join()`,
        `${where}, row ${row + 1}`,
      );
  }
  if (numeric) {
    const values = new Float64Array(table.nRows);
    for (let i = 0; i < raw.length; i++) {
      const v = raw[i];
      values[i] = v === null || v === '' ? NaN : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
    }
    return { kind: 'number', name, values };
  }
  return categoricalFrom(
    name,
    raw.map((v) => (v === null || v === '' ? null : String(v))),
  );
}

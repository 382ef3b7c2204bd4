import { compileExpression, type Scalar } from '../questionnaires/expressions/index.js';
import { InputError } from '../common/errors.js';
import { getColumn, type DataTable } from './table.js';

/** The columns an expression reads, to load them from a file before evaluating. */
export function subsetColumns(expression: string): string[] {
  return [...compileExpression(expression, '--subset').refs];
}

/**
 * Evaluates a questionnaire-language expression (`${age} >= 6 and ${age} <= 17`) on every row and
 * returns the 0/1 mask of rows where it is true. Unknown columns are InputErrors.
 */
export function evaluateSubset(table: DataTable, expression: string): Uint8Array {
  const refs = compileExpression(expression, '--subset').refs;
  let row = 0;
  const getters = new Map<string, () => Scalar>();
  for (const name of refs) {
    const col = getColumn(table, name, '--subset');
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
  const compiled = compileExpression(expression, '--subset', { bindRef: (name) => getters.get(name) });
  const ctx = {
    ref: (name: string): Scalar => {
      throw new InputError('unknown-column', `--subset refers to unknown column "${name}"`, name);
    },
  };
  const mask = new Uint8Array(table.nRows);
  for (row = 0; row < table.nRows; row++) mask[row] = compiled.evaluateBoolean(ctx) ? 1 : 0;
  return mask;
}

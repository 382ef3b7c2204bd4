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
  const compiled = compileExpression(expression, '--subset');
  const accessors = new Map<string, (i: number) => Scalar>();
  for (const name of compiled.refs) {
    const col = getColumn(table, name, '--subset');
    if (col.kind === 'number') {
      const v = col.values;
      accessors.set(name, (i) => (Number.isNaN(v[i]) ? null : v[i]));
    } else {
      const { codes, levels } = col;
      accessors.set(name, (i) => (codes[i] < 0 ? null : levels[codes[i]]));
    }
  }
  let row = 0;
  const ctx = {
    ref: (name: string): Scalar => {
      const get = accessors.get(name);
      if (!get) throw new InputError('unknown-column', `--subset refers to unknown column "${name}"`, name);
      return get(row);
    },
  };
  const mask = new Uint8Array(table.nRows);
  for (row = 0; row < table.nRows; row++) mask[row] = compiled.evaluateBoolean(ctx) ? 1 : 0;
  return mask;
}

import { compileExpression, parseExpression, type CompiledExpression, type Expr, type Scalar, type Value } from '../questionnaires/expressions/index.js';
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
  return maskOf(parseOrNull(expression), table) ?? evaluateSubsetByRow(table, expression, where);
}

/** evaluateSubset through the expression evaluator, row by row (what the column-wise path must equal). */
export function evaluateSubsetByRow(table: DataTable, expression: string, where = '--subset'): Uint8Array {
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

function parseOrNull(expression: string): Expr | null {
  try {
    return parseExpression(expression);
  } catch {
    return null; // the evaluator reports it, with its place
  }
}

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>=']);

/**
 * The common subsets (comparisons of a column with a number, or of a categorical column with a text by
 * = and !=, joined by and, or, not()) evaluated column by column, without a call per row: the same
 * answer as the evaluator where no value the comparison reads is missing, and null (use the evaluator)
 * for anything else, missing values included.
 */
function maskOf(e: Expr | null, table: DataTable): Uint8Array | null {
  if (!e) return null;
  const n = table.nRows;
  if (e.kind === 'binary' && (e.op === 'and' || e.op === 'or')) {
    const a = maskOf(e.left, table);
    const b = a && maskOf(e.right, table);
    if (!a || !b) return null;
    for (let i = 0; i < n; i++) a[i] = e.op === 'and' ? a[i] & b[i] : a[i] | b[i];
    return a;
  }
  if (e.kind === 'call' && e.name === 'not' && e.args.length === 1) {
    const a = maskOf(e.args[0], table);
    if (a) for (let i = 0; i < n; i++) a[i] ^= 1;
    return a;
  }
  if (e.kind !== 'binary' || !COMPARISONS.has(e.op)) return null;
  let op = e.op;
  let ref = e.left;
  let lit = e.right;
  if (ref.kind !== 'ref') {
    [ref, lit] = [lit, ref];
    op = op === '<' ? '>' : op === '<=' ? '>=' : op === '>' ? '<' : op === '>=' ? '<=' : op;
  }
  if (ref.kind !== 'ref') return null;
  const col = table.columns.get(ref.name);
  if (!col) return null;
  const out = new Uint8Array(n);
  const value = lit.kind === 'number' ? lit.value : lit.kind === 'unary' && lit.operand.kind === 'number' ? -lit.operand.value : null;
  if (col.kind === 'number' && value !== null) {
    const v = col.values;
    for (let i = 0; i < n; i++) if (v[i] !== v[i]) return null;
    switch (op) {
      case '=':
        for (let i = 0; i < n; i++) out[i] = v[i] === value ? 1 : 0;
        break;
      case '!=':
        for (let i = 0; i < n; i++) out[i] = v[i] !== value ? 1 : 0;
        break;
      case '<':
        for (let i = 0; i < n; i++) out[i] = v[i] < value ? 1 : 0;
        break;
      case '<=':
        for (let i = 0; i < n; i++) out[i] = v[i] <= value ? 1 : 0;
        break;
      case '>':
        for (let i = 0; i < n; i++) out[i] = v[i] > value ? 1 : 0;
        break;
      default:
        for (let i = 0; i < n; i++) out[i] = v[i] >= value ? 1 : 0;
    }
    return out;
  }
  if (col.kind === 'category' && lit.kind === 'string' && (op === '=' || op === '!=')) {
    const codes = col.codes;
    const level = col.levels.indexOf(lit.value);
    const want = op === '=' ? 1 : 0;
    for (let i = 0; i < n; i++) {
      if (codes[i] < 0) return null;
      out[i] = codes[i] === level ? want : 1 - want;
    }
    return out;
  }
  return null;
}

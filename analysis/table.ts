import { InputError } from '../common/errors.js';

/** A numeric column; NaN marks a missing value. */
export interface NumericColumn {
  kind: 'number';
  name: string;
  values: Float64Array;
}

/** A categorical column, dictionary-encoded; code -1 marks a missing value. */
export interface CategoricalColumn {
  kind: 'category';
  name: string;
  codes: Int32Array;
  levels: string[];
}

export type Column = NumericColumn | CategoricalColumn;

/** A data table held by columns, the input of every design and estimator. */
export interface DataTable {
  readonly nRows: number;
  readonly columns: ReadonlyMap<string, Column>;
}

/** Builds a table from row objects (tests, small files, the server): numbers stay numeric, anything else is categorical. */
export function tableFromRecords(records: readonly Record<string, unknown>[], columnNames?: readonly string[]): DataTable {
  const names = columnNames ?? [...new Set(records.flatMap((r) => Object.keys(r)))];
  const columns = new Map<string, Column>();
  for (const name of names) {
    const raw = records.map((r) => r[name]);
    const numeric = raw.every((v) => v === null || v === undefined || v === '' || typeof v === 'number' || (typeof v === 'string' && isNumericText(v)));
    if (numeric) {
      const values = new Float64Array(raw.length);
      raw.forEach((v, i) => (values[i] = v === null || v === undefined || v === '' ? NaN : Number(v)));
      columns.set(name, { kind: 'number', name, values });
    } else {
      columns.set(
        name,
        categoricalFrom(
          name,
          raw.map((v) => (v === null || v === undefined || v === '' ? null : String(v))),
        ),
      );
    }
  }
  return { nRows: records.length, columns };
}

/** Dictionary-encodes a list of strings (null = missing). */
export function categoricalFrom(name: string, values: readonly (string | null)[]): CategoricalColumn {
  const index = new Map<string, number>();
  const levels: string[] = [];
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    if (v === null) {
      codes[i] = -1;
      return;
    }
    let c = index.get(v);
    if (c === undefined) {
      c = levels.length;
      levels.push(v);
      index.set(v, c);
    }
    codes[i] = c;
  });
  return { kind: 'category', name, codes, levels };
}

const NUMERIC_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
/** True when a text is a plain decimal number (as in a CSV cell). */
export function isNumericText(s: string): boolean {
  return NUMERIC_TEXT.test(s);
}

/** The named column, or an InputError listing the columns there are. */
export function getColumn(table: DataTable, name: string, role?: string): Column {
  const c = table.columns.get(name);
  if (!c) {
    const known = [...table.columns.keys()];
    throw new InputError(
      'unknown-column',
      `unknown column "${name}"${role ? ` (${role})` : ''}; the data has ${known.length > 20 ? `${known.slice(0, 20).join(', ')}, ...` : known.join(', ')}`,
      name,
    );
  }
  return c;
}

/** The named column as numbers; a categorical column whose levels are all numeric converts, otherwise an InputError naming the first bad row. */
export function numericColumn(table: DataTable, name: string, role: string): Float64Array {
  const c = getColumn(table, name, role);
  if (c.kind === 'number') return c.values;
  const levelValues = c.levels.map((l) => (isNumericText(l) ? Number(l) : NaN));
  const out = new Float64Array(table.nRows);
  for (let i = 0; i < out.length; i++) {
    const code = c.codes[i];
    if (code < 0) {
      out[i] = NaN;
      continue;
    }
    const v = levelValues[code];
    if (Number.isNaN(v)) {
      throw new InputError(
        'not-numeric',
        `column "${name}" (${role}) must be numeric, but row ${i + 1} has "${c.levels[code]}"`,
        `row ${i + 1}, column ${name}`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** The named column as categories (numbers become their text), for strata, clusters and domains. */
export function categoricalColumn(table: DataTable, name: string, role: string): CategoricalColumn {
  const c = getColumn(table, name, role);
  if (c.kind === 'category') return c;
  return categoricalFrom(
    name,
    Array.from(c.values, (v) => (Number.isNaN(v) ? null : String(v))),
  );
}

/** Sort order of levels: numerically when every level is a number, otherwise as text. */
export function sortedLevelOrder(levels: readonly string[]): number[] {
  const order = levels.map((_, i) => i);
  const allNumeric = levels.every(isNumericText);
  // Groups of a number ("5-9", "10-14", "80+", "before 2000", "2020+") in the order of the numbers, not of the text.
  const keys = allNumeric ? null : levels.map(rangeKey);
  const ranges = keys !== null && keys.every((k) => k !== null);
  order.sort((a, b) =>
    allNumeric ? Number(levels[a]) - Number(levels[b]) : ranges ? keys![a]! - keys![b]! : levels[a] < levels[b] ? -1 : levels[a] > levels[b] ? 1 : 0,
  );
  return order;
}

/** The place of a range label among numbers: "10-14" at 10, "80+" at 80, "before 2000" / "<2000" just before 2000; else null. */
function rangeKey(label: string): number | null {
  let m = /^(\d+(?:\.\d+)?)\s*(?:-\s*\d+(?:\.\d+)?|\+)$/.exec(label);
  if (m) return Number(m[1]);
  m = /^(?:before |<\s*)(\d+(?:\.\d+)?)$/.exec(label);
  if (m) return Number(m[1]) - 0.5;
  return null;
}

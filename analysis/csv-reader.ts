import { InputError } from '../common/errors.js';
import { isNumericText, type Column, type DataTable } from './table.js';

/** How a column is read: as numbers, as categories, or numbers if every value is one (`auto`). */
export type ColumnRole = 'number' | 'category' | 'auto';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

class NumberBuilder {
  values = new Float64Array(1 << 14);
  length = 0;
  push(v: number): void {
    if (this.length === this.values.length) {
      const next = new Float64Array(this.values.length * 2);
      next.set(this.values);
      this.values = next;
    }
    this.values[this.length++] = v;
  }
}

/** Numbers until the first non-numeric text, then categories (numbers seen so far become their text). */
class AutoBuilder {
  numbers: NumberBuilder | null = new NumberBuilder();
  categories: CategoryBuilder | null = null;
}

class CategoryBuilder {
  codes = new Int32Array(1 << 14);
  length = 0;
  readonly index = new Map<string, number>();
  readonly levels: string[] = [];
  push(text: string | null): void {
    if (this.length === this.codes.length) {
      const next = new Int32Array(this.codes.length * 2);
      next.set(this.codes);
      this.codes = next;
    }
    let code = -1;
    if (text !== null) {
      const c = this.index.get(text);
      if (c === undefined) {
        code = this.levels.length;
        this.levels.push(text);
        this.index.set(text, code);
      } else code = c;
    }
    this.codes[this.length++] = code;
  }
}

const decoder = new TextDecoder('utf-8');

/** Text of bytes [s, e): ASCII by a fast path, anything else through UTF-8 decoding. */
function textOf(buf: Uint8Array, s: number, e: number): string {
  let ascii = true;
  for (let i = s; i < e; i++) {
    if (buf[i] >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii && e - s < 64) return String.fromCharCode.apply(null, buf.subarray(s, e) as unknown as number[]);
  return decoder.decode(buf.subarray(s, e));
}

/**
 * A CSV parser over byte chunks that keeps only the requested columns, typed as it reads: numbers
 * into Float64Arrays, categories dictionary-encoded. Header row required; "" escapes inside quotes;
 * LF or CRLF; an empty cell is missing. Bad input is an InputError naming the row and column.
 */
export class ColumnarCsvParser {
  private readonly wanted: Map<string, ColumnRole>;
  private header: string[] | null = null;
  private slots: (NumberBuilder | CategoryBuilder | AutoBuilder | null)[] = [];
  private roles: (ColumnRole | null)[] = [];
  private carry: Uint8Array | null = null;
  private rows = 0;
  private bytes = 0;

  /** `columns`: name -> role of each column to keep. */
  constructor(columns: ReadonlyMap<string, ColumnRole>) {
    this.wanted = new Map(columns);
  }

  /** Bytes consumed so far (for progress). */
  get bytesRead(): number {
    return this.bytes;
  }

  /** Parses the complete rows in this chunk; an incomplete last row waits for the next chunk. */
  push(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    let buf = chunk;
    if (this.carry) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
      this.carry = null;
    }
    const consumed = this.parse(buf, false);
    if (consumed < buf.length) this.carry = buf.slice(consumed);
  }

  /** Parses what is left and returns the table. */
  finish(): DataTable {
    if (this.carry) {
      const buf = this.carry;
      this.carry = null;
      this.parse(buf, true);
    }
    if (!this.header) throw new InputError('csv-empty', 'the CSV file is empty: it needs a header row');
    const columns = new Map<string, Column>();
    this.header.forEach((name, j) => {
      const slot = this.slots[j];
      if (!slot) return;
      const built = slot instanceof AutoBuilder ? (slot.numbers ?? slot.categories!) : slot;
      if (built instanceof NumberBuilder) {
        columns.set(name, { kind: 'number', name, values: built.values.slice(0, built.length) });
        return;
      }
      columns.set(name, { kind: 'category', name, codes: built.codes.slice(0, built.length), levels: built.levels });
    });
    return { nRows: this.rows, columns };
  }

  private setHeader(fields: string[]): void {
    const seen = new Set<string>();
    for (const f of fields) {
      if (seen.has(f)) throw new InputError('csv-duplicate-column', `the CSV header names column "${f}" twice`, `column ${f}`);
      seen.add(f);
    }
    for (const name of this.wanted.keys()) {
      if (!seen.has(name)) {
        const shown = fields.length > 25 ? `${fields.slice(0, 25).join(', ')}, ...` : fields.join(', ');
        throw new InputError('unknown-column', `unknown column "${name}"; the file has ${shown}`, name);
      }
    }
    this.header = fields;
    this.roles = fields.map((f) => this.wanted.get(f) ?? null);
    this.slots = this.roles.map((r) => (r === null ? null : r === 'number' ? new NumberBuilder() : r === 'auto' ? new AutoBuilder() : new CategoryBuilder()));
  }

  /** Parses whole rows from buf; returns the offset after the last complete row. */
  private parse(buf: Uint8Array, final: boolean): number {
    const n = buf.length;
    let pos = 0;
    let headerFields: string[] | null = this.header ? null : [];
    while (pos < n) {
      if (buf[pos] === LF || buf[pos] === CR) {
        pos++; // blank line (or the LF of a CRLF split across chunks)
        continue;
      }
      const rowStart = pos;
      let field = 0;
      let complete = false;
      // Values of this row are written only once the row is known to be complete.
      const pending: { j: number; s: number; e: number; quoted: boolean }[] = [];
      for (;;) {
        let s = pos;
        let e: number;
        let quoted = false;
        if (buf[pos] === QUOTE) {
          quoted = true;
          pos++;
          s = pos;
          for (;;) {
            if (pos >= n) break;
            if (buf[pos] === QUOTE) {
              if (buf[pos + 1] === QUOTE) {
                pos += 2;
                continue;
              }
              break;
            }
            pos++;
          }
          if (pos >= n) {
            if (!final) return rowStart;
            throw new InputError('csv-syntax', `row ${this.rows + 1}: a quoted field is not closed before the end of the file`, `row ${this.rows + 1}`);
          }
          e = pos;
          pos++; // closing quote
          if (pos < n && buf[pos] !== COMMA && buf[pos] !== LF && buf[pos] !== CR) {
            throw new InputError('csv-syntax', `row ${this.rows + 1}: unexpected character after a closing quote`, `row ${this.rows + 1}`);
          }
        } else {
          while (pos < n && buf[pos] !== COMMA && buf[pos] !== LF && buf[pos] !== CR) pos++;
          e = pos;
        }
        if (headerFields) headerFields.push(quoted ? textOf(buf, s, e).replace(/""/g, '"') : textOf(buf, s, e));
        else if (field < this.slots.length && this.slots[field]) pending.push({ j: field, s, e, quoted });
        field++;
        if (pos >= n) {
          if (!final) return rowStart;
          complete = true;
          break;
        }
        if (buf[pos] === COMMA) {
          pos++;
          continue;
        }
        // end of line
        if (buf[pos] === CR) pos++;
        if (pos < n && buf[pos] === LF) pos++;
        complete = true;
        break;
      }
      if (!complete) return rowStart;
      if (headerFields) {
        this.setHeader(headerFields.map((h) => h.trim()));
        headerFields = null;
        continue;
      }
      if (field !== this.header!.length) {
        throw new InputError('csv-field-count', `row ${this.rows + 1} has ${field} fields but the header has ${this.header!.length}`, `row ${this.rows + 1}`);
      }
      for (const p of pending) this.store(buf, p.j, p.s, p.e, p.quoted);
      this.rows++;
    }
    return pos;
  }

  private store(buf: Uint8Array, j: number, s: number, e: number, quoted: boolean): void {
    let slot = this.slots[j]!;
    if (slot instanceof NumberBuilder) {
      slot.push(this.parseNumber(buf, s, e, j, quoted));
      return;
    }
    if (slot instanceof AutoBuilder) {
      if (slot.numbers) {
        const v = this.parseNumber(buf, s, e, j, quoted, true);
        if (v !== null) {
          slot.numbers.push(v);
          return;
        }
        const cats = new CategoryBuilder();
        const nums = slot.numbers;
        for (let i = 0; i < nums.length; i++) cats.push(Number.isNaN(nums.values[i]) ? null : String(nums.values[i]));
        slot.categories = cats;
        slot.numbers = null;
      }
      slot = slot.categories!;
    }
    if (s === e) {
      slot.push(null);
      return;
    }
    let text = textOf(buf, s, e);
    if (quoted) text = text.replace(/""/g, '"');
    slot.push(text);
  }

  private parseNumber(buf: Uint8Array, s: number, e: number, j: number, quoted: boolean): number;
  private parseNumber(buf: Uint8Array, s: number, e: number, j: number, quoted: boolean, lenient: true): number | null;
  private parseNumber(buf: Uint8Array, s: number, e: number, j: number, quoted: boolean, lenient = false): number | null {
    while (s < e && buf[s] === 0x20) s++;
    while (e > s && buf[e - 1] === 0x20) e--;
    if (s === e) return NaN;
    // Fast exact path for plain integers (all the ids, counts and codes of a survey file).
    let i = s;
    let neg = false;
    if (buf[i] === 0x2d) {
      neg = true;
      i++;
    }
    if (e - i > 0 && e - i <= 15) {
      let v = 0;
      let k = i;
      for (; k < e; k++) {
        const d = buf[k] - 0x30;
        if (d < 0 || d > 9) break;
        v = v * 10 + d;
      }
      if (k === e) return neg ? -v : v;
    }
    const text = textOf(buf, s, e);
    if (isNumericText(text)) return Number(text);
    if (text === 'NA' || text === 'NaN' || text === '.') return NaN; // R and Stata missing markers
    if (lenient) return null;
    const name = this.header![j];
    throw new InputError(
      'not-numeric',
      `row ${this.rows + 1}, column "${name}": "${quoted ? text.replace(/""/g, '"') : text}" is not a number`,
      `row ${this.rows + 1}, column ${name}`,
    );
  }
}

/** Parses a whole CSV text or byte array at once (tests, uploads). */
export function parseCsvColumns(input: string | Uint8Array, columns: ReadonlyMap<string, ColumnRole>): DataTable {
  const parser = new ColumnarCsvParser(columns);
  parser.push(typeof input === 'string' ? new TextEncoder().encode(input) : input);
  return parser.finish();
}

/** The header of a CSV text (its first line), for commands that need every column. */
export function csvHeader(firstChunk: Uint8Array): string[] {
  const text = decoder.decode(firstChunk.subarray(0, Math.min(firstChunk.length, 1 << 20)));
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur.trim());
      cur = '';
    } else cur += c;
  }
  out.push(cur.trim());
  return out;
}

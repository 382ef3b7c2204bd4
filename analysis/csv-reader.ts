import { InputError } from '../common/errors.js';
import { isNumericText, type Column, type DataTable } from './table.js';

/** How a column is read: as numbers, as categories, or numbers if every value is one (`auto`). */
export type ColumnRole = 'number' | 'category' | 'auto';

/** Widest file accepted (columns). */
const MAX_COLUMNS = 20_000;
const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/** Initial capacity of a column (rows) without a row hint; each parser passes its own (no shared state between parsers). */
const DEFAULT_CAPACITY = 1 << 14;
/** Distinct recent values of a category column recognised by their bytes. */
const CACHE = 4;

class NumberBuilder {
  values: Float64Array;
  constructor(capacity = DEFAULT_CAPACITY) {
    this.values = new Float64Array(capacity);
  }
  length = 0;
  push(v: number): void {
    if (this.length === this.values.length) this.grow();
    this.values[this.length++] = v;
  }
  grow(): void {
    const next = new Float64Array(this.values.length * 2);
    next.set(this.values);
    this.values = next;
  }
}

/** Numbers until the first non-numeric text, then categories (numbers seen so far become their text). */
class AutoBuilder {
  numbers: NumberBuilder | null;
  categories: CategoryBuilder | null = null;
  /** Rows of it were handed out by drain() (as numbers, while numbers is set). */
  drained = false;
  constructor(readonly capacity = DEFAULT_CAPACITY) {
    this.numbers = new NumberBuilder(capacity);
  }
}

class CategoryBuilder {
  codes: Int32Array;
  constructor(capacity = DEFAULT_CAPACITY) {
    this.codes = new Int32Array(capacity);
  }
  length = 0;
  readonly index = new Map<string, number>();
  readonly levels: string[] = [];
  /**
   * Bytes and codes of the last CACHE distinct values stored (64 bytes each), to skip decoding a value
   * seen just before: a PSU repeats row after row, a migrant status or sex alternates between two.
   */
  readonly cacheBytes = new Uint8Array(64 * CACHE);
  readonly cacheLength = new Int32Array(CACHE).fill(-1);
  readonly cacheCode = new Int32Array(CACHE);
  cacheNext = 0;
  pushCode(code: number): void {
    if (this.length === this.codes.length) this.grow();
    this.codes[this.length++] = code;
  }
  private grow(): void {
    const next = new Int32Array(this.codes.length * 2);
    next.set(this.codes);
    this.codes = next;
  }
  push(text: string | null): void {
    if (this.length === this.codes.length) this.grow();
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
  /** Per column: 0 skipped, 1 number, 2 category, 3 auto (kept beside slots so the hot loop need not test classes). */
  private kinds = new Uint8Array(0);
  /** Indices of the kept columns. */
  private wantedIndex = new Int32Array(0);
  /** Bounds of the fields of the row being read (sized for the widest header allowed). */
  private readonly starts = new Int32Array(MAX_COLUMNS);
  private readonly ends = new Int32Array(MAX_COLUMNS);
  private readonly quotedFlags = new Uint8Array(MAX_COLUMNS);
  /** A number column's field read while its bounds were found (fastOk 1), when it is a plain decimal. */
  private readonly fastValues = new Float64Array(MAX_COLUMNS);
  private readonly fastOk = new Uint8Array(MAX_COLUMNS);
  private roles: (ColumnRole | null)[] = [];
  private carry: Uint8Array | null = null;
  private work = new Uint8Array(0);
  private rows = 0;
  private bytes = 0;

  private readonly capacity: number;

  /** Rows handed out by drain() so far. */
  private drained = 0;
  /** `auto` columns that turned into categories after rows of them had been drained as numbers. */
  readonly unstable = new Set<string>();

  /**
   * `columns`: name -> role of each column to keep; `expectedRows` sizes the columns once (e.g. from the
   * file size); `header`: the column names when the bytes pushed start after the header (a part of a file).
   */
  constructor(columns: ReadonlyMap<string, ColumnRole>, expectedRows = 1 << 14, header?: readonly string[]) {
    this.wanted = new Map(columns);
    this.capacity = Math.max(16, Math.min(Math.ceil(expectedRows), 1 << 27));
    if (header) this.setHeader([...header]);
  }

  /** Rows parsed so far (drained ones included). */
  get rowCount(): number {
    return this.rows;
  }

  /**
   * The rows parsed since the last drain, as a table whose columns are views valid until the next push;
   * the columns then start empty again, keeping their category dictionaries (codes stay comparable
   * from one drain to the next). For reading a file piece by piece in bounded memory.
   */
  drain(): DataTable {
    if (!this.header) return { nRows: 0, columns: new Map() };
    const n = this.rows - this.drained;
    const columns = new Map<string, Column>();
    this.header.forEach((name, j) => {
      const slot = this.slots[j];
      if (!slot) return;
      const built = slot instanceof AutoBuilder ? (slot.numbers ?? slot.categories!) : slot;
      if (built instanceof NumberBuilder) columns.set(name, { kind: 'number', name, values: built.values.subarray(0, built.length) });
      else columns.set(name, { kind: 'category', name, codes: built.codes.subarray(0, built.length), levels: built.levels });
      built.length = 0;
      if (slot instanceof AutoBuilder) slot.drained = true;
    });
    this.drained = this.rows;
    return { nRows: n, columns };
  }

  /** Bytes consumed so far (for progress). */
  get bytesRead(): number {
    return this.bytes;
  }

  /** Parses the complete rows in this chunk; an incomplete last row waits for the next chunk. */
  push(chunk: Uint8Array): void {
    // Excel's "CSV UTF-8" starts with a byte order mark: not part of the first column's name.
    if (this.bytes === 0 && !this.header && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      this.bytes += 3;
      chunk = chunk.subarray(3);
    }
    this.bytes += chunk.length;
    // Always a plain Uint8Array: a mix of Buffer and Uint8Array makes element access polymorphic (3x slower).
    let buf = Object.getPrototypeOf(chunk) === Uint8Array.prototype ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.carry) {
      // The incomplete row left by the last chunk, then this chunk, in a buffer kept from one push to the
      // next (a new megabyte per chunk was most of the reader's garbage collection).
      const size = this.carry.length + chunk.length;
      if (this.work.length < size) this.work = new Uint8Array(Math.max(size, this.work.length * 2));
      buf = this.work.subarray(0, size);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
      this.carry = null;
    }
    const consumed = this.parse(buf, false);
    if (consumed < buf.length) this.carry = buf.slice(consumed);
  }

  /** Parses what is left and returns the table. */
  finish(): DataTable {
    this.end();
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

  /** What each `auto` column has turned out to be so far. */
  autoKinds(): Record<string, 'number' | 'category'> {
    const out: Record<string, 'number' | 'category'> = {};
    this.header?.forEach((name, j) => {
      const slot = this.slots[j];
      if (slot instanceof AutoBuilder) out[name] = slot.numbers ? 'number' : 'category';
    });
    return out;
  }

  /** Parses the incomplete last row left by push() (the input has ended); then drain() takes the last rows. */
  end(): void {
    if (this.carry) {
      const buf = this.carry;
      this.carry = null;
      this.parse(buf, true);
    }
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
    const c = this.capacity;
    this.slots = this.roles.map((r) =>
      r === null ? null : r === 'number' ? new NumberBuilder(c) : r === 'auto' ? new AutoBuilder(c) : new CategoryBuilder(c),
    );
    this.kinds = Uint8Array.from(this.roles, (r) => (r === null ? 0 : r === 'number' ? 1 : r === 'category' ? 2 : 3));
    this.wantedIndex = Int32Array.from(this.roles.flatMap((r, j) => (r === null ? [] : [j])));
  }

  /** Parses whole rows from buf; returns the offset after the last complete row. */
  private parse(buf: Uint8Array, final: boolean): number {
    const n = buf.length;
    const starts = this.starts;
    const ends = this.ends;
    const quotedFlags = this.quotedFlags;
    const fastOk = this.fastOk;
    const fastValues = this.fastValues;
    let kinds = this.header ? this.kinds : EMPTY_KINDS;
    const maxFields = starts.length;
    let pos = 0;
    while (pos < n) {
      const c0 = buf[pos];
      if (c0 === LF || c0 === CR) {
        pos++; // blank line (or the LF of a CRLF split across chunks)
        continue;
      }
      const rowStart = pos;
      let field = 0;
      // 1. Find the bounds of every field of the row.
      for (;;) {
        let s = pos;
        let e: number;
        let quoted = 0;
        if (buf[pos] === QUOTE) {
          quoted = 1;
          s = ++pos;
          for (;;) {
            if (pos >= n) break;
            if (buf[pos] === QUOTE) {
              if (pos + 1 < n && buf[pos + 1] === QUOTE) {
                quoted = 2; // a doubled quote inside: the text needs unescaping
                pos += 2;
                continue;
              }
              break;
            }
            pos++;
          }
          // At a chunk end a closing quote may be the first of "", and an open quote may close later.
          if (pos + 1 >= n && !final) return rowStart;
          if (pos >= n)
            throw new InputError('csv-syntax', `row ${this.rows + 1}: a quoted field is not closed before the end of the file`, `row ${this.rows + 1}`);
          e = pos++;
          if (pos < n && buf[pos] !== COMMA && buf[pos] !== LF && buf[pos] !== CR) {
            throw new InputError('csv-syntax', `row ${this.rows + 1}: unexpected character after a closing quote`, `row ${this.rows + 1}`);
          }
        } else if (field < kinds.length && (kinds[field] === 1 || kinds[field] === 3)) {
          // A number column: the digits are read as the field is scanned (as parseNumber's exact fast
          // path: at most 15 significant digits, no exponent); anything else is left to parseNumber.
          let mantissa = 0;
          let digits = 0;
          let seen = 0;
          let fraction = -1;
          let plain = true;
          const neg = pos < n && buf[pos] === 0x2d;
          if (neg) pos++;
          while (pos < n) {
            const c = buf[pos];
            if (c === COMMA || c === LF || c === CR) break;
            const d = c - 0x30;
            if (d >= 0 && d <= 9) {
              mantissa = mantissa * 10 + d;
              seen++;
              if (mantissa !== 0) digits++;
              if (fraction >= 0) fraction++;
            } else if (c === 0x2e && fraction < 0) fraction = 0;
            else plain = false;
            pos++;
          }
          e = pos;
          if (field < maxFields) {
            const ok = plain && seen > 0 && digits <= 15 && fraction <= 22;
            fastOk[field] = ok ? 1 : 0;
            if (ok) {
              const v = fraction > 0 ? mantissa / POWERS_OF_TEN[fraction] : mantissa;
              fastValues[field] = neg ? -v : v;
            }
          }
        } else {
          while (pos < n) {
            const c = buf[pos];
            if (c === COMMA || c === LF || c === CR) break;
            pos++;
          }
          e = pos;
          if (field < maxFields) fastOk[field] = 0;
        }
        if (field < maxFields) {
          starts[field] = s;
          ends[field] = e;
          quotedFlags[field] = quoted;
          if (quoted) fastOk[field] = 0;
        }
        field++;
        if (pos >= n) {
          if (!final) return rowStart;
          break;
        }
        const c = buf[pos++];
        if (c === COMMA) continue;
        if (c === CR && pos < n && buf[pos] === LF) pos++;
        break;
      }
      // 2. The header, or the wanted fields of a complete row.
      if (!this.header) {
        const names: string[] = [];
        for (let j = 0; j < Math.min(field, maxFields); j++) names.push(unescape(textOf(buf, starts[j], ends[j]), quotedFlags[j] !== 0).trim());
        if (field > maxFields) throw new InputError('csv-syntax', `the CSV header has more than ${maxFields} columns`);
        this.setHeader(names);
        kinds = this.kinds;
        continue;
      }
      if (field !== this.header.length) {
        throw new InputError('csv-field-count', `row ${this.rows + 1} has ${field} fields but the header has ${this.header.length}`, `row ${this.rows + 1}`);
      }
      const wanted = this.wantedIndex;
      for (let k = 0; k < wanted.length; k++) {
        const j = wanted[k];
        const kind = kinds[j];
        // Only a quoted field with doubled quotes inside differs from its bytes; others (R's "North") are read as plain.
        const q = quotedFlags[j] === 2;
        // Numbers are stored here rather than through a call: a double passed to a call that is not
        // inlined (this function is too large for the inliner's budget) is boxed, a heap allocation per
        // value that kept the garbage collector busy.
        // (Nor is a value read fast joined with a call's result before the store: the two would meet as
        // a boxed number.)
        if (kind === 1) {
          const b = this.slots[j] as NumberBuilder;
          if (b.length === b.values.length) b.grow();
          if (fastOk[j]) b.values[b.length++] = fastValues[j];
          else b.values[b.length++] = this.parseNumber(buf, starts[j], ends[j], j, q);
        } else if (kind === 2) this.storeCategory(this.slots[j] as CategoryBuilder, buf, starts[j], ends[j], q);
        else {
          const slot = this.slots[j] as AutoBuilder;
          const b = slot.numbers;
          if (fastOk[j] && b) {
            if (b.length === b.values.length) b.grow();
            b.values[b.length++] = fastValues[j];
          } else this.storeAuto(slot, buf, j, starts[j], ends[j], q);
        }
      }
      this.rows++;
    }
    return pos;
  }

  private storeAuto(slot: AutoBuilder, buf: Uint8Array, j: number, s: number, e: number, quoted: boolean): void {
    if (slot.numbers) {
      const v = this.parseNumber(buf, s, e, j, quoted, true);
      if (v !== null) {
        slot.numbers.push(v);
        return;
      }
      if (slot.drained) this.unstable.add(this.header![j]);
      const cats = new CategoryBuilder(slot.capacity);
      const nums = slot.numbers;
      for (let i = 0; i < nums.length; i++) cats.push(Number.isNaN(nums.values[i]) ? null : String(nums.values[i]));
      slot.categories = cats;
      slot.numbers = null;
    }
    this.storeCategory(slot.categories!, buf, s, e, quoted);
  }

  private storeCategory(slot: CategoryBuilder, buf: Uint8Array, s: number, e: number, quoted: boolean): void {
    if (s === e) {
      slot.push(null);
      return;
    }
    // Survey files are sorted by stratum and PSU: most values repeat one of the last few.
    const len = e - s;
    if (!quoted) {
      const bytes = slot.cacheBytes;
      for (let c = 0; c < CACHE; c++) {
        if (slot.cacheLength[c] !== len) continue;
        const at = c * 64;
        let k = 0;
        while (k < len && buf[s + k] === bytes[at + k]) k++;
        if (k === len) {
          slot.pushCode(slot.cacheCode[c]);
          return;
        }
      }
    }
    slot.push(unescape(textOf(buf, s, e), quoted));
    if (!quoted && len <= 64) {
      const c = slot.cacheNext;
      slot.cacheNext = (c + 1) % CACHE;
      slot.cacheBytes.set(buf.subarray(s, e), c * 64);
      slot.cacheLength[c] = len;
      slot.cacheCode[c] = slot.codes[slot.length - 1];
    }
  }

  private parseNumber(buf: Uint8Array, s: number, e: number, j: number, quoted: boolean): number;
  private parseNumber(buf: Uint8Array, s: number, e: number, j: number, quoted: boolean, lenient: true): number | null;
  private parseNumber(buf: Uint8Array, s: number, e: number, j: number, quoted: boolean, lenient = false): number | null {
    while (s < e && buf[s] === 0x20) s++;
    while (e > s && buf[e - 1] === 0x20) e--;
    if (s === e) return NaN;
    // Exact fast path (Clinger): at most 15 significant digits and no exponent, so the mantissa is an
    // integer below 2^53 and dividing by an exact power of ten rounds once, exactly as Number() does.
    let i = s;
    let neg = false;
    if (buf[i] === 0x2d) {
      neg = true;
      i++;
    } else if (buf[i] === 0x2b) i++;
    let mantissa = 0;
    let digits = 0;
    let fraction = -1;
    let ok = i < e;
    for (; i < e; i++) {
      const c = buf[i];
      if (c === 0x2e) {
        if (fraction >= 0) {
          ok = false;
          break;
        }
        fraction = 0;
        continue;
      }
      const d = c - 0x30;
      if (d < 0 || d > 9) {
        ok = false;
        break;
      }
      mantissa = mantissa * 10 + d;
      if (mantissa !== 0) digits++;
      if (fraction >= 0) fraction++;
    }
    if (ok && digits <= 15 && (fraction !== 0 || e - s > 1)) {
      const v = fraction > 0 ? mantissa / POWERS_OF_TEN[fraction] : mantissa;
      if (fraction <= 22) return neg ? -v : v;
    }
    // R's missing value, without making a text of it.
    if (e - s === 2 && buf[s] === 0x4e && buf[s + 1] === 0x41) return NaN;
    const text = textOf(buf, s, e);
    if (isNumericText(text)) return Number(text);
    if (text === 'NA' || text === 'NaN' || text === '.') return NaN; // R and Stata missing markers
    if (lenient) return null;
    const name = this.header![j];
    throw new InputError(
      'not-numeric',
      `row ${this.rows + 1}, column "${name}": "${unescape(text, quoted)}" is not a number`,
      `row ${this.rows + 1}, column ${name}`,
    );
  }
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);
const EMPTY_KINDS = new Uint8Array(0);

/** The text of a quoted field with its doubled quotes undone. */
function unescape(text: string, quoted: boolean): string {
  return quoted && text.includes('"') ? text.replace(/""/g, '"') : text;
}

/** Parses a whole CSV text or byte array at once (tests, uploads). */
export function parseCsvColumns(input: string | Uint8Array, columns: ReadonlyMap<string, ColumnRole>): DataTable {
  const parser = new ColumnarCsvParser(columns);
  parser.push(typeof input === 'string' ? new TextEncoder().encode(input) : input);
  return parser.finish();
}

/** The header of a CSV text (its first line), for commands that need every column. */
export function csvHeader(firstChunk: Uint8Array): string[] {
  // TextDecoder drops a leading byte order mark (Excel's "CSV UTF-8").
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

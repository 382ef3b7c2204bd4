import { InputError } from '../../common/errors.js';
import type { DataTable } from '../table.js';

// Stata .dta format 118 (Stata 14-18, UTF-8), written by hand: no maintained npm package writes .dta.
// Layout per Stata's "dta_118" file-format description: tagged sections, a map of their offsets,
// fixed-width descriptors, then the data and the value-label tables. Little-endian throughout.

/** One variable of a .dta file. */
export interface StataVariable {
  name: string;
  label?: string;
  /** Value labels (integer value -> label); only for whole-number variables. */
  valueLabels?: Map<number, string>;
}

/** What writeStata needs: the table, its variables in order, a dataset label. */
export interface StataInput {
  table: DataTable;
  variables: StataVariable[];
  label?: string;
  /** Timestamp written in the header (default now). */
  timestamp?: Date;
}

const TYPE_DOUBLE = 65526;
const TYPE_LONG = 65528;
const MAX_STR = 2045;
const DOUBLE_MISSING_BITS = 0x7fe0000000000000n;
const LONG_MISSING = 2147483621;
const LONG_MAX = 2147483620;
const STATA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/;
const RESERVED = new Set([
  '_all',
  '_b',
  'byte',
  '_coef',
  '_cons',
  'double',
  'float',
  'if',
  'in',
  'int',
  'long',
  '_n',
  '_N',
  '_pi',
  '_pred',
  '_rc',
  '_skip',
  'strL',
  'using',
  'with',
]);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

class Bytes {
  private chunks: Uint8Array[] = [];
  length = 0;
  push(b: Uint8Array): void {
    this.chunks.push(b);
    this.length += b.length;
  }
  text(s: string): void {
    this.push(new TextEncoder().encode(s));
  }
  u16(v: number): void {
    const b = new Uint8Array(2);
    new DataView(b.buffer).setUint16(0, v, true);
    this.push(b);
  }
  u8(v: number): void {
    this.push(Uint8Array.of(v));
  }
  i32(v: number): void {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, true);
    this.push(b);
  }
  u64(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    this.push(b);
  }
  /** A NUL-padded fixed-width UTF-8 field (truncated on a character boundary to leave room for the NUL). */
  fixed(s: string, width: number): void {
    const b = new Uint8Array(width);
    b.set(truncateUtf8(s, width - 1));
    this.push(b);
  }
  concat(): Uint8Array {
    const out = new Uint8Array(this.length);
    let o = 0;
    for (const c of this.chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

function truncateUtf8(s: string, maxBytes: number): Uint8Array {
  const enc = new TextEncoder();
  let b = enc.encode(s);
  if (b.length <= maxBytes) return b;
  let chars = [...s];
  while (b.length > maxBytes) {
    chars = chars.slice(0, -1);
    b = enc.encode(chars.join(''));
  }
  return b;
}

interface Plan {
  name: string;
  type: number;
  width: number;
  format: string;
  write: (row: number, view: DataView, bytes: Uint8Array, offset: number) => void;
}

/** Plans how each column is stored: long (whole numbers with value labels), double, or str# of the widest value. */
function plan(input: StataInput): Plan[] {
  const enc = new TextEncoder();
  return input.variables.map((v) => {
    if (!STATA_NAME.test(v.name) || RESERVED.has(v.name))
      throw new InputError('bad-stata-name', `"${v.name}" is not a valid Stata variable name (letters, digits, _; at most 32 characters)`, v.name);
    const col = input.table.columns.get(v.name);
    if (!col) throw new InputError('unknown-column', `no column "${v.name}" to write`, v.name);
    if (col.kind === 'number') {
      const values = col.values;
      const whole = values.every((x) => Number.isNaN(x) || (Number.isInteger(x) && Math.abs(x) <= LONG_MAX));
      if (v.valueLabels && whole) {
        return {
          name: v.name,
          type: TYPE_LONG,
          width: 4,
          format: '%12.0g',
          write: (row, view, _b, o) => view.setInt32(o, Number.isNaN(values[row]) ? LONG_MISSING : values[row], true),
        };
      }
      return {
        name: v.name,
        type: TYPE_DOUBLE,
        width: 8,
        format: '%10.0g',
        write: (row, view, _b, o) => (Number.isNaN(values[row]) ? view.setBigUint64(o, DOUBLE_MISSING_BITS, true) : view.setFloat64(o, values[row], true)),
      };
    }
    const encoded = col.levels.map((l) => enc.encode(l));
    let width = 1;
    for (let i = 0; i < col.codes.length; i++) {
      const c = col.codes[i];
      if (c < 0) continue;
      if (encoded[c].length > MAX_STR)
        throw new InputError(
          'value-too-long',
          `row ${i + 1}, column ${v.name}: ${encoded[c].length} bytes, more than Stata's str${MAX_STR}`,
          `row ${i + 1}, column ${v.name}`,
        );
      width = Math.max(width, encoded[c].length);
    }
    const codes = col.codes;
    return {
      name: v.name,
      type: width,
      width,
      format: `%${Math.min(width, 244)}s`,
      write: (row, _view, bytes, o) => {
        if (codes[row] >= 0) bytes.set(encoded[codes[row]], o);
      },
    };
  });
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}

/** Writes a Stata 118 .dta file (UTF-8 names and labels, variable labels, value labels) into bytes. */
export function writeStata(input: StataInput): Uint8Array {
  const plans = plan(input);
  const K = plans.length;
  const N = input.table.nRows;
  if (K > 32767) throw new InputError('too-many-variables', `${K} variables: a .dta file holds at most 32,767`);
  const out = new Bytes();
  const offsets: number[] = [];
  out.text('<stata_dta>');
  out.text('<header><release>118</release><byteorder>LSF</byteorder><K>');
  out.u16(K);
  out.text('</K><N>');
  out.u64(N);
  out.text('</N><label>');
  const label = truncateUtf8(input.label ?? '', 320);
  out.u16(label.length);
  out.push(label);
  out.text('</label><timestamp>');
  const ts = stamp(input.timestamp ?? new Date());
  out.u8(ts.length);
  out.text(ts);
  out.text('</timestamp></header>');
  // The map is written as zeros first and patched once every offset is known.
  const mapAt = out.length;
  out.text('<map>');
  const mapValuesAt = out.length;
  for (let i = 0; i < 14; i++) out.u64(0);
  out.text('</map>');
  offsets.push(0, mapAt);
  // Each section: its offset goes in the map, then <tag> body </tag>.
  const section = (tag: string, body: () => void) => {
    offsets.push(out.length);
    out.text(`<${tag}>`);
    body();
    out.text(`</${tag}>`);
  };
  section('variable_types', () => plans.forEach((p) => out.u16(p.type)));
  section('varnames', () => plans.forEach((p) => out.fixed(p.name, 129)));
  section('sortlist', () => {
    for (let i = 0; i <= K; i++) out.u16(0);
  });
  section('formats', () => plans.forEach((p) => out.fixed(p.format, 57)));
  section('value_label_names', () => input.variables.forEach((v, j) => out.fixed(plans[j].type === TYPE_LONG ? v.name : '', 129)));
  section('variable_labels', () => input.variables.forEach((v) => out.fixed(v.label ?? '', 321)));
  section('characteristics', () => undefined);
  section('data', () => {
    const recordWidth = plans.reduce((s, p) => s + p.width, 0);
    const rowsPerBlock = Math.max(1, Math.floor((1 << 20) / Math.max(1, recordWidth)));
    for (let start = 0; start < N; start += rowsPerBlock) {
      const count = Math.min(rowsPerBlock, N - start);
      const block = new Uint8Array(count * recordWidth);
      const view = new DataView(block.buffer);
      for (let r = 0; r < count; r++) {
        let o = r * recordWidth;
        for (const p of plans) {
          p.write(start + r, view, block, o);
          o += p.width;
        }
      }
      out.push(block);
    }
  });
  section('strls', () => undefined);
  section('value_labels', () =>
    input.variables.forEach((v, j) => {
      if (plans[j].type !== TYPE_LONG || !v.valueLabels) return;
      const entries = [...v.valueLabels].filter(([value]) => Number.isInteger(value)).sort((a, b) => a[0] - b[0]);
      const texts = entries.map(([, l]) => truncateUtf8(l, 32000));
      const txtlen = texts.reduce((s, t) => s + t.length + 1, 0);
      out.text('<lbl>');
      out.i32(8 + 8 * entries.length + txtlen);
      out.fixed(v.name, 129);
      out.push(new Uint8Array(3));
      out.i32(entries.length);
      out.i32(txtlen);
      let off = 0;
      for (const t of texts) {
        out.i32(off);
        off += t.length + 1;
      }
      for (const [value] of entries) out.i32(value);
      for (const t of texts) {
        out.push(t);
        out.u8(0);
      }
      out.text('</lbl>');
    }),
  );
  offsets.push(out.length);
  out.text('</stata_dta>');
  offsets.push(out.length);
  const bytes = out.concat();
  const view = new DataView(bytes.buffer);
  offsets.forEach((o, i) => view.setBigUint64(mapValuesAt + 8 * i, BigInt(o), true));
  return bytes;
}

import fs from 'node:fs';
import { InputError } from '../common/errors.js';
import { openForReading } from './read-file.js';

/**
 * A reader of Stata .dta files, formats 113-115 (Stata 8-12, binary) and 117-119 (Stata 13-18,
 * tagged), as documented in Stata's "dta" file-format manual (help dta): numeric columns (byte, int,
 * long, float, double; the system missing `.` and the extended missings `.a`-`.z` read as missing),
 * fixed strings and strLs, and value labels. No npm package reads .dta (checked 2026-12: none
 * maintained), so this is our own. It decodes only the columns asked for, all in one pass over the
 * data. openDta reads a file's metadata, strLs and value labels, and its data in chunks of rows:
 * memory is that of the columns, not of the file.
 */

export type DtaColumn =
  { name: string; kind: 'number'; values: Float64Array; valueLabels?: Map<number, string> } | { name: string; kind: 'string'; values: string[] };

export interface DtaFile {
  release: number;
  nRows: number;
  names: string[];
  /** Whether each variable is numeric (else a string). */
  numeric: boolean[];
  /** Decodes a variable; numeric ones carry their value labels when they have a label set. */
  column(name: string): DtaColumn;
  /** Decodes several variables in one pass over the data. */
  columns(names: readonly string[]): DtaColumn[];
  /** The same, chunk by chunk: `each` gets rows [r0, r1) of every variable asked for (arrays of the chunk's length). */
  forEachChunk(names: readonly string[], each: (r0: number, r1: number, columns: DtaColumn[]) => void): void;
  /** Closes the file (openDta). */
  close(): void;
}

const bad = (file: string, what: string): never => {
  throw new InputError('bad-dta', `${file} is not a readable Stata .dta file: ${what}`, file);
};

/** Type codes of format 117-119 (and, mapped, 113-115): 1-2045 str of that width, 32768 strL. */
const STRL = 32768;
const DOUBLE = 65526;
const FLOAT = 65527;
const LONG = 65528;
const INT = 65529;
const BYTE = 65530;

/** Stata's missing values are the largest values of each type: `.`, then `.a` ... `.z`. */
const MISSING_FROM: Record<number, number> = { [BYTE]: 101, [INT]: 32741, [LONG]: 2147483621 };
const FLOAT_MISSING = 1.7014118346046923e38;
const DOUBLE_MISSING = 8.98846567431158e307;

const UTF8 = new TextDecoder('utf-8');
const LATIN1 = new TextDecoder('latin1');

/** A zero-terminated text of at most `length` bytes at `start` (ASCII without a decoder: most values are). */
function textAt(bytes: Uint8Array, start: number, length: number, utf8: boolean): string {
  let end = start;
  let ascii = true;
  while (end < start + length && bytes[end] !== 0) {
    if (bytes[end] >= 0x80) ascii = false;
    end++;
  }
  if (ascii && end - start <= 64) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  return (utf8 ? UTF8 : LATIN1).decode(bytes.subarray(start, end));
}

/** How the data's rows are reached: the bytes of rows [r0, r1), valid until the next call. */
type RowReader = (r0: number, r1: number) => Uint8Array;

/** Parses a .dta file held in memory. */
export function readDta(bytes: Uint8Array, file: string): DtaFile {
  return parseDta(
    bytes,
    file,
    () => undefined,
    (layout) => (r0, r1) => bytes.subarray(layout.dataStart + r0 * layout.rowLength, layout.dataStart + r1 * layout.rowLength),
  );
}

/**
 * Opens a .dta file without reading its data: the bytes before the data and after it are read into a
 * buffer of the file's size whose other pages are never touched (so never resident), and the data is
 * read by chunks of rows when columns are decoded.
 */
export function openDta(file: string, chunkBytes = 4 << 20): DtaFile {
  const fd = openForReading(file);
  let handedOver = false;
  try {
    const size = fs.fstatSync(fd).size;
    const probe = Buffer.alloc(Math.min(size, 1 << 16));
    fs.readSync(fd, probe, 0, probe.length, 0);
    if (size >= 2 ** 32) bad(file, 'files of 4 GB or more are not read (export the columns needed, or use Parquet)');
    const sparse = new Uint8Array(size);
    sparse.set(probe, 0);
    const loaded: [number, number][] = [[0, probe.length]];
    const load = (start: number, end: number) => {
      if (loaded.some(([a, b]) => a <= start && end <= b)) return;
      fs.readSync(fd, sparse, start, end - start, start);
      loaded.push([start, end]);
    };
    const dta = parseDta(
      sparse,
      file,
      load,
      (layout) => {
        const chunk = Buffer.alloc(Math.max(layout.rowLength, Math.min(layout.rowLength * layout.nRows, chunkBytes)));
        return (r0, r1) => {
          const n = (r1 - r0) * layout.rowLength;
          const got = fs.readSync(fd, chunk, 0, n, layout.dataStart + r0 * layout.rowLength);
          if (got < n) bad(file, 'the data ends early (truncated?)');
          return chunk.subarray(0, n);
        };
      },
      chunkBytes,
    );
    handedOver = true;
    return { ...dta, close: () => fs.closeSync(fd) };
  } finally {
    if (!handedOver) fs.closeSync(fd);
  }
}

function parseDta(
  bytes: Uint8Array,
  file: string,
  load: (start: number, end: number) => void,
  rows: (layout: Layout) => RowReader,
  chunkBytes?: number,
): DtaFile {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (start: number, length: number, utf8: boolean) => textAt(bytes, start, length, utf8);
  if (bytes.length < 16) bad(file, 'too short');
  if (text(0, 11, false) === '<stata_dta>') return finish(readTagged(bytes, view, file, text, load), file, rows, chunkBytes);
  if ([113, 114, 115].includes(bytes[0])) return finish(readBinary(bytes, view, file, text, load), file, rows, chunkBytes);
  return bad(file, `format ${bytes[0]} is not one of 113-115 or 117-119 (Stata 8 to 18)`);
}

type Text = (start: number, length: number, utf8: boolean) => string;

interface Layout {
  release: number;
  le: boolean;
  nRows: number;
  names: string[];
  types: number[];
  labelSets: string[];
  dataStart: number;
  rowLength: number;
  offsets: number[];
  labels: Map<string, Map<number, string>>;
  strl?: (v: number, o: number) => string;
  strlWide: boolean;
  utf8: boolean;
}

/** Allocates a variable's column of n rows. */
function emptyColumn(layout: Layout, j: number, n = layout.nRows): string[] | Float64Array {
  const type = layout.types[j];
  return (type >= 1 && type <= 2045) || type === STRL ? new Array<string>(n) : new Float64Array(n);
}

/** Decodes variable j of rows [r0, r1), given as `chunk` (their bytes), into `out`. */
function decodeChunk(layout: Layout, j: number, chunk: Uint8Array, r0: number, r1: number, out: string[] | Float64Array, file: string, base = r0): void {
  const { rowLength, le } = layout;
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const type = layout.types[j];
  const at = layout.offsets[j];
  const n = r1 - r0;
  if (type >= 1 && type <= 2045) {
    const values = out as string[];
    for (let i = 0; i < n; i++) values[base + i] = textAt(chunk, at + i * rowLength, type, layout.utf8);
    return;
  }
  if (type === STRL) {
    const values = out as string[];
    for (let i = 0; i < n; i++) {
      const p = at + i * rowLength;
      let v: number;
      let o: number;
      if (layout.strlWide) {
        // 118/119: v in 2 bytes, o in 6 (in the file's byte order).
        v = view.getUint16(p, le);
        o = le ? view.getUint32(p + 2, true) + view.getUint16(p + 6, true) * 2 ** 32 : view.getUint16(p + 2, false) * 2 ** 32 + view.getUint32(p + 4, false);
      } else {
        v = view.getUint32(p, le);
        o = view.getUint32(p + 4, le);
      }
      values[base + i] = v === 0 && o === 0 ? '' : layout.strl!(v, o);
    }
    return;
  }
  const values = out as Float64Array;
  for (let i = 0; i < n; i++) {
    const p = at + i * rowLength;
    let x: number;
    switch (type) {
      case BYTE:
        x = view.getInt8(p);
        if (x >= MISSING_FROM[BYTE]) x = NaN;
        break;
      case INT:
        x = view.getInt16(p, le);
        if (x >= MISSING_FROM[INT]) x = NaN;
        break;
      case LONG:
        x = view.getInt32(p, le);
        if (x >= MISSING_FROM[LONG]) x = NaN;
        break;
      case FLOAT:
        x = view.getFloat32(p, le);
        if (x >= FLOAT_MISSING) x = NaN;
        break;
      case DOUBLE:
        x = view.getFloat64(p, le);
        if (x >= DOUBLE_MISSING) x = NaN;
        break;
      default:
        return bad(file, `variable "${layout.names[j]}" has an unknown type code ${type}`);
    }
    values[base + i] = x;
  }
}

/** The indices of variables by name (a missing one is an error naming it). */
function indicesOf(layout: Layout, names: readonly string[], file: string): number[] {
  return names.map((name) => {
    const j = layout.names.indexOf(name);
    return j < 0 ? bad(file, `no variable "${name}"`) : j;
  });
}

/** Decoded values as a DtaColumn (numbers with their value labels). */
function asColumn(layout: Layout, j: number, values: string[] | Float64Array): DtaColumn {
  const name = layout.names[j];
  if (!(values instanceof Float64Array)) return { name, kind: 'string', values };
  const labels = layout.labelSets[j] ? layout.labels.get(layout.labelSets[j]) : undefined;
  return { name, kind: 'number', values, ...(labels ? { valueLabels: labels } : {}) };
}

/** Rows by chunks of about `chunkBytes`: fn(r0, r1, bytes of those rows). */
function eachChunk(layout: Layout, rows: RowReader, chunkBytes: number, fn: (r0: number, r1: number, chunk: Uint8Array) => void): void {
  const step = Math.max(1, Math.floor(chunkBytes / Math.max(1, layout.rowLength)));
  for (let r0 = 0; r0 < layout.nRows; r0 += step) {
    const r1 = Math.min(layout.nRows, r0 + step);
    fn(r0, r1, rows(r0, r1));
  }
}

/** Several variables decoded in one pass over the data, by chunks of about 4 MB of rows. */
function decodeColumns(layout: Layout, names: readonly string[], rows: RowReader, file: string, chunkBytes = 4 << 20): DtaColumn[] {
  const js = indicesOf(layout, names, file);
  const outs = js.map((j) => emptyColumn(layout, j));
  eachChunk(layout, rows, chunkBytes, (r0, r1, chunk) => js.forEach((j, k) => decodeChunk(layout, j, chunk, r0, r1, outs[k], file)));
  return js.map((j, k) => asColumn(layout, j, outs[k]));
}

function widthOf(type: number, release: number): number {
  if (type >= 1 && type <= 2045) return type;
  if (type === STRL) return 8;
  const w = { [BYTE]: 1, [INT]: 2, [LONG]: 4, [FLOAT]: 4, [DOUBLE]: 8 }[type];
  if (w === undefined) throw new InputError('bad-dta', `unknown variable type code ${type} in a format-${release} file`);
  return w;
}

function finish(layout: Layout, file: string, rows: (layout: Layout) => RowReader, chunkBytes?: number): DtaFile {
  const reader = rows(layout);
  return {
    release: layout.release,
    nRows: layout.nRows,
    names: layout.names,
    numeric: layout.types.map((t) => t > 2045 && t !== STRL),
    column: (name) => decodeColumns(layout, [name], reader, file, chunkBytes)[0],
    columns: (names) => decodeColumns(layout, names, reader, file, chunkBytes),
    forEachChunk: (names, each) => {
      const js = indicesOf(layout, names, file);
      eachChunk(layout, reader, chunkBytes ?? 4 << 20, (r0, r1, chunk) =>
        each(
          r0,
          r1,
          js.map((j) => {
            const out = emptyColumn(layout, j, r1 - r0);
            decodeChunk(layout, j, chunk, r0, r1, out, file, 0);
            return asColumn(layout, j, out);
          }),
        ),
      );
    },
    close: () => undefined,
  };
}

/** A value-label table (`n`, `txtlen`, offsets, values, text) into a map. */
function labelTable(view: DataView, bytes: Uint8Array, at: number, le: boolean, text: Text, utf8: boolean): Map<number, string> {
  const n = view.getInt32(at, le);
  const txtlen = view.getInt32(at + 4, le);
  const map = new Map<number, string>();
  const offs = at + 8;
  const vals = offs + 4 * n;
  const txt = vals + 4 * n;
  for (let k = 0; k < n; k++) map.set(view.getInt32(vals + 4 * k, le), text(txt + view.getInt32(offs + 4 * k, le), txtlen, utf8));
  return map;
}

/** Formats 117, 118 and 119: sections in tags, found through the map. */
function readTagged(bytes: Uint8Array, view: DataView, file: string, text: Text, load: (start: number, end: number) => void): Layout {
  const find = (tag: string, from: number): number => {
    const needle = new TextEncoder().encode(tag);
    outer: for (let i = from; i <= bytes.length - needle.length; i++) {
      for (let k = 0; k < needle.length; k++) if (bytes[i + k] !== needle[k]) continue outer;
      return i + needle.length;
    }
    return bad(file, `no ${tag} section`);
  };
  const releaseAt = find('<release>', 0);
  const release = Number(text(releaseAt, 3, false));
  if (![117, 118, 119].includes(release)) bad(file, `format ${release} is not one of 117-119`);
  const order = text(find('<byteorder>', releaseAt), 3, false);
  if (order !== 'LSF' && order !== 'MSF') bad(file, `byte order "${order}"`);
  const le = order === 'LSF';
  const kAt = find('<K>', releaseAt);
  const K = release === 119 ? view.getUint32(kAt, le) : view.getUint16(kAt, le);
  const nAt = find('<N>', kAt);
  const N = release === 117 ? view.getUint32(nAt, le) : Number(view.getBigUint64(nAt, le));
  if (!Number.isSafeInteger(N)) bad(file, 'the number of observations is out of range');
  const mapAt = find('<map>', nAt);
  const map = Array.from({ length: 14 }, (_, k) => Number(view.getBigUint64(mapAt + 8 * k, le)));
  if (map.some((o) => o > bytes.length)) bad(file, 'the section map points past the end of the file (truncated?)');
  if (!(map[2] <= map[9] && map[9] <= map[10] && map[10] <= map[11])) bad(file, 'the sections are not in order');
  // Everything before the data (types, names, labels' names) and after it (strLs, value labels).
  load(0, Math.min(bytes.length, map[9] + '<data>'.length));
  load(map[10], bytes.length);
  const utf8 = release >= 118;
  const nameWidth = release === 117 ? 33 : 129;
  const typesAt = map[2] + '<variable_types>'.length;
  const types = Array.from({ length: K }, (_, j) => view.getUint16(typesAt + 2 * j, le));
  const namesAt = map[3] + '<varnames>'.length;
  const names = Array.from({ length: K }, (_, j) => text(namesAt + nameWidth * j, nameWidth, utf8));
  const lblAt = map[6] + '<value_label_names>'.length;
  const labelSets = Array.from({ length: K }, (_, j) => text(lblAt + nameWidth * j, nameWidth, utf8));
  const offsets: number[] = [];
  let rowLength = 0;
  for (const t of types) {
    offsets.push(rowLength);
    rowLength += widthOf(t, release);
  }
  const dataStart = map[9] + '<data>'.length;
  if (dataStart + rowLength * N > bytes.length) bad(file, `the data of ${N} observations run past the end of the file (truncated?)`);
  // strLs: GSO v o t len contents, indexed by (v, o).
  const strls = new Map<string, string>();
  let p = map[10] + '<strls>'.length;
  while (p + 3 <= bytes.length && text(p, 3, false) === 'GSO') {
    const v = view.getUint32(p + 3, le);
    const o = release === 117 ? view.getUint32(p + 7, le) : Number(view.getBigUint64(p + 7, le));
    const q = p + (release === 117 ? 11 : 15);
    const t = bytes[q];
    const len = view.getUint32(q + 1, le);
    const body = bytes.subarray(q + 5, q + 5 + len);
    const str = (utf8 ? UTF8 : LATIN1).decode(t === 130 && body[len - 1] === 0 ? body.subarray(0, len - 1) : body);
    strls.set(`${v}:${o}`, str);
    p = q + 5 + len;
  }
  // Value labels: <lbl> len labname padding table </lbl>.
  const labels = new Map<string, Map<number, string>>();
  p = map[11] + '<value_labels>'.length;
  while (text(p, 5, false) === '<lbl>') {
    const len = view.getInt32(p + 5, le);
    const name = text(p + 9, nameWidth, utf8);
    const tableAt = p + 9 + nameWidth + 3;
    labels.set(name, labelTable(view, bytes, tableAt, le, text, utf8));
    p = tableAt + len + '</lbl>'.length;
  }
  const layout: Layout = {
    release,
    le,
    nRows: N,
    names,
    types,
    labelSets,
    dataStart,
    rowLength,
    offsets,
    labels,
    strl: (v, o) => strls.get(`${v}:${o}`) ?? bad(file, `a strL (${v}, ${o}) is missing from the strls section`),
    strlWide: release >= 118,
    utf8,
  };
  return layout;
}

/**
 * Formats 113, 114 and 115: a fixed binary header. `load` brings in the bytes of a range first (openDta:
 * the header and the value labels after the data are read, the data is not).
 */
function readBinary(bytes: Uint8Array, view: DataView, file: string, text: Text, load: (start: number, end: number) => void): Layout {
  const release = bytes[0];
  if (bytes[1] !== 1 && bytes[1] !== 2) bad(file, `byte order code ${bytes[1]}`);
  const le = bytes[1] === 2;
  const K = view.getUint16(4, le);
  const N = view.getUint32(6, le);
  let p = 4 + 2 + 4 + 81 + 18;
  // The descriptors: per variable a type (1 byte), name (33), sort entry (2), format (49, 12 in 113),
  // value-label name (33) and label (81); one more sort entry.
  load(0, Math.min(bytes.length, p + K * (1 + 33 + 2 + 49 + 33 + 81) + 2));
  const old = Array.from(bytes.subarray(p, p + K));
  // 251-255: byte, int, long, float, double; 1-244: str of that width.
  const types = old.map((t) => ({ 251: BYTE, 252: INT, 253: LONG, 254: FLOAT, 255: DOUBLE })[t] ?? (t >= 1 && t <= 244 ? t : bad(file, `type code ${t}`)));
  p += K;
  const names = Array.from({ length: K }, (_, j) => text(p + 33 * j, 33, false));
  p += 33 * K;
  p += 2 * (K + 1); // sort list
  p += 49 * K; // formats (113: 12 bytes each)
  if (release === 113) p -= (49 - 12) * K;
  const labelSets = Array.from({ length: K }, (_, j) => text(p + 33 * j, 33, false));
  p += 33 * K;
  p += 81 * K; // variable labels
  // Expansion fields: type (1 byte), length (4), contents; ends with type 0, length 0.
  for (;;) {
    if (p + 5 > bytes.length) bad(file, 'the expansion fields run past the end of the file');
    load(p, p + 5);
    const type = bytes[p];
    const len = view.getUint32(p + 1, le);
    p += 5 + len;
    if (type === 0 && len === 0) break;
  }
  const offsets: number[] = [];
  let rowLength = 0;
  for (const t of types) {
    offsets.push(rowLength);
    rowLength += widthOf(t, release);
  }
  const dataStart = p;
  if (dataStart + rowLength * N > bytes.length) bad(file, `the data of ${N} observations run past the end of the file (truncated?)`);
  const labels = new Map<string, Map<number, string>>();
  p = dataStart + rowLength * N;
  load(p, bytes.length);
  while (p + 4 + 33 + 3 <= bytes.length) {
    const len = view.getInt32(p, le);
    const name = text(p + 4, 33, false);
    const tableAt = p + 4 + 33 + 3;
    if (len <= 0 || tableAt + len > bytes.length) break;
    labels.set(name, labelTable(view, bytes, tableAt, le, text, false));
    p = tableAt + len;
  }
  return { release, le, nRows: N, names, types, labelSets, dataStart, rowLength, offsets, labels, strlWide: false, utf8: false };
}

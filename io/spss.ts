import fs from 'node:fs';
import { InputError } from '../common/errors.js';
import { openForReading } from './read-file.js';

/**
 * A reader of SPSS system files (.sav), as PSPP documents the format ("System File Format"): the
 * dictionary (variables, long names, value labels, missing values, character encoding) and the cases,
 * uncompressed or bytecode-compressed. Our own: the npm package sav-reader reads uncompressed files but
 * stops after the first case of the bytecode-compressed files R haven (ReadStat) and SPSS write by
 * default (seen with sav-reader 2.0.8). zlib-compressed files (.zsav) are refused with a message.
 * Values under 256 characters per string variable; very long strings are read as their first segment.
 * openSav reads the dictionary, then the cases in chunks of bytes, keeping only the variables asked for:
 * memory is that of those columns (or of one chunk of rows, forEachChunk), not of the file.
 */

export type SavColumn = { kind: 'number'; values: Float64Array; labels?: Map<number, string> } | { kind: 'string'; values: (string | null)[] };

export interface SavFile {
  names: string[];
  nRows: number;
  /** The variables asked for, in one pass over the cases. */
  columns(names: readonly string[]): SavColumn[];
  /** The same, chunk by chunk: `each` gets rows [r0, r1) of every variable asked for (arrays of the chunk's length). */
  forEachChunk(names: readonly string[], each: (r0: number, r1: number, columns: SavColumn[]) => void): void;
  close(): void;
}

interface Variable {
  name: string;
  /** 0 numeric, else the string width. */
  width: number;
  /** Index of its first 8-byte segment in a case. */
  segment: number;
  segments: number;
  missing: number[];
  range?: [number, number];
  labels?: Map<number, string>;
}

interface Dictionary {
  vars: Variable[];
  /** 8-byte segments per case. */
  segments: number;
  compression: number;
  declaredCases: number;
  bias: number;
  sysmis: number;
  le: boolean;
  decoder: { decode(bytes: Uint8Array): string };
  /** Byte offset of the cases. */
  dataStart: number;
}

/** The dictionary runs past the bytes read so far (read more of the file and parse again). */
class CutShort extends Error {}

/** Parses the dictionary at the start of a .sav file; `bytes` may be only a prefix of the file (`whole` false). */
function parseDictionary(bytes: Uint8Array, whole: boolean, bad: (what: string) => never): Dictionary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = new TextDecoder('latin1').decode(bytes.subarray(0, 4));
  if (magic === '$FL3') bad('zlib-compressed files (.zsav) are not supported: save it uncompressed or with the standard compression');
  if (magic !== '$FL2') bad('it does not start with $FL2');
  if (bytes.length < 176) bad('the header is cut short');
  // The layout code (2 or 3) tells the byte order.
  const le = view.getInt32(64, true) === 2 || view.getInt32(64, true) === 3;
  const i32 = (p: number) => view.getInt32(p, le);
  const f64 = (p: number) => view.getFloat64(p, le);
  const compression = i32(72);
  if (compression === 2) bad('zlib-compressed files are not supported');
  const declaredCases = i32(80);
  const bias = f64(84);
  let encoding = 'windows-1252';
  let sysmis = -Number.MAX_VALUE;
  const vars: Variable[] = [];
  const bySegment = new Map<number, Variable>();
  let segments = 0;
  let p = 176;
  const pendingLabels: { labels: Map<number, string>; raw: { value: number; text: Uint8Array }[] }[] = [];
  let rawNames: Uint8Array | null = null;
  const need = (n: number) => {
    if (p + n > bytes.length) {
      if (!whole) throw new CutShort();
      bad('the dictionary is cut short');
    }
  };
  for (;;) {
    need(4);
    const type = i32(p);
    if (type === 2) {
      need(32);
      const width = i32(p + 4);
      const hasLabel = i32(p + 8);
      const nMissing = i32(p + 12);
      const name = new TextDecoder('latin1').decode(bytes.subarray(p + 24, p + 32)).trimEnd();
      p += 32;
      if (hasLabel) {
        need(4);
        const len = i32(p);
        p += 4 + Math.ceil(len / 4) * 4;
      }
      const missing: number[] = [];
      let range: [number, number] | undefined;
      const count = Math.abs(nMissing);
      need(8 * count);
      const values = Array.from({ length: count }, (_, k) => f64(p + 8 * k));
      p += 8 * count;
      if (nMissing < 0) {
        range = [values[0], values[1]];
        missing.push(...values.slice(2));
      } else if (width === 0) missing.push(...values);
      if (width === -1) {
        // A continuation segment of the string before it.
        const last = vars.at(-1);
        if (last) last.segments++;
        segments++;
        continue;
      }
      const v: Variable = { name, width, segment: segments, segments: 1, missing, ...(range ? { range } : {}) };
      vars.push(v);
      bySegment.set(segments, v);
      segments++;
    } else if (type === 3) {
      need(8);
      const n = i32(p + 4);
      p += 8;
      const raw: { value: number; text: Uint8Array }[] = [];
      for (let k = 0; k < n; k++) {
        need(9);
        const value = f64(p);
        const len = bytes[p + 8];
        need(8 + Math.ceil((len + 1) / 8) * 8);
        const text = bytes.subarray(p + 9, p + 9 + len);
        p += 8 + Math.ceil((len + 1) / 8) * 8;
        raw.push({ value, text });
      }
      // The variables the labels belong to (type 4 follows at once).
      need(8);
      if (i32(p) !== 4) bad('value labels not followed by their variables');
      const count = i32(p + 4);
      p += 8;
      const labels = new Map<number, string>();
      need(4 * count);
      for (let k = 0; k < count; k++) {
        const v = bySegment.get(i32(p + 4 * k) - 1);
        if (v && v.width === 0) v.labels = labels;
      }
      p += 4 * count;
      pendingLabels.push({ labels, raw });
    } else if (type === 6) {
      need(8);
      p += 8 + 80 * i32(p + 4);
    } else if (type === 7) {
      need(16);
      const subtype = i32(p + 4);
      const size = i32(p + 8);
      const count = i32(p + 12);
      need(16 + size * count);
      const data = bytes.subarray(p + 16, p + 16 + size * count);
      if (subtype === 4 && size === 8) sysmis = view.getFloat64(p + 16, le);
      if (subtype === 13) rawNames = data;
      if (subtype === 20) encoding = new TextDecoder('latin1').decode(data).trim() || encoding;
      p += 16 + size * count;
    } else if (type === 999) {
      need(8);
      p += 8;
      break;
    } else bad(`unknown record type ${type} at byte ${p}`);
  }
  let decoder: { decode(bytes: Uint8Array): string };
  try {
    decoder = new TextDecoder(encoding);
  } catch {
    decoder = new TextDecoder('windows-1252');
  }
  for (const { labels, raw } of pendingLabels) for (const r of raw) labels.set(r.value, decoder.decode(r.text).trimEnd());
  // Long variable names: SHORT=Long pairs separated by tabs.
  if (rawNames) {
    const long = new Map<string, string>();
    for (const pair of decoder.decode(rawNames).split('\t')) {
      const [short, name] = pair.split('=');
      if (short && name) long.set(short, name);
    }
    for (const v of vars) v.name = long.get(v.name) ?? v.name;
  }
  return { vars, segments, compression, declaredCases, bias, sysmis, le, decoder, dataStart: p };
}

/**
 * Opens a .sav file: its dictionary now, its cases when columns are asked for, read `chunkBytes` at a
 * time (the last chunk's incomplete case or compressed block carried into the next).
 */
export function openSav(file: string, chunkBytes = 4 << 20): SavFile {
  const bad = (what: string): never => {
    throw new InputError('bad-sav', `${file} is not a readable SPSS .sav file: ${what}`, file);
  };
  const fd = openForReading(file);
  let handedOver = false;
  try {
    const size = fs.fstatSync(fd).size;
    // The dictionary: a prefix of the file, twice as long each time it is cut short.
    let dict: Dictionary | null = null;
    for (let n = Math.min(size, 1 << 16); dict === null; n = Math.min(size, n * 2)) {
      const prefix = new Uint8Array(n);
      fs.readSync(fd, prefix, 0, n, 0);
      try {
        dict = parseDictionary(prefix, n === size, bad);
      } catch (err) {
        if (!(err instanceof CutShort)) throw err;
      }
    }
    const d = dict;
    const caseBytes = d.segments * 8;
    if (caseBytes === 0) bad('it has no variables');
    const byName = new Map(d.vars.map((v) => [v.name, v]));
    const find = (name: string) => byName.get(name) ?? bad(`no variable "${name}"`);

    /** Every case in order: its segments' bytes from `base` in `bytes` (a buffer overwritten case after case), `view` over the same bytes. */
    const eachCase = (visit: (bytes: Uint8Array, view: DataView, base: number) => void): number => {
      const buffer = new Uint8Array(Math.max(chunkBytes, 72) + 72);
      let held = 0; // bytes carried over at the start of buffer
      let position = d.dataStart;
      let cases = 0;
      if (d.compression === 0) {
        const n = d.declaredCases >= 0 ? d.declaredCases : Math.floor((size - d.dataStart) / caseBytes);
        if (d.dataStart + n * caseBytes > size) bad(`the data of ${n} cases run past the end of the file (truncated?)`);
        const whole = caseBytes <= buffer.length ? buffer : new Uint8Array(caseBytes);
        const wholeView = new DataView(whole.buffer, whole.byteOffset, whole.byteLength);
        while (cases < n) {
          const want = Math.min(whole.length - held, size - position);
          const got = want > 0 ? fs.readSync(fd, whole, held, want, position) : 0;
          position += got;
          const available = held + got;
          let at = 0;
          while (cases < n && available - at >= caseBytes) {
            visit(whole, wholeView, at);
            at += caseBytes;
            cases++;
          }
          whole.copyWithin(0, at, available);
          held = available - at;
          if (got === 0 && cases < n) bad('the data are cut short');
        }
        return cases;
      }
      const spaces = new Uint8Array(8).fill(32);
      const out = new Uint8Array(caseBytes);
      const outView = new DataView(out.buffer);
      let filled = 0;
      let done = false;
      let eof = false;
      while (!done && !eof) {
        const got = fs.readSync(fd, buffer, held, buffer.length - held, position);
        position += got;
        eof = got === 0 || position >= size;
        const available = held + got;
        let p = 0;
        // A command block with its data is at most 72 bytes: a block is decoded once it is all here (or the file ends).
        while (!done && p + 8 <= available && (eof || p + 72 <= available)) {
          const block = p;
          p += 8;
          for (let c = 0; c < 8 && !done; c++) {
            const code = buffer[block + c];
            if (code === 0) continue;
            if (code === 252) {
              done = true;
              break;
            }
            if (code === 253) {
              if (p + 8 > available) bad('the compressed data are cut short');
              out.set(buffer.subarray(p, p + 8), filled * 8);
              p += 8;
            } else if (code === 254) out.set(spaces, filled * 8);
            else if (code === 255) outView.setFloat64(filled * 8, d.sysmis, d.le);
            else outView.setFloat64(filled * 8, code - d.bias, d.le);
            filled++;
            if (filled === d.segments) {
              visit(out, outView, 0);
              cases++;
              filled = 0;
            }
          }
        }
        buffer.copyWithin(0, p, available);
        held = available - p;
        if (eof) break;
      }
      if (filled !== 0) bad('the last case is cut short');
      if (d.declaredCases >= 0 && cases !== d.declaredCases) bad(`the header declares ${d.declaredCases} cases but the data hold ${cases}`);
      return cases;
    };

    // Cases not declared in the header are counted by a pass over the data.
    const nRows = d.declaredCases >= 0 ? d.declaredCases : eachCase(() => undefined);

    const forEachChunk = (names: readonly string[], each: (r0: number, r1: number, columns: SavColumn[]) => void) => {
      const vars = names.map(find);
      const rowsPerChunk = Math.max(1, Math.floor(chunkBytes / caseBytes));
      const fresh = (v: Variable, n: number) => (v.width === 0 ? new Float64Array(n) : new Array<string | null>(n));
      let r0 = 0;
      let k = 0;
      let cols = vars.map((v) => fresh(v, Math.min(rowsPerChunk, nRows)));
      const flush = () => {
        each(
          r0,
          r0 + k,
          vars.map((v, j): SavColumn => {
            const values = cols[j];
            if (v.width === 0) {
              const numbers = (values as Float64Array).subarray(0, k);
              return { kind: 'number', values: numbers, ...(v.labels ? { labels: v.labels } : {}) };
            }
            // A chunk's arrays are its own (made for its rows): handed over as they are when full.
            const texts = values as (string | null)[];
            return { kind: 'string', values: texts.length === k ? texts : texts.slice(0, k) };
          }),
        );
        r0 += k;
        k = 0;
        cols = vars.map((v) => fresh(v, Math.min(rowsPerChunk, nRows - r0)));
      };
      eachCase((bytes, view, base) => {
        for (let j = 0; j < vars.length; j++) {
          const v = vars[j];
          const at = base + v.segment * 8;
          if (v.width === 0) {
            const x = view.getFloat64(at, d.le);
            (cols[j] as Float64Array)[k] = x === d.sysmis || v.missing.includes(x) || (v.range !== undefined && x >= v.range[0] && x <= v.range[1]) ? NaN : x;
          } else {
            const t = d.decoder.decode(bytes.subarray(at, at + Math.min(v.width, 255))).trimEnd();
            (cols[j] as (string | null)[])[k] = t === '' ? null : t;
          }
        }
        k++;
        if (k === rowsPerChunk) flush();
      });
      if (k > 0) flush();
    };

    handedOver = true;
    return {
      names: d.vars.map((v) => v.name),
      nRows,
      forEachChunk,
      columns(names) {
        const vars = names.map(find);
        const out: SavColumn[] = vars.map((v) =>
          v.width === 0
            ? { kind: 'number', values: new Float64Array(nRows), ...(v.labels ? { labels: v.labels } : {}) }
            : { kind: 'string', values: new Array<string | null>(nRows) },
        );
        forEachChunk(names, (r0, _r1, columns) =>
          columns.forEach((c, j) => {
            if (c.kind === 'number') (out[j].values as Float64Array).set(c.values, r0);
            else for (let i = 0; i < c.values.length; i++) (out[j].values as (string | null)[])[r0 + i] = c.values[i];
          }),
        );
        return out;
      },
      close: () => fs.closeSync(fd),
    };
  } finally {
    if (!handedOver) fs.closeSync(fd);
  }
}

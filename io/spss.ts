import { InputError } from '../common/errors.js';

/**
 * A reader of SPSS system files (.sav), as PSPP documents the format ("System File Format"): the
 * dictionary (variables, long names, value labels, missing values, character encoding) and the cases,
 * uncompressed or bytecode-compressed. Our own: the npm package sav-reader reads uncompressed files but
 * stops after the first case of the bytecode-compressed files R haven (ReadStat) and SPSS write by
 * default (seen with sav-reader 2.0.8). zlib-compressed files (.zsav) are refused with a message.
 * Values under 256 characters per string variable; very long strings are read as their first segment.
 */

export type SavColumn = { kind: 'number'; values: Float64Array; labels?: Map<number, string> } | { kind: 'string'; values: (string | null)[] };

export interface SavFile {
  names: string[];
  nRows: number;
  column(name: string): SavColumn;
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

/** Parses a .sav file held in memory. */
export function readSav(bytes: Uint8Array, file: string): SavFile {
  const bad = (what: string): never => {
    throw new InputError('bad-sav', `${file} is not a readable SPSS .sav file: ${what}`, file);
  };
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
    if (p + n > bytes.length) bad('the dictionary is cut short');
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
      const data = bytes.subarray(p + 16, p + 16 + size * count);
      if (subtype === 4 && size === 8) sysmis = view.getFloat64(p + 16, le);
      if (subtype === 13) rawNames = data;
      if (subtype === 20) encoding = new TextDecoder('latin1').decode(data).trim() || encoding;
      p += 16 + size * count;
    } else if (type === 999) {
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

  // The cases, as 8-byte segments: decompressed into one Float64Array / byte view per case.
  const data: Uint8Array[] = [];
  const caseBytes = segments * 8;
  if (compression === 0) {
    const n = declaredCases >= 0 ? declaredCases : Math.floor((bytes.length - p) / caseBytes);
    if (p + n * caseBytes > bytes.length) bad(`the data of ${n} cases run past the end of the file (truncated?)`);
    for (let k = 0; k < n; k++) data.push(bytes.subarray(p + k * caseBytes, p + (k + 1) * caseBytes));
  } else {
    const spaces = new Uint8Array(8).fill(32);
    const out = new Uint8Array(caseBytes);
    const outView = new DataView(out.buffer);
    let filled = 0;
    let done = false;
    while (!done && p + 8 <= bytes.length) {
      const commands = bytes.subarray(p, p + 8);
      p += 8;
      for (let c = 0; c < 8 && !done; c++) {
        const code = commands[c];
        if (code === 0) continue;
        if (code === 252) {
          done = true;
          break;
        }
        if (code === 253) {
          if (p + 8 > bytes.length) bad('the compressed data are cut short');
          out.set(bytes.subarray(p, p + 8), filled * 8);
          p += 8;
        } else if (code === 254) out.set(spaces, filled * 8);
        else if (code === 255) outView.setFloat64(filled * 8, sysmis, le);
        else outView.setFloat64(filled * 8, code - bias, le);
        filled++;
        if (filled === segments) {
          data.push(out.slice());
          filled = 0;
        }
      }
    }
    if (filled !== 0) bad('the last case is cut short');
    if (declaredCases >= 0 && data.length !== declaredCases) bad(`the header declares ${declaredCases} cases but the data hold ${data.length}`);
  }
  const nRows = data.length;
  return {
    names: vars.map((v) => v.name),
    nRows,
    column(name) {
      const v = vars.find((x) => x.name === name);
      if (!v) return bad(`no variable "${name}"`);
      if (v.width === 0) {
        const values = new Float64Array(nRows);
        for (let i = 0; i < nRows; i++) {
          const x = new DataView(data[i].buffer, data[i].byteOffset + v.segment * 8, 8).getFloat64(0, le);
          values[i] = x === sysmis || v.missing.includes(x) || (v.range !== undefined && x >= v.range[0] && x <= v.range[1]) ? NaN : x;
        }
        return { kind: 'number', values, ...(v.labels ? { labels: v.labels } : {}) };
      }
      const values: (string | null)[] = new Array(nRows);
      const width = Math.min(v.width, 255);
      for (let i = 0; i < nRows; i++) {
        const t = decoder.decode(data[i].subarray(v.segment * 8, v.segment * 8 + width)).trimEnd();
        values[i] = t === '' ? null : t;
      }
      return { kind: 'string', values };
    },
  };
}

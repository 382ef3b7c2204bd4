import type ExcelJS from 'exceljs';
import { excel } from '../common/exceljs.js';
import JSZip from 'jszip';
import * as XLSX from '@e965/xlsx';
import { parse } from 'csv-parse/sync';
import { XlsformError, parseHeader, type Sheet, type SheetModel } from './xlsform.js';
import type { Attachment } from './format.js';
import { MAX_ATTACHMENT_ROWS } from './limits.js';

/** Largest workbook file taken (bytes), and the most its parts may inflate to: forms are small. */
export const MAX_WORKBOOK_BYTES = 20 * 1024 * 1024;
const MAX_INFLATED_BYTES = 100 * 1024 * 1024;
const MAX_ZIP_ENTRIES = 2_000;
/** Largest CSV attachment (bytes). */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A date cell as pyxform reads it: a date (`2020-01-31`) when it has no time, a time (`08:30:00`) when
 * it has no date (Excel's day 0), else `2020-01-31 08:30:00`. Excel counts 1900 as a leap year, so the
 * reader's dates before 1 March 1900 are a day early; they are put right.
 */
function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  let t = d.getTime();
  if (t < Date.UTC(1900, 2, 1) && t >= Date.UTC(1899, 11, 31)) t += 86_400_000;
  const x = new Date(Math.round(t / 1000) * 1000);
  const date = `${x.getUTCFullYear()}-${pad(x.getUTCMonth() + 1)}-${pad(x.getUTCDate())}`;
  const time = `${pad(x.getUTCHours())}:${pad(x.getUTCMinutes())}:${pad(x.getUTCSeconds())}`;
  if (x.getTime() < Date.UTC(1900, 0, 1)) return time; // a time of day alone (Excel's day 0)
  return time === '00:00:00' ? date : `${date} ${time}`;
}

/** Text as pyxform reads it: non-breaking spaces are spaces, the OOXML escape of a carriage return dropped, ends trimmed. */
function cleanText(s: string): string {
  return s
    .replace(/\u00a0/g, ' ')
    .replace(/_x000D_/gi, '')
    .replace(/\r\n?/g, '\n')
    .trim();
}

/** The text of a cell as XLSForm means it (formula results, rich text, hyperlinks, dates, booleans). */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return cleanText(v);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) return dateText(v);
  if (typeof v === 'object') {
    if ('richText' in v) return cleanText(v.richText.map((r) => r.text).join(''));
    if ('formula' in v || 'sharedFormula' in v) {
      const f = v as { formula?: string; result?: ExcelJS.CellValue };
      // A workbook saved without computed values still says =TRUE() / =FALSE() plainly.
      if (f.result === undefined && /^(TRUE|FALSE)(\(\))?$/i.test(f.formula ?? '')) return f.formula!.replace(/\(\)$/, '').toUpperCase();
      return cellText(f.result ?? '');
    }
    if ('text' in v) return cellText((v as { text: ExcelJS.CellValue }).text);
    if ('error' in v) return '';
  }
  return cleanText(String(v));
}

/** A header's key: base columns normalised (`LIST NAME` -> list_name), translated columns as written. */
function headerKey(raw: string): string {
  const p = parseHeader(raw);
  return p.language === null ? p.column : raw.trim();
}

/** A grid of cell texts (row-major, 1-based row numbers) into a sheet: header row, then rows; a value under no header is left aside with a note. */
function toSheet(name: string, grid: { line: number; cells: string[] }[]): Sheet {
  const [first, ...rest] = grid;
  const header: string[] = (first?.cells ?? []).map((c) => (c ? headerKey(c) : ''));
  // pyxform reads headers up to 20 adjacent empty ones, and rows up to 60 adjacent empty ones.
  let empty = 0;
  for (let k = 0; k < header.length; k++) {
    empty = header[k] === '' ? empty + 1 : 0;
    if (empty > MAX_ADJACENT_EMPTY_COLUMNS) {
      header.length = k;
      break;
    }
  }
  const sheet: Sheet = { header: header.filter((h) => h !== ''), rows: [], notes: [] };
  let previous = first?.line ?? 0;
  let strays = 0;
  for (const { line, cells } of rest) {
    if (line - previous - 1 >= MAX_ADJACENT_EMPTY_ROWS) {
      sheet.notes!.push(
        `${name} row ${line}: rows after ${MAX_ADJACENT_EMPTY_ROWS} empty ones are not part of the form (as pyxform reads a sheet) and were left aside`,
      );
      break;
    }
    previous = line;
    const out: Record<string, string> = {};
    let any = false;
    cells.forEach((text, k) => {
      if (text === '') return;
      const key = header[k];
      if (!key) {
        // pyxform reads a sheet by its header: a value in a column without one is not part of the form.
        strays++;
        if (strays <= MAX_STRAY_NOTES)
          sheet.notes!.push(`${name} row ${line}: the value "${text.slice(0, 40)}" in column ${columnLetter(k)} has no header and was left aside`);
        return;
      }
      out[key] = text;
      any = true;
    });
    if (any) sheet.rows.push({ line, cells: out });
  }
  if (strays > MAX_STRAY_NOTES) sheet.notes!.push(`${name}: ${strays - MAX_STRAY_NOTES} more values under no header were left aside`);
  return sheet;
}

const MAX_ADJACENT_EMPTY_ROWS = 60;
const MAX_ADJACENT_EMPTY_COLUMNS = 20;
const MAX_STRAY_NOTES = 20;

function columnLetter(k: number): string {
  let s = '';
  for (let n = k + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

interface ZipStream {
  on(event: 'data', cb: (chunk: Uint8Array) => void): ZipStream;
  on(event: 'error', cb: (err: Error) => void): ZipStream;
  on(event: 'end', cb: () => void): ZipStream;
  pause(): ZipStream;
  resume(): ZipStream;
}

/** Refuses a zip whose parts would inflate beyond the budget (a zip bomb), reading at most the budget. */
async function checkZipSize(bytes: Uint8Array): Promise<void> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes);
  } catch (err) {
    throw new XlsformError(`not a readable .xlsx workbook (${(err as Error).message})`);
  }
  const files = Object.values(zip.files).filter((f) => !f.dir);
  if (files.length > MAX_ZIP_ENTRIES) throw new XlsformError(`not an XLSForm workbook: it holds ${files.length} parts (at most ${MAX_ZIP_ENTRIES})`);
  let total = 0;
  for (const f of files) {
    // Inflate part by part, counting what comes out: declared sizes may lie.
    await new Promise<void>((resolve, reject) => {
      // internalStream is JSZip's public streaming helper (not in its type declarations).
      const stream = (f as unknown as { internalStream(type: 'uint8array'): ZipStream }).internalStream('uint8array');
      stream
        .on('data', (chunk: Uint8Array) => {
          total += chunk.length;
          if (total > MAX_INFLATED_BYTES) {
            stream.pause();
            reject(new XlsformError(`not an XLSForm workbook: its parts inflate to more than ${MAX_INFLATED_BYTES / 1048576} MB (a zip bomb?)`));
          }
        })
        .on('error', (err: Error) => reject(new XlsformError(`not a readable .xlsx workbook (${err.message})`)))
        .on('end', () => resolve())
        .resume();
    });
  }
}

/** An .xlsx workbook through ExcelJS. */
async function readXlsx(bytes: Uint8Array): Promise<SheetModel> {
  await checkZipSize(bytes);
  const wb = new (await excel()).Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new XlsformError(`not a readable .xlsx workbook (${(err as Error).message})`);
  }
  const model: SheetModel = {};
  wb.eachSheet((ws) => {
    const grid: { line: number; cells: string[] }[] = [];
    ws.eachRow({ includeEmpty: false }, (row, line) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        cells[col - 1] = cellText(cell.value);
      });
      grid.push({ line, cells: Array.from(cells, (c) => c ?? '') });
    });
    // The header is the sheet's first row, even when it is not row 1.
    model[ws.name.trim().toLowerCase()] = toSheet(ws.name.trim().toLowerCase(), grid);
  });
  return model;
}

/** A legacy .xls (BIFF, Excel 97-2004) workbook through SheetJS. */
function readXls(bytes: Uint8Array): SheetModel {
  let wb: XLSX.WorkBook;
  try {
    wb = XLSX.read(bytes, { type: 'array', cellDates: true, cellFormula: false, cellHTML: false, cellStyles: false });
  } catch (err) {
    throw new XlsformError(`not a readable .xls workbook (${(err as Error).message})`);
  }
  const model: SheetModel = {};
  for (const sheetName of wb.SheetNames) {
    const ws = wb.Sheets[sheetName];
    // The cells the sheet holds (its declared range may be far larger: an .xls says A1:IV65536 freely).
    const byRow = new Map<number, string[]>();
    for (const address of Object.keys(ws)) {
      if (address.startsWith('!')) continue;
      const cell = ws[address] as XLSX.CellObject;
      if (cell.v === undefined || cell.v === null) continue;
      const { r, c } = XLSX.utils.decode_cell(address);
      let text: string;
      if (cell.v instanceof Date) text = dateText(cell.v);
      else if (typeof cell.v === 'boolean') text = cell.v ? 'TRUE' : 'FALSE';
      else if (typeof cell.v === 'number') text = String(cell.v);
      else text = cleanText(String(cell.v));
      if (text === '') continue;
      let row = byRow.get(r);
      if (!row) byRow.set(r, (row = []));
      row[c] = text;
    }
    const grid = [...byRow.entries()].sort((a, b) => a[0] - b[0]).map(([r, cells]) => ({ line: r + 1, cells: Array.from(cells, (x) => x ?? '') }));
    const name = sheetName.trim().toLowerCase();
    model[name] = toSheet(name, grid);
  }
  return model;
}

/**
 * Reads an XLSForm workbook (bytes of an .xlsx, or of a legacy .xls) into sheets; sheet and column
 * names are case-insensitive. Values under no header are left aside (listed in the sheet's notes).
 */
export async function readXlsformWorkbook(bytes: Uint8Array): Promise<SheetModel> {
  if (bytes.length > MAX_WORKBOOK_BYTES)
    throw new XlsformError(`the workbook is ${(bytes.length / 1048576).toFixed(1)} MB; an XLSForm may be at most ${MAX_WORKBOOK_BYTES / 1048576} MB`);
  const cfb = bytes.length >= 8 && bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0;
  const zip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (cfb) return readXls(bytes);
  if (zip) return readXlsx(bytes);
  throw new XlsformError('not an Excel workbook: an XLSForm is an .xlsx (or a legacy .xls) file');
}

/**
 * A CSV file attached to a form (choices of select_one_from_file, data for pulldata): its header and
 * rows as text, bounded in size; a bad file is an error naming it and the row.
 */
export function readAttachmentCsv(name: string, bytes: Uint8Array): Attachment {
  if (bytes.length > MAX_ATTACHMENT_BYTES)
    throw new XlsformError(
      `${name}: the file is ${(bytes.length / 1048576).toFixed(1)} MB; an attachment may be at most ${MAX_ATTACHMENT_BYTES / 1048576} MB`,
      name,
    );
  let records: string[][];
  try {
    records = parse(Buffer.from(bytes), { bom: true, skip_empty_lines: true, relax_column_count: true, to_line: MAX_ATTACHMENT_ROWS + 2 }) as string[][];
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new XlsformError(`${name}${e.lines ? ` line ${e.lines}` : ''}: not a readable CSV file (${e.message})`, name);
  }
  const [header = [], ...rows] = records;
  const names = header.map((h) => h.trim());
  if (names.length === 0 || names.some((h) => h === '')) throw new XlsformError(`${name}: the first line must name every column`, name);
  const dup = names.find((h, k) => names.indexOf(h) !== k);
  if (dup) throw new XlsformError(`${name}: column "${dup}" is named twice`, name);
  if (rows.length > MAX_ATTACHMENT_ROWS) throw new XlsformError(`${name}: more than ${MAX_ATTACHMENT_ROWS} rows`, name);
  return { header: names, rows: rows.map((r) => names.map((_, k) => (r[k] ?? '').trim())) };
}

/** Writes sheets as an .xlsx workbook (bytes). */
export async function writeXlsformWorkbook(model: SheetModel): Promise<Uint8Array> {
  const wb = new (await excel()).Workbook();
  for (const [name, sheet] of Object.entries(model)) {
    const ws = wb.addWorksheet(name);
    ws.addRow(sheet.header);
    for (const r of sheet.rows) ws.addRow(sheet.header.map((h) => r.cells[h] ?? null));
    ws.getRow(1).font = { bold: true };
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

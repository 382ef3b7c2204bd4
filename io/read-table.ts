import fs from 'node:fs';
import cliProgress from 'cli-progress';
import { InputError } from '../common/errors.js';
import { categoricalFrom, ColumnarCsvParser, csvHeader, type Column, type ColumnRole, type DataTable } from '../analysis/index.js';
import { openDta, type DtaColumn } from './stata.js';
import { openSav, type SavColumn } from './spss.js';
import { forEachLinePiece, readHead } from './read-file.js';

/**
 * Streams a CSV file through the columnar parser, keeping only `columns`. Shows a progress bar on a
 * terminal for files over 20 MB. A missing or unreadable file is an InputError.
 */
export async function readCsvTable(file: string, columns: ReadonlyMap<string, ColumnRole>): Promise<DataTable> {
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new InputError('not-a-file', `${file} is not a file`, file);
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(
      'file-not-found',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      file,
    );
  }
  // Rows expected from the size and the first line's length, so the columns are allocated once.
  const head = readHead(file).subarray(0, 65536);
  const lines = head.reduce((c, b) => c + (b === 10 ? 1 : 0), 0);
  const expectedRows = lines > 1 ? (size / head.length) * lines * 1.05 : undefined;
  const parser = new ColumnarCsvParser(columns, expectedRows);
  const showProgress = process.stderr.isTTY && size > 20 * 1024 * 1024 && !process.env.CI;
  const bar = showProgress
    ? new cliProgress.SingleBar(
        { format: 'reading {file} [{bar}] {percentage}% | {mb}/{totalMb} MB', stream: process.stderr, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const mb = (b: number) => (b / 1048576).toFixed(0);
  bar?.start(size, 0, { file, mb: '0', totalMb: mb(size) });
  const fd = fs.openSync(file, 'r');
  try {
    await forEachLinePiece(fd, 0, size, (piece) => {
      parser.push(piece);
      bar?.update(parser.bytesRead, { mb: mb(parser.bytesRead) });
    });
    return parser.finish();
  } finally {
    fs.closeSync(fd);
    bar?.stop();
  }
}

/** The formats a table file can be in, by its extension (anything else is CSV). */
export type TableFormat = 'csv' | 'dta' | 'sav' | 'parquet';
export function tableFormat(file: string): TableFormat {
  const ext = /\.([A-Za-z]+)$/.exec(file)?.[1]?.toLowerCase();
  return ext === 'dta' ? 'dta' : ext === 'sav' ? 'sav' : ext === 'parquet' ? 'parquet' : 'csv';
}

/**
 * A table file's columns, kept as `columns` says: CSV (quoted or not, as R, Stata, Excel and pandas
 * write it), Stata .dta, SPSS .sav or Parquet, by the file's extension. In the binary formats a column
 * read as a category takes its values' labels (Stata value labels, SPSS value labels) where they have
 * one, and a number read as a number keeps its code, so `--by migrant` shows "migrant" and
 * `${relation} = 1` still works. Missing values (Stata's `.` and `.a`-`.z`, SPSS system and
 * user-missing values, Parquet nulls) are missing.
 */
export async function readTable(file: string, columns: ReadonlyMap<string, ColumnRole>): Promise<DataTable> {
  const format = tableFormat(file);
  if (format === 'csv') return readCsvTable(file, columns);
  const source = await openBinaryTable(file, format);
  try {
    // As the CSV reader: a column the file does not have is left out (the design checks the columns it needs).
    const wanted = [...columns].filter(([name]) => source.names.includes(name));
    const read = await source.columns(wanted.map(([name]) => name));
    return { nRows: source.nRows, columns: new Map(wanted.map(([name, role], k) => [name, toColumn(name, read[k], role, file)])) };
  } finally {
    source.close();
  }
}

/** The column names of a table file (the header of a CSV). */
export async function readTableHeader(file: string): Promise<string[]> {
  const format = tableFormat(file);
  if (format === 'csv') return csvHeader(readHead(file));
  const source = await openBinaryTable(file, format);
  source.close();
  return source.names;
}

/** A column as a binary format gives it: numbers (with their value labels) or texts (io/spss.ts's shape). */
export type SourceColumn = SavColumn;

/** A binary table file: .dta, .sav or Parquet. */
export interface BinaryTable {
  names: string[];
  nRows: number;
  /** The columns asked for (in one pass over the data where the format allows). */
  columns(names: readonly string[]): Promise<SourceColumn[]>;
  /** The same chunk by chunk, rows [r0, r1) at a time (.dta and .sav; Parquet is read column by column). */
  forEachChunk?(names: readonly string[], each: (r0: number, r1: number, columns: SourceColumn[]) => void): void;
  close(): void;
}

const fromDta = (c: DtaColumn): SourceColumn =>
  c.kind === 'number' ? { kind: 'number', values: c.values, labels: c.valueLabels } : { kind: 'string', values: c.values };

export function toColumn(name: string, c: SourceColumn, role: ColumnRole, file: string): Column {
  if (c.kind === 'number' && role !== 'category') return { kind: 'number', name, values: c.values };
  if (c.kind === 'string' && role === 'number') {
    // Numbers stored as text: each must read as a number, as in a CSV.
    const values = new Float64Array(c.values.length);
    c.values.forEach((v, i) => {
      const t = (v ?? '').trim();
      if (t === '') values[i] = NaN;
      else if (Number.isFinite(Number(t))) values[i] = Number(t);
      else throw new InputError('not-a-number', `${file} row ${i + 1}: "${t}" is not a number`, `row ${i + 1}`);
    });
    return { kind: 'number', name, values };
  }
  // Categories by label (or the number's text) in order of appearance, as the CSV reader keeps them.
  if (c.kind === 'number')
    return categoricalFrom(
      name,
      Array.from(c.values, (x) => (Number.isNaN(x) ? null : (c.labels?.get(x) ?? String(x)))),
    );
  return categoricalFrom(
    name,
    c.values.map((v) => (v === '' ? null : v)),
  );
}

export async function openBinaryTable(file: string, format: Exclude<TableFormat, 'csv'>): Promise<BinaryTable> {
  if (format === 'parquet') return openParquet(file);
  if (format === 'dta') {
    const dta = openDta(file);
    return {
      names: dta.names,
      nRows: dta.nRows,
      columns: async (names) => dta.columns(names).map(fromDta),
      forEachChunk: (names, each) => dta.forEachChunk(names, (r0, r1, cs) => each(r0, r1, cs.map(fromDta))),
      close: () => dta.close(),
    };
  }
  const sav = openSav(file);
  return {
    names: sav.names,
    nRows: sav.nRows,
    columns: async (names) => sav.columns(names),
    forEachChunk: (names, each) => sav.forEachChunk(names, each),
    close: () => sav.close(),
  };
}

/**
 * Parquet through hyparquet, column by column: the file is read by byte ranges (its footer, then the
 * column chunks of the columns asked for), never whole, so memory is that of the columns read.
 */
async function openParquet(file: string): Promise<BinaryTable> {
  const { asyncBufferFromFile, parquetMetadataAsync, parquetRead, parquetSchema } = await import('hyparquet');
  let buffer: Awaited<ReturnType<typeof asyncBufferFromFile>>;
  try {
    buffer = await asyncBufferFromFile(file);
  } catch {
    throw new InputError('file-not-found', `cannot read ${file}`, file);
  }
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(buffer);
  } catch (err) {
    throw new InputError('bad-parquet', `${file} is not a readable Parquet file: ${(err as Error).message}`, file);
  }
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const nRows = Number(metadata.num_rows);
  const column = async (name: string): Promise<SourceColumn> => {
    const values: unknown[] = new Array(nRows);
    await parquetRead({
      file: buffer,
      metadata,
      columns: [name],
      onChunk: (chunk) => {
        for (let i = chunk.rowStart; i < chunk.rowEnd; i++) values[i] = chunk.columnData[i - chunk.rowStart];
      },
    });
    const numeric = values.every((v) => v === null || v === undefined || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean');
    if (numeric) return { kind: 'number', values: Float64Array.from(values, (v) => (v === null || v === undefined ? NaN : Number(v))) };
    return { kind: 'string', values: values.map((v) => (v === null || v === undefined ? null : String(v))) };
  };
  return { names, nRows, columns: async (wanted) => Promise.all(wanted.map(column)), close: () => undefined };
}

import fs from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../common/errors.js';
import {
  cellText,
  csvHeader,
  designColumnsOf,
  formatExchangeRates,
  parseCsvColumns,
  parseExchangeRates,
  parseDatasetDesign,
  type Codebook,
  type ColumnRole,
  type DataTable,
  type Dataset,
  type DatasetDesign,
  type ExchangeRate,
} from '../analysis/index.js';
import { readCsvTable } from './read-table.js';

/** A row of a level as the writers take it. */
export type LevelRow = Record<string, string | number>;

/** The columns of a level's file: keys, the codebook's variables of the level (amounts with their currency), then any other column the rows have. */
export function levelColumns(design: DatasetDesign, codebook: Codebook, level: string, rows: readonly LevelRow[]): string[] {
  const spec = design.levels.find((l) => l.name === level)!;
  const cols = [...spec.keys];
  const add = (c: string) => {
    if (!cols.includes(c)) cols.push(c);
  };
  for (const v of codebook.variables) {
    if (v.level !== level) continue;
    add(v.variable);
    if (v.unit) add(v.unit);
  }
  for (const r of rows) for (const k of Object.keys(r)) add(k);
  return cols;
}

/** Writes a survey dataset folder: design.json, codebook.json and one CSV per level. */
export function writeDataset(
  dir: string,
  design: DatasetDesign,
  codebook: Codebook,
  levels: Record<string, readonly LevelRow[]>,
  exchangeRates?: readonly ExchangeRate[],
): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'design.json'), `${JSON.stringify(design, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'codebook.json'), `${JSON.stringify(codebook, null, 1)}\n`);
  if (design.money?.exchangeRates && exchangeRates) fs.writeFileSync(path.join(dir, design.money.exchangeRates), formatExchangeRates(exchangeRates));
  for (const level of design.levels) {
    const rows = levels[level.name] ?? [];
    const columns = levelColumns(design, codebook, level.name, rows);
    fs.writeFileSync(path.join(dir, level.file), stringify(rows as LevelRow[], { header: true, columns }));
  }
}

/** The rows of a table as records (missing cells left out), one at a time, for streaming writers. */
export function* tableRows(table: DataTable, columns: readonly string[]): Generator<LevelRow> {
  const cols = columns.map((c) => table.columns.get(c)!);
  for (let i = 0; i < table.nRows; i++) {
    const r: LevelRow = {};
    cols.forEach((col, j) => {
      const v = cellText(col, i);
      if (v !== null) r[columns[j]] = col.kind === 'number' ? col.values[i] : v;
    });
    yield r;
  }
}

/** The rows of a table as records, all at once. */
export function tableRecords(table: DataTable, columns: readonly string[]): LevelRow[] {
  return [...tableRows(table, columns)];
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError('bad-json', `${file}: not valid JSON (${(err as Error).message})`, file);
  }
}

function rolesFor(design: DatasetDesign, level: DatasetDesign['levels'][number], header: string[]): Map<string, ColumnRole> {
  // Keys, strata and clusters are labels even when they look like numbers ("01" must stay "01").
  const labels = new Set([...level.keys, ...(design.strata ? [design.strata] : []), ...(design.ids ?? [])]);
  const numbers = new Set([design.weights, ...(design.fpc ?? []), ...(design.replicates?.columns ?? [])]);
  return new Map(header.map((h) => [h, labels.has(h) ? 'category' : numbers.has(h) ? 'number' : 'auto']));
}

/**
 * Reads a survey dataset: a folder or a .zip holding design.json, codebook.json and the level files.
 * Every problem (missing file, bad JSON, a design column the design level lacks) is an InputError naming the file.
 */
export async function readDataset(location: string): Promise<Dataset> {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(location);
  } catch {
    throw new InputError('file-not-found', `cannot read ${location}: no such file or folder`, location);
  }
  const isZip = stat.isFile() && location.toLowerCase().endsWith('.zip');
  if (!stat.isDirectory() && !isZip) throw new InputError('not-a-dataset', `${location} is neither a dataset folder nor a .zip`, location);
  let readText: (name: string) => Promise<string>;
  let readTable: (name: string, roles: Map<string, ColumnRole>) => Promise<DataTable>;
  let header: (name: string) => Promise<string[]>;
  if (isZip) {
    let zip: JSZip;
    try {
      zip = await JSZip.loadAsync(fs.readFileSync(location));
    } catch (err) {
      throw new InputError('bad-zip', `${location}: not a readable zip (${(err as Error).message})`, location);
    }
    // A zip made from a folder may hold everything one folder down.
    const prefix = zip.file('design.json')
      ? ''
      : (Object.keys(zip.files)
          .find((n) => n.endsWith('/design.json'))
          ?.slice(0, -'design.json'.length) ?? '');
    const entry = (name: string) => {
      const f = zip.file(prefix + name);
      if (!f) throw new InputError('file-not-found', `${location} has no ${name}`, `${location}:${name}`);
      return f;
    };
    readText = (name) => entry(name).async('string');
    readTable = async (name, roles) => parseCsvColumns(await entry(name).async('uint8array'), roles);
    header = async (name) => csvHeader(await entry(name).async('uint8array'));
  } else {
    const file = (name: string) => {
      const p = path.join(location, name);
      if (!fs.existsSync(p)) throw new InputError('file-not-found', `${location} has no ${name}`, p);
      return p;
    };
    readText = async (name) => fs.readFileSync(file(name), 'utf8');
    readTable = (name, roles) => readCsvTable(file(name), roles);
    header = async (name) => {
      const fd = fs.openSync(file(name), 'r');
      try {
        const buf = Buffer.alloc(1 << 16);
        return csvHeader(buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)));
      } finally {
        fs.closeSync(fd);
      }
    };
  }
  const design = parseDatasetDesign(parseJson(await readText('design.json'), 'design.json'));
  const codebookValue = parseJson(await readText('codebook.json'), 'codebook.json') as Codebook;
  if (!codebookValue || !Array.isArray(codebookValue.variables))
    throw new InputError('bad-dataset', 'codebook.json: needs a "variables" list', 'codebook.json');
  const tables = new Map<string, DataTable>();
  for (const level of design.levels) {
    const cols = await header(level.file);
    for (const k of level.keys)
      if (!cols.includes(k)) throw new InputError('unknown-column', `${level.file}: the key column "${k}" is missing`, `${level.file}, column ${k}`);
    tables.set(level.name, await readTable(level.file, rolesFor(design, level, cols)));
  }
  const designTable = tables.get(design.designLevel)!;
  for (const c of designColumnsOf(design)) {
    if (!designTable.columns.has(c))
      throw new InputError(
        'unknown-column',
        `design.json names column "${c}", which ${design.levels.find((l) => l.name === design.designLevel)!.file} does not have`,
        `design.json`,
      );
  }
  const exchangeRates = design.money?.exchangeRates
    ? parseExchangeRates(await readText(design.money.exchangeRates), design.money.localCurrency, design.money.exchangeRates)
    : undefined;
  return { design, codebook: codebookValue, tables, ...(exchangeRates ? { exchangeRates } : {}) };
}

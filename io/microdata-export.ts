import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { analysisTable, designColumnsOf, formatExchangeRates, type Codebook, type DataTable, type Dataset, type DatasetDesign } from '../analysis/index.js';
import { anonymise, svydesignCall, svysetLine, writeStata, type AnonymisationReport, type StataVariable } from '../analysis/index.js';
import { tableRows, type LevelRow } from './dataset-files.js';

/** A CSV file to write row by row. */
export interface CsvSource {
  columns: string[];
  rows: () => Iterable<LevelRow>;
}

/** Content of an exported file. */
export type ExportFile = string | Uint8Array | CsvSource;

/** Options of a microdata export. */
export interface MicrodataExportOptions {
  /** Public-use tier: anonymised (identifiers dropped, quasi-identifiers coarsened, k-anonymity). Else the analyst tier: direct identifiers dropped only. */
  publicUse: boolean;
  k?: number;
  rareCountry?: number;
  protect?: string[];
  seed?: number;
  formats: ('csv' | 'dta')[];
  /** Language of the variable and value labels in .dta files. */
  language?: string;
}

/** What was done, as written to disclosure.json and design.json's provenance. */
export interface DisclosureStatement {
  tier: 'public-use' | 'analyst';
  droppedIdentifiers: string[];
  anonymisation?: AnonymisationReport;
  note: string;
}

function columnsFor(table: DataTable, codebook: Codebook, level: string, keys: string[], design: string[]): string[] {
  const cols = [...keys];
  const add = (c: string) => {
    if (table.columns.has(c) && !cols.includes(c)) cols.push(c);
  };
  for (const v of codebook.variables) {
    if (v.level !== level) continue;
    add(v.variable);
    if (v.unit) add(v.unit);
  }
  for (const c of table.columns.keys()) if (!c.endsWith('_line') || !keys.length) add(c);
  for (const c of design) add(c);
  return cols;
}

function stataVariables(columns: string[], table: DataTable, codebook: Codebook, language: string): StataVariable[] {
  const byName = new Map(codebook.variables.map((v) => [v.variable, v]));
  return columns.map((name) => {
    const v = byName.get(name);
    const label = v ? (v.label[language] ?? v.label.en ?? Object.values(v.label)[0]) : undefined;
    let valueLabels: Map<number, string> | undefined;
    const col = table.columns.get(name);
    if (v?.valueLabels && col?.kind === 'number') {
      const entries = Object.entries(v.valueLabels).filter(([k]) => /^-?\d+$/.test(k));
      if (entries.length) valueLabels = new Map(entries.map(([k, l]) => [Number(k), l[language] ?? l.en ?? Object.values(l)[0]]));
    }
    return { name, label, valueLabels };
  });
}

/**
 * The microdata of a dataset as files: one CSV and/or Stata .dta per level (every level carries the design
 * columns, so each file can be svyset alone), design.json and codebook.json (the export is itself a dataset),
 * disclosure.json, and svyset.do / svydesign.R that reproduce the design.
 */
export function exportMicrodata(input: Dataset, options: MicrodataExportOptions): { files: Map<string, ExportFile>; disclosure: DisclosureStatement } {
  const language = options.language ?? 'en';
  let dataset = input;
  let disclosure: DisclosureStatement;
  if (options.publicUse) {
    const r = anonymise(input, { k: options.k, rareCountry: options.rareCountry, protect: options.protect, seed: options.seed });
    dataset = r.dataset;
    disclosure = {
      tier: 'public-use',
      droppedIdentifiers: r.report.droppedIdentifiers,
      anonymisation: r.report,
      note: `Public-use file: direct identifiers and interview metadata dropped; interview ids and small-area codes replaced by meaningless codes (PSUs kept, so variances are unchanged); quasi-identifiers coarsened; key combinations checked for ${r.report.kAnonymity[0]?.k ?? options.k ?? 3}-anonymity with local suppression.`,
    };
  } else {
    const ids = new Set(input.codebook.variables.filter((v) => v.identifier).map((v) => v.variable));
    const tables = new Map(
      [...input.tables].map(([n, t]) => [n, { nRows: t.nRows, columns: new Map([...t.columns].filter(([c]) => !ids.has(c))) } as DataTable]),
    );
    dataset = { ...input, tables, codebook: { ...input.codebook, variables: input.codebook.variables.filter((v) => !ids.has(v.variable)) } };
    disclosure = {
      tier: 'analyst',
      droppedIdentifiers: [...ids],
      note: 'Analyst file: direct identifiers dropped; no other disclosure control (restricted use).',
    };
  }
  const files = new Map<string, ExportFile>();
  const designCols = designColumnsOf(dataset.design);
  // A public-use file coarsens variables a calibration may use: its record is left out there (the
  // calibrated weights stay, used as fixed weights), and the note says so.
  const { calibration: _calibration, ...uncalibrated } = dataset.design;
  const keepCalibration = disclosure.tier !== 'public-use' && dataset.design.calibration !== undefined;
  if (dataset.design.calibration && !keepCalibration)
    disclosure = { ...disclosure, note: `${disclosure.note} The calibration record of the weights is not included: its variables may be coarsened here.` };
  const design: DatasetDesign = { ...(keepCalibration ? dataset.design : uncalibrated), provenance: { ...(dataset.design.provenance ?? {}), disclosure } };
  const stataDo: string[] = ['* Stata: open a level and declare the design (every file carries the design columns).'];
  const rScript: string[] = ['# R: read a level and declare the design (every file carries the design columns).', 'library(haven)', 'library(survey)'];
  for (const level of dataset.design.levels) {
    const own = dataset.tables.get(level.name)!;
    // Child levels get the design columns from the design level, so each file stands alone.
    const joined = level.name === dataset.design.designLevel ? own : analysisTable(dataset, level.name);
    const columns = columnsFor(joined, dataset.codebook, level.name, level.keys, designCols).filter((c) => own.columns.has(c) || designCols.includes(c));
    const base = level.file.replace(/\.csv$/, '');
    if (options.formats.includes('csv')) files.set(level.file, { columns, rows: () => tableRows(joined, columns) });
    if (options.formats.includes('dta')) {
      files.set(
        `${base}.dta`,
        writeStata({
          table: joined,
          variables: stataVariables(columns, joined, dataset.codebook, language),
          label: `${dataset.design.title ?? 'mdsurvey dataset'}: ${level.name} (${disclosure.tier})`,
        }),
      );
    }
    stataDo.push(`use "${base}.dta", clear`, svysetLine(dataset.design), '');
    rScript.push(
      `${base} <- ${options.formats.includes('dta') ? `read_dta("${base}.dta")` : `read.csv("${level.file}")`}`,
      svydesignCall(dataset.design, base).replace('design <-', `${base}_design <-`),
      '',
    );
  }
  files.set('design.json', `${JSON.stringify(design, null, 2)}\n`);
  files.set('codebook.json', `${JSON.stringify(dataset.codebook, null, 1)}\n`);
  // The exchange-rate table travels with the amounts: a reader converts them as mdsurvey does (analysis/money.ts).
  if (dataset.design.money?.exchangeRates && dataset.exchangeRates) files.set(dataset.design.money.exchangeRates, formatExchangeRates(dataset.exchangeRates));
  files.set('disclosure.json', `${JSON.stringify(disclosure, null, 2)}\n`);
  files.set('svyset.do', `${stataDo.join('\n')}\n`);
  files.set('svydesign.R', `${rScript.join('\n')}\n`);
  return { files, disclosure };
}

/** Writes export files into a folder; CSV files are streamed (csv-stringify) so a large level never sits in memory as text. */
export async function writeExportFiles(dir: string, files: Map<string, ExportFile>): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    if (typeof content === 'string' || content instanceof Uint8Array) {
      fs.writeFileSync(file, content);
      continue;
    }
    const out = fs.createWriteStream(file);
    const csv = stringify({ header: true, columns: content.columns });
    csv.pipe(out);
    for (const row of content.rows()) if (!csv.write(row)) await once(csv, 'drain');
    csv.end();
    await once(out, 'finish');
  }
}

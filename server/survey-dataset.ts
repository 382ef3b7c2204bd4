import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yazl from 'yazl';
import { stringify } from 'csv-stringify';
import { designRoleOf, formatExchangeRates, parseDatasetDesign, type Codebook, type DatasetDesign, type DatasetLevel } from '../analysis/index.js';
import { exchangeRatesOf } from './queries/exchange-rates.js';
import { latestVersionOf, questionnaireDefinition } from './queries/surveys.js';
import { HttpProblem } from './http/problem.js';
import { codebookOf, flattenInterview, levelsOf, type CodebookEntry, type CompiledQuestionnaire, type Level } from '../questionnaires/index.js';
import type { Database } from './db/index.js';
import { levelColumns, type LevelRow } from '../io/dataset-files.js';
import { approvedInterviewPages, caseFieldNames, type InterviewRow } from './queries/submissions.js';
import { neutraliseFormula } from './spreadsheet-safety.js';

/** The design part of a survey's settings (`settings.design`): column names of the household file. */
export interface SurveyDesignSettings {
  weights?: string;
  strata?: string;
  ids?: string[];
  fpc?: string[];
  nest?: boolean;
  lonelyPsu?: DatasetDesign['lonelyPsu'];
  variableMap?: Record<string, string>;
}

/**
 * What a field of the sample's case data is (`settings.caseFields`): a design variable (weight, stratum,
 * PSU, fpc), geography (`region` kept in public files, `area` codes replaced there), a quasi-identifier,
 * another analysis variable, or an identifier. A field that is not declared is an identifier: listing
 * files carry names, phone numbers and addresses, and nothing may reach analysts by omission.
 */
export const CASE_FIELD_ROLES = ['design', 'region', 'area', 'quasi-identifier', 'variable', 'identifier'] as const;
export type CaseFieldRole = (typeof CASE_FIELD_ROLES)[number];

/** The settings of a survey that the dataset reads. */
export interface SurveySettings {
  design?: SurveyDesignSettings;
  caseFields?: Record<string, CaseFieldRole>;
  /** The price basis of money figures; the currency is the questionnaire's setting local_currency. */
  money?: { priceBasis?: string };
}

/** The default price basis: amounts as reported, at the prices of the interview period. */
export const DEFAULT_PRICE_BASIS = 'current prices of the interview period';

/** The money settings of a survey's dataset: the questionnaire's local currency, the survey's price basis and exchange-rate file. */
export function datasetMoney(q: CompiledQuestionnaire, settings: SurveySettings): DatasetDesign['money'] | undefined {
  const local = q.source.settings?.local_currency;
  if (typeof local !== 'string') return undefined;
  const start = q.fields.find((f) => f.scope === -1 && f.item.kind === 'metadata' && f.item.type === 'start');
  return {
    localCurrency: local,
    priceBasis: settings.money?.priceBasis ?? DEFAULT_PRICE_BASIS,
    exchangeRates: 'exchange-rates.csv',
    ...(start ? { dateColumn: start.name } : {}),
  };
}

/** The local currency of a survey: its latest questionnaire's setting local_currency. */
export async function surveyLocalCurrency(db: Database, surveyId: string): Promise<string> {
  const version = await latestVersionOf(db, surveyId);
  const definition = version ? ((await questionnaireDefinition(db, surveyId, version)) as { settings?: Record<string, unknown> } | undefined) : undefined;
  const local = definition?.settings?.local_currency;
  if (typeof local !== 'string')
    throw new HttpProblem(
      'invalid-body',
      'the questionnaire of this survey names no local currency (settings.local_currency): exchange rates convert amounts to it',
    );
  return local;
}

/** The role of a case-data field: as declared; a column the design names is a design variable; else an identifier. */
export function caseFieldRole(name: string, settings: SurveySettings): CaseFieldRole {
  const declared = settings.caseFields?.[name];
  if (declared) return declared;
  const d = settings.design ?? {};
  if ([d.weights, d.strata, ...(d.ids ?? []), ...(d.fpc ?? [])].includes(name)) return 'design';
  return 'identifier';
}

/** The dataset levels of a questionnaire: household, rosters (nested ones under their parent), follow-up rosters following their source. */
export function datasetLevels(q: CompiledQuestionnaire): DatasetLevel[] {
  return levelsOf(q).map((l) => {
    const parent = l.keys.length === 1 ? null : l.keys.length === 2 ? 'household' : l.keys[l.keys.length - 2].replace(/_key$/, '');
    const level: DatasetLevel = { name: l.name, file: `${l.name}.csv`, keys: l.keys, parent };
    const from = l.roster?.item.kind === 'roster' ? l.roster.item.rowsFrom?.roster : undefined;
    if (from) level.follows = { level: from, on: { [`${l.name}_key`]: `${from}_key` } };
    return level;
  });
}

/** Options of a survey dataset: who reads it (identifiers or not), which review states, the survey settings. */
export interface SurveyDatasetOptions {
  withIdentifiers: boolean;
  states: string[];
  settings: SurveySettings;
}

/**
 * design.json and codebook.json of the survey's dataset, before any row is read: the questionnaire's
 * variables (identifiers, and values computed from them, only when allowed) and the case-data fields of
 * the assignments, each with its declared role (undeclared ones are identifiers).
 */
export async function surveyDatasetDescription(
  db: Database,
  surveyId: string,
  q: CompiledQuestionnaire,
  opts: SurveyDatasetOptions,
): Promise<{ design: DatasetDesign; codebook: Codebook; caseColumns: string[] }> {
  const d = opts.settings.design ?? {};
  const questionVariables = new Set(
    codebookOf(q)
      .filter((v) => v.level === 'household')
      .map((v) => v.variable),
  );
  const caseColumns = (await caseFieldNames(db, surveyId)).filter(
    (c) => !questionVariables.has(c) && c !== 'interview_id' && (opts.withIdentifiers || caseFieldRole(c, opts.settings) !== 'identifier'),
  );
  const design = parseDatasetDesign({
    format: 'mdsurvey-dataset/1',
    title: `${q.source.title ? (typeof q.source.title === 'string' ? q.source.title : (q.source.title.en ?? q.source.id)) : q.source.id} ${q.source.version}`,
    designLevel: 'household',
    weights: d.weights ?? 'weight',
    ...(d.strata ? { strata: d.strata } : {}),
    ...(d.ids ? { ids: d.ids } : {}),
    ...(d.fpc ? { fpc: d.fpc } : {}),
    ...(d.nest !== undefined ? { nest: d.nest } : {}),
    ...(d.lonelyPsu ? { lonelyPsu: d.lonelyPsu } : {}),
    levels: datasetLevels(q),
    ...(d.variableMap ? { variableMap: d.variableMap } : {}),
    ...(datasetMoney(q, opts.settings) ? { money: datasetMoney(q, opts.settings) } : {}),
    // The questionnaire's settings (host country, thresholds) for the analysis: tables and catalogue read them.
    ...(q.source.settings
      ? {
          settings: Object.fromEntries(
            Object.entries(q.source.settings).filter((e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number'),
          ),
        }
      : {}),
    provenance: {
      source: 'mdsurvey server export',
      surveyId,
      states: opts.states,
      // The truth about this file: identifiers (declared, computed from one, undeclared case data) are in it only for the restricted tier.
      identifiersIncluded: opts.withIdentifiers,
      ...(opts.settings.design ? {} : { note: 'the survey settings name no design: weights default to a column "weight" (set settings.design)' }),
    },
  });
  const variables: CodebookEntry[] = [
    ...codebookOf(q).filter((v) => opts.withIdentifiers || !v.identifier),
    ...caseColumns.map((c): CodebookEntry => {
      const role = caseFieldRole(c, opts.settings);
      return {
        level: 'household',
        variable: c,
        label: { en: `${c} (sample case data${settings(opts.settings, c) ? '' : ', not declared: treated as an identifier'})` },
        type: 'case',
        identifier: role === 'identifier',
        quasiIdentifier: role === 'quasi-identifier' || role === 'region' || c === design.strata,
        ...(designRoleOf(design, c) ? { design: designRoleOf(design, c) } : {}),
        ...(role === 'region' || role === 'area' ? { geography: role } : {}),
      };
    }),
  ];
  const codebook: Codebook = { questionnaire: { id: q.source.id, version: q.source.version }, languages: q.source.languages.available, variables };
  return { design, codebook, caseColumns };
}

const settings = (s: SurveySettings, c: string) => s.caseFields?.[c] !== undefined || caseFieldRole(c, s) === 'design';

/** The rows one interview gives a level, with the case columns on the household rows. */
export function levelRows(level: Level, row: InterviewRow, withIdentifiers: boolean, caseColumns: readonly string[]): LevelRow[] {
  const out = flattenInterview(level, row.interview_id, row.answers, withIdentifiers);
  if (level.name === 'household') {
    for (const o of out) {
      for (const c of caseColumns) {
        const v = row.case_data?.[c];
        o[c] = typeof v === 'string' || typeof v === 'number' ? v : '';
      }
    }
  }
  return out;
}

/**
 * The dataset as a .zip stream: design.json, codebook.json, one CSV per level (the format `mdsurvey`
 * reads). One keyset pass over the interviews writes every level's CSV (csv-stringify) to a temporary
 * file, with backpressure; the zip (yazl) then streams the files and they are removed. Memory stays
 * flat whatever the survey size, and each answer is parsed once. `spreadsheet` neutralises text that
 * Excel would run as a formula (see spreadsheet-safety.ts).
 */
export async function datasetZipStream(
  db: Database,
  surveyId: string,
  q: CompiledQuestionnaire,
  opts: SurveyDatasetOptions & { spreadsheet?: boolean },
): Promise<Readable> {
  const { design, codebook, caseColumns } = await surveyDatasetDescription(db, surveyId, q, opts);
  const levels = levelsOf(q);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mdsurvey-zip-'));
  try {
    const writers = design.levels.map((spec) => {
      const level = levels.find((l) => l.name === spec.name)!;
      const csv = stringify({
        header: true,
        columns: levelColumns(design, codebook, level.name, []),
        cast: opts.spreadsheet ? { string: neutraliseFormula } : {},
      });
      const file = path.join(dir, spec.file);
      const done = pipeline(csv, fs.createWriteStream(file));
      return { spec, level, csv, file, done };
    });
    for await (const page of approvedInterviewPages(db, surveyId, opts.states)) {
      for (const row of page) {
        for (const w of writers) {
          for (const r of levelRows(w.level, row, opts.withIdentifiers, caseColumns)) {
            if (!w.csv.write(r)) await once(w.csv, 'drain');
          }
        }
      }
    }
    for (const w of writers) w.csv.end();
    await Promise.all(writers.map((w) => w.done));
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(`${JSON.stringify(design, null, 2)}\n`), 'design.json');
    zip.addBuffer(
      Buffer.from(`${JSON.stringify({ ...codebook, ...(opts.spreadsheet ? { csvFormulaGuard: FORMULA_NOTE } : {}) }, null, 1)}\n`),
      'codebook.json',
    );
    for (const w of writers) zip.addFile(w.file, w.spec.file);
    // The survey's exchange rates travel with its amounts (a header only when none was uploaded yet:
    // amounts in the local currency convert at 1, any other one is refused by name when analysed).
    if (design.money?.exchangeRates) {
      const rates = await exchangeRatesOf(db, surveyId);
      zip.addBuffer(Buffer.from(formatExchangeRates(rates?.rates ?? [])), design.money.exchangeRates);
    }
    zip.end();
    const out = zip.outputStream as Readable;
    const cleanup = () => void fsp.rm(dir, { recursive: true, force: true });
    out.once('end', cleanup);
    out.once('error', cleanup);
    out.once('close', cleanup);
    return out;
  } catch (err) {
    await fsp.rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** What the codebook says of CSV files written for spreadsheets. */
export const FORMULA_NOTE =
  'Text beginning with =, +, -, @, a tab or a carriage return is written with a leading apostrophe in CSV and XLSX files, so that a spreadsheet shows it instead of running it as a formula; .dta and JSON files keep the raw value.';

import type { ExchangeRate, MoneySettings } from './exchange-rates.js';
import { InputError } from '../common/errors.js';
import { schemaChecker } from '../common/json-schema.js';
import type { CodebookEntry } from '../questionnaires/index.js';
import type { LonelyPsu, DesignSpec } from './design.js';
import { categoricalFrom, getColumn, type CategoricalColumn, type Column, type DataTable } from './table.js';

/** One file of a survey dataset: the household level or a roster, and how its rows join their parents. */
export interface DatasetLevel {
  /** `household`, or the roster's name (`members`, `emigrants` ...). */
  name: string;
  /** File name inside the dataset folder (`members.csv`). */
  file: string;
  /** Key columns, the parent's keys first: interview_id, then one `<roster>_key` per roster. */
  keys: string[];
  /** The level whose rows these rows belong to (null for the household level). */
  parent: string | null;
  /**
   * A follow-up roster (one row per member of another roster, e.g. schooling of members 5-24): the level it
   * follows and which of its key columns matches which of that level's, so the member's answers join in.
   */
  follows?: { level: string; on: Record<string, string> };
}

/** Replicate weight columns shipped with the data (in the design level's file). */
export interface DatasetReplicates {
  columns: string[];
  type: 'JK1' | 'JKn' | 'BRR' | 'Fay' | 'bootstrap' | 'other';
  scale?: number;
  /** Per-replicate factors of the variance (JKn: (n_h - 1) / n_h of the replicate's stratum). */
  rscales?: number[];
  rho?: number;
  mse?: boolean;
}

/**
 * How the final weights were calibrated (by `mdsurvey weights`), so estimates take their variance on the
 * calibration residuals as R's postStratify()/rake()/calibrate() designs do: the weights of the column
 * `base` (before calibration) are calibrated again at the design level and must give the `weights` column.
 */
export interface DatasetCalibration {
  /** Column of the design level with the weights before calibration (e.g. after the nonresponse adjustment). */
  base: string;
  poststratify?: { variable: string; totals: Record<string, number> };
  rake?: { variable: string; totals: Record<string, number> }[];
  calibrate?: {
    method: 'linear' | 'bounded' | 'logit';
    bounds?: [number, number];
    population?: number;
    numeric?: Record<string, number>;
    categorical?: Record<string, Record<string, number>>;
  };
}

/** design.json of a survey dataset: the sampling design in terms of its columns, and its files. */
export interface DatasetDesign {
  format: 'mdsurvey-dataset/1';
  title?: string;
  /** The level whose file holds the design columns (the household level); every other level inherits them. */
  designLevel: string;
  weights: string;
  strata?: string;
  ids?: string[];
  fpc?: string[];
  nest?: boolean;
  lonelyPsu?: LonelyPsu;
  /** PSUs drawn by PPS without replacement: the first fpc column holds their inclusion probabilities. */
  pps?: 'brewer' | 'overton';
  replicates?: DatasetReplicates;
  /** The calibration of the weights (variances then use its residuals). */
  calibration?: DatasetCalibration;
  levels: DatasetLevel[];
  /** Catalogue variable name -> this dataset's column, for surveys that used a composed questionnaire. */
  variableMap?: Record<string, string>;
  /** Survey settings the indicators use (thresholds are settings, not constants). */
  settings?: Record<string, number | string>;
  /** Local currency, price basis and exchange-rate file of the amounts (analysis/money.ts). */
  money?: MoneySettings;
  /** What was done to the data before it was written (public-use anonymisation, identifiers dropped ...). */
  provenance?: Record<string, unknown>;
}

/** codebook.json of a dataset. */
export interface Codebook {
  questionnaire?: { id: string; version: string };
  languages?: string[];
  variables: CodebookEntry[];
}

/** A survey dataset in memory: its design, codebook and one table per level. */
export interface Dataset {
  design: DatasetDesign;
  codebook: Codebook;
  tables: Map<string, DataTable>;
  /** The exchange-rate table named by design.money.exchangeRates. */
  exchangeRates?: ExchangeRate[];
}

const NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

/** JSON Schema (2020-12) of design.json. */
export const DATASET_DESIGN_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://mdsurvey.org/schemas/dataset-design.json',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'designLevel', 'weights', 'levels'],
  properties: {
    format: { const: 'mdsurvey-dataset/1' },
    title: { type: 'string' },
    designLevel: { type: 'string', pattern: NAME },
    weights: { type: 'string', minLength: 1 },
    strata: { type: 'string', minLength: 1 },
    ids: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 2 },
    fpc: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 2 },
    nest: { type: 'boolean' },
    lonelyPsu: { enum: ['fail', 'remove', 'certainty', 'adjust', 'average'] },
    pps: { enum: ['brewer', 'overton'] },
    replicates: {
      type: 'object',
      additionalProperties: false,
      required: ['columns', 'type'],
      properties: {
        columns: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 2 },
        type: { enum: ['JK1', 'JKn', 'BRR', 'Fay', 'bootstrap', 'other'] },
        scale: { type: 'number', exclusiveMinimum: 0 },
        rscales: { type: 'array', items: { type: 'number', minimum: 0 } },
        rho: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
        mse: { type: 'boolean' },
      },
    },
    calibration: {
      type: 'object',
      additionalProperties: false,
      required: ['base'],
      minProperties: 2,
      maxProperties: 2,
      properties: {
        base: { type: 'string', minLength: 1 },
        poststratify: { $ref: '#/$defs/margin' },
        rake: { type: 'array', items: { $ref: '#/$defs/margin' }, minItems: 1, maxItems: 20 },
        calibrate: {
          type: 'object',
          additionalProperties: false,
          required: ['method'],
          properties: {
            method: { enum: ['linear', 'bounded', 'logit'] },
            bounds: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
            population: { type: 'number', exclusiveMinimum: 0 },
            numeric: { type: 'object', additionalProperties: { type: 'number' } },
            categorical: { type: 'object', additionalProperties: { type: 'object', additionalProperties: { type: 'number', minimum: 0 } } },
          },
        },
      },
    },
    levels: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'file', 'keys', 'parent'],
        properties: {
          name: { type: 'string', pattern: NAME },
          file: { type: 'string', pattern: '^[A-Za-z0-9_.-]+\\.csv$' },
          keys: { type: 'array', items: { type: 'string', pattern: NAME }, minItems: 1 },
          parent: { type: ['string', 'null'] },
          follows: {
            type: 'object',
            additionalProperties: false,
            required: ['level', 'on'],
            properties: { level: { type: 'string' }, on: { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 } },
          },
        },
      },
    },
    variableMap: { type: 'object', additionalProperties: { type: 'string' } },
    settings: { type: 'object', additionalProperties: { type: ['number', 'string'] } },
    money: {
      type: 'object',
      additionalProperties: false,
      required: ['localCurrency', 'priceBasis'],
      properties: {
        localCurrency: { type: 'string', pattern: '^[A-Z]{3}$' },
        priceBasis: { type: 'string', minLength: 1 },
        exchangeRates: { type: 'string', pattern: '^[A-Za-z0-9_.-]+\\.csv$' },
        dateColumn: { type: 'string', pattern: NAME },
      },
    },
    provenance: { type: 'object' },
  },
  $defs: {
    margin: {
      type: 'object',
      additionalProperties: false,
      required: ['variable', 'totals'],
      properties: {
        variable: { type: 'string', minLength: 1 },
        totals: { type: 'object', additionalProperties: { type: 'number', minimum: 0 }, minProperties: 1 },
      },
    },
  },
} as const;

const checkDesign = schemaChecker(DATASET_DESIGN_SCHEMA, 'bad-dataset');

/** Parses and checks design.json: schema, then that levels, parents and the design level agree. */
export function parseDatasetDesign(value: unknown, source = 'design.json'): DatasetDesign {
  checkDesign(value, source);
  const design = value as DatasetDesign;
  const names = new Set<string>();
  design.levels.forEach((l, i) => {
    if (names.has(l.name)) throw new InputError('bad-dataset', `${source}: /levels/${i} repeats level "${l.name}"`, `${source} /levels/${i}`);
    if (l.parent !== null && !names.has(l.parent))
      throw new InputError(
        'bad-dataset',
        `${source}: /levels/${i} (${l.name}) names parent "${l.parent}", which is not an earlier level`,
        `${source} /levels/${i}`,
      );
    if (l.follows && !names.has(l.follows.level))
      throw new InputError(
        'bad-dataset',
        `${source}: /levels/${i} (${l.name}) follows "${l.follows.level}", which is not an earlier level`,
        `${source} /levels/${i}`,
      );
    names.add(l.name);
  });
  if (!names.has(design.designLevel))
    throw new InputError(
      'bad-dataset',
      `${source}: designLevel "${design.designLevel}" is not one of the levels (${[...names].join(', ')})`,
      `${source} /designLevel`,
    );
  return design;
}

/** The design of a dataset as the estimators take it (columns of the design level, inherited by every level). */
export function designSpecOf(design: DatasetDesign): DesignSpec {
  return {
    weights: design.weights,
    strata: design.strata,
    ids: design.ids ?? [],
    fpc: design.fpc ?? [],
    nest: design.nest,
    lonelyPsu: design.lonelyPsu ?? 'fail',
    ...(design.pps ? { pps: design.pps } : {}),
  };
}

/** Columns of the design level the design needs (weights, strata, clusters, fpc, replicates). */
export function designColumnsOf(design: DatasetDesign): string[] {
  return [
    design.weights,
    ...(design.strata ? [design.strata] : []),
    ...(design.ids ?? []).filter((c) => c !== '1' && c !== '0'),
    ...(design.fpc ?? []),
    ...(design.replicates?.columns ?? []),
    ...(design.calibration ? [design.calibration.base] : []),
  ];
}

/** The role a column plays in the design (the codebook's `design` flag), or undefined. */
export function designRoleOf(design: DatasetDesign, column: string): CodebookEntry['design'] {
  if (column === design.weights) return 'weight';
  if (column === design.strata) return 'strata';
  if (design.ids?.[0] === column) return 'psu';
  if (design.fpc?.includes(column)) return 'fpc';
  if (design.replicates?.columns.includes(column)) return 'replicate';
  return undefined;
}

/** The level named, or an InputError listing the levels. */
export function levelOf(design: DatasetDesign, name: string): DatasetLevel {
  const level = design.levels.find((l) => l.name === name);
  if (!level) throw new InputError('unknown-level', `the dataset has no level "${name}"; its levels: ${design.levels.map((l) => l.name).join(', ')}`, name);
  return level;
}

/** Text of a cell (null = missing), whatever the column kind: for keys and writers. */
export function cellText(col: Column, row: number): string | null {
  if (col.kind === 'number') {
    const v = col.values[row];
    return Number.isNaN(v) ? null : String(v);
  }
  const c = col.codes[row];
  return c < 0 ? null : col.levels[c];
}

function keyOf(cols: Column[], row: number): string {
  return cols.map((c) => cellText(c, row) ?? '').join('\u0000');
}

/** Takes `rows` of a column (-1 = no row: missing). */
export function gatherColumn(col: Column, rows: Int32Array, name = col.name): Column {
  if (col.kind === 'number') {
    const values = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) values[i] = rows[i] < 0 ? NaN : col.values[rows[i]];
    return { kind: 'number', name, values };
  }
  const codes = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) codes[i] = rows[i] < 0 ? -1 : col.codes[rows[i]];
  return { kind: 'category', name, codes, levels: col.levels };
}

/** Keeps the rows of a table where mask is 1. */
export function filterRows(table: DataTable, mask: Uint8Array): DataTable {
  const rows: number[] = [];
  for (let i = 0; i < table.nRows; i++) if (mask[i]) rows.push(i);
  const index = Int32Array.from(rows);
  return { nRows: index.length, columns: new Map([...table.columns].map(([n, c]) => [n, gatherColumn(c, index)])) };
}

/**
 * For each row of `child`, the row of `parent` with the same values in the paired key columns (-1 if none);
 * a parent key that repeats is an InputError naming the row.
 */
export function matchRows(child: DataTable, childKeys: string[], parent: DataTable, parentKeys: string[], where: string): Int32Array {
  const pc = parentKeys.map((k) => getColumn(parent, k, `key of ${where}`));
  const index = new Map<string, number>();
  for (let i = 0; i < parent.nRows; i++) {
    const k = keyOf(pc, i);
    if (index.has(k))
      throw new InputError(
        'duplicate-key',
        `${where}: row ${i + 1} repeats the key ${parentKeys.map((n, j) => `${n}=${cellText(pc[j], i) ?? ''}`).join(', ')}`,
        `${where}, row ${i + 1}`,
      );
    index.set(k, i);
  }
  const cc = childKeys.map((k) => getColumn(child, k, `key of ${where}`));
  const out = new Int32Array(child.nRows);
  for (let i = 0; i < child.nRows; i++) out[i] = index.get(keyOf(cc, i)) ?? -1;
  return out;
}

/** Adds to `child` every column of `parent` it does not have, matched on the key columns. */
export function joinColumns(child: DataTable, childKeys: string[], parent: DataTable, parentKeys: string[], where: string): DataTable {
  const rows = matchRows(child, childKeys, parent, parentKeys, where);
  const columns = new Map(child.columns);
  for (const [name, col] of parent.columns) if (!columns.has(name)) columns.set(name, gatherColumn(col, rows));
  return { nRows: child.nRows, columns };
}

/**
 * The analysis table of a level: its own columns, then (without overwriting) those of the level it follows
 * and of its parents up to the household, so a person row carries the household's design and status.
 */
export function analysisTable(dataset: Dataset, levelName: string): DataTable {
  const level = levelOf(dataset.design, levelName);
  let table = dataset.tables.get(level.name);
  if (!table) throw new InputError('unknown-level', `the dataset has no table for level "${level.name}"`, level.name);
  if (level.follows) {
    const target = levelOf(dataset.design, level.follows.level);
    const childKeys = [level.keys[0], ...Object.keys(level.follows.on)];
    const parentKeys = [target.keys[0], ...Object.values(level.follows.on)];
    table = joinColumns(table, childKeys, analysisTable(dataset, target.name), parentKeys, `${level.name} -> ${target.name}`);
  } else if (level.parent) {
    const parent = levelOf(dataset.design, level.parent);
    table = joinColumns(table, parent.keys, analysisTable(dataset, parent.name), parent.keys, `${level.name} -> ${parent.name}`);
  }
  return table;
}

/**
 * A `<level>_line` column: the 1-based position of each roster row within its parent row, in file order
 * (the order the interview listed them), so a line number answered elsewhere (the woman interviewed) can be matched.
 */
export function lineNumbers(table: DataTable, level: DatasetLevel): Float64Array {
  const parentKeys = level.keys.slice(0, -1).map((k) => getColumn(table, k, `key of ${level.name}`));
  const seen = new Map<string, number>();
  const out = new Float64Array(table.nRows);
  for (let i = 0; i < table.nRows; i++) {
    const k = keyOf(parentKeys, i);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    out[i] = n;
  }
  return out;
}

/** Adds (or replaces) a column. */
export function withColumn(table: DataTable, col: Column): DataTable {
  const columns = new Map(table.columns);
  columns.set(col.name, col);
  return { nRows: table.nRows, columns };
}

/** A categorical column from texts. */
export function textColumn(name: string, values: readonly (string | null)[]): CategoricalColumn {
  return categoricalFrom(name, values);
}

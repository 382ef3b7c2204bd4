import { InputError } from '../../common/errors.js';
import { schemaChecker } from '../../common/json-schema.js';
import shipped from './catalogue.json' with { type: 'json' };
import { analysisTable, levelOf, lineNumbers, matchRows, withColumn, type Dataset } from '../dataset.js';
import { evaluateColumn } from '../subset.js';
import { compileExpression } from '../../questionnaires/expressions/index.js';
import { convertAmounts } from '../money.js';
import type { DataTable } from '../table.js';

/** Domains of the catalogue (DOMAIN.md). */
export type IndicatorDomain = 'migration' | 'remittances' | 'education' | 'health' | 'gender' | 'labour' | 'consumption';

/** A variable the indicators need that the questionnaire does not compute: an expression on one level, or an aggregate of a child level. */
export interface DerivedVariable {
  name: string;
  level: string;
  /** Questionnaire-language expression on the level's analysis table (or, with `from`, on the child level's). */
  expression: string;
  /** Child level whose rows are aggregated to `level` (sum, any, count of rows where true, max). */
  from?: string;
  aggregate?: 'sum' | 'any' | 'count' | 'max';
  label: Record<string, string>;
}

/** One indicator: what is estimated, for whom, in which unit. */
export interface IndicatorDefinition {
  id: string;
  domain: IndicatorDomain;
  /** What one observation is: household, person, transfer. */
  unit: 'household' | 'person' | 'transfer';
  /** Level (file) of the dataset the indicator is computed on. */
  level: string;
  /** Who is counted (an expression); absent: every row of the level. */
  universe?: string;
  /** median: R's svyquantile (rule "math", Woodruff interval); no difference test. */
  statistic: 'proportion' | 'mean' | 'ratio' | 'median';
  /** proportion / mean: the analysis variable (an expression; 0/1 for proportions unless `categories`). */
  variable?: string;
  /** ratio: sum of numerator / sum of denominator. */
  numerator?: string;
  denominator?: string;
  /** proportion of a categorical variable: one indicator row per category. */
  categories?: string[];
  /** A money figure: its unit is the dataset's local currency or USD, with the price basis (`GHS, 2026 prices`). */
  money?: 'local' | 'USD';
  /**
   * One person drawn per household answers (M13): the expression gives the number the household weight is
   * multiplied by (the number of eligible persons), the inverse of the person's selection probability.
   */
  weightFactor?: string;
  note?: string;
  label: Record<string, string>;
}

/** The indicator catalogue: derived variables, then indicators, all data. */
export interface IndicatorCatalogue {
  id: string;
  version: string;
  source?: string;
  /** Defaults of the settings its expressions read as ${name}; a dataset's design.json settings override them. */
  settings?: Record<string, number | string>;
  derived: DerivedVariable[];
  indicators: IndicatorDefinition[];
}

const NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const LABEL = { type: 'object', required: ['en'], additionalProperties: { type: 'string' } };

/** JSON Schema (2020-12) of an indicator catalogue. */
export const CATALOGUE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'derived', 'indicators'],
  properties: {
    id: { type: 'string' },
    version: { type: 'string' },
    source: { type: 'string' },
    settings: { type: 'object', additionalProperties: { type: ['number', 'string'] }, propertyNames: { pattern: NAME } },
    derived: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'level', 'expression', 'label'],
        properties: {
          name: { type: 'string', pattern: NAME },
          level: { type: 'string', pattern: NAME },
          expression: { type: 'string', minLength: 1 },
          from: { type: 'string', pattern: NAME },
          aggregate: { enum: ['sum', 'any', 'count', 'max'] },
          label: LABEL,
        },
        dependentRequired: { from: ['aggregate'], aggregate: ['from'] },
      },
    },
    indicators: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'domain', 'unit', 'level', 'statistic', 'label'],
        properties: {
          id: { type: 'string', pattern: NAME },
          domain: { enum: ['migration', 'remittances', 'education', 'health', 'gender', 'labour', 'consumption'] },
          unit: { enum: ['household', 'person', 'transfer'] },
          level: { type: 'string', pattern: NAME },
          universe: { type: 'string', minLength: 1 },
          statistic: { enum: ['proportion', 'mean', 'ratio', 'median'] },
          variable: { type: 'string', minLength: 1 },
          numerator: { type: 'string', minLength: 1 },
          denominator: { type: 'string', minLength: 1 },
          categories: { type: 'array', items: { type: 'string' }, minItems: 1 },
          money: { enum: ['local', 'USD'] },
          weightFactor: { type: 'string', minLength: 1 },
          note: { type: 'string' },
          label: LABEL,
        },
      },
    },
  },
} as const;

const checkCatalogue = schemaChecker(CATALOGUE_SCHEMA, 'bad-catalogue');

/** Checks a catalogue: schema, unique ids, the fields each statistic needs, and that every expression parses. */
export function parseCatalogue(value: unknown, source = 'catalogue'): IndicatorCatalogue {
  checkCatalogue(value, source);
  const cat = value as IndicatorCatalogue;
  const ids = new Set<string>();
  cat.indicators.forEach((ind, i) => {
    const where = `${source} /indicators/${i} (${ind.id})`;
    if (ids.has(ind.id)) throw new InputError('bad-catalogue', `${where}: the id is used twice`, where);
    ids.add(ind.id);
    if (ind.statistic === 'ratio' ? !ind.numerator || !ind.denominator || ind.variable : !ind.variable || ind.numerator || ind.denominator) {
      throw new InputError(
        'bad-catalogue',
        `${where}: a ${ind.statistic} needs ${ind.statistic === 'ratio' ? '"numerator" and "denominator"' : '"variable"'} and nothing else`,
        where,
      );
    }
    if (ind.categories && ind.statistic !== 'proportion') throw new InputError('bad-catalogue', `${where}: "categories" goes with a proportion`, where);
    if (ind.money && ind.statistic !== 'mean' && ind.statistic !== 'median')
      throw new InputError('bad-catalogue', `${where}: "money" goes with a mean or a median (a ratio of two amounts has no unit)`, where);
    for (const key of ['universe', 'variable', 'numerator', 'denominator', 'weightFactor'] as const)
      if (ind[key]) compileExpression(ind[key]!, `${where} ${key}`);
  });
  cat.derived.forEach((d, i) => compileExpression(d.expression, `${source} /derived/${i} (${d.name})`));
  return cat;
}

let catalogue: IndicatorCatalogue | undefined;
/** The catalogue shipped with mdsurvey (analysis/indicators/catalogue.json), bound to the library's variable names. */
export function shippedCatalogue(): IndicatorCatalogue {
  catalogue ??= parseCatalogue(shipped, 'analysis/indicators/catalogue.json');
  return catalogue;
}

/**
 * Applies a survey's variable map (catalogue name -> its column, for a composed questionnaire): each
 * mapped column is copied under the catalogue's name, so the catalogue's expressions read it.
 */
export function withVariableMap(dataset: Dataset): Dataset {
  const map = dataset.design.variableMap;
  if (!map || Object.keys(map).length === 0) return dataset;
  const tables = new Map(dataset.tables);
  for (const [name, table] of tables) {
    let t = table;
    for (const [target, column] of Object.entries(map)) {
      const col = t.columns.get(column);
      if (col && !t.columns.has(target)) t = withColumn(t, { ...col, name: target });
    }
    tables.set(name, t);
  }
  return { ...dataset, tables };
}

/** Result of preparing a dataset: derived variables added, and those that could not be (with the reason). */
export interface PreparedDataset {
  dataset: Dataset;
  skipped: { name: string; reason: string }[];
  /** What the preparation says about the data (amounts not converted, USD figures left out ...). */
  notes: string[];
}

/**
 * Adds the line numbers of roster rows (`<level>_line`) and the catalogue's derived variables, in catalogue
 * order. A derived variable whose level or columns the dataset lacks is skipped with the reason (the
 * indicators that need it are then reported as not computable), not an error.
 */
export function prepareDataset(input: Dataset, cat: IndicatorCatalogue): PreparedDataset {
  let dataset = withVariableMap(input);
  const notes: string[] = [];
  // Amounts to local currency and USD before any sum or ratio (a missing rate stops everything, naming it).
  if (dataset.design.money) {
    const converted = convertAmounts(dataset);
    dataset = converted.dataset;
    notes.push(...converted.notes);
  } else if (dataset.codebook.variables.some((v) => v.unit && dataset.tables.get(v.level)?.columns.has(v.variable)))
    notes.push('amounts not converted: design.json has no "money" settings (local currency, price basis, exchange-rate file); money indicators are left out');
  const tables = new Map(dataset.tables);
  // Settings (thresholds, windows) are readable in expressions as ${name}: a constant column on every level.
  const settings = { ...(cat.settings ?? {}), ...(dataset.design.settings ?? {}) };
  for (const [name, t] of tables) {
    let out = t;
    for (const [key, value] of Object.entries(settings)) {
      if (out.columns.has(key)) continue;
      out = withColumn(
        out,
        typeof value === 'number'
          ? { kind: 'number', name: key, values: new Float64Array(out.nRows).fill(value) }
          : { kind: 'category', name: key, codes: new Int32Array(out.nRows).fill(0), levels: [String(value)] },
      );
    }
    tables.set(name, out);
  }
  for (const level of dataset.design.levels) {
    const t = tables.get(level.name);
    if (t && level.parent !== null && !t.columns.has(`${level.name}_line`))
      tables.set(level.name, withColumn(t, { kind: 'number', name: `${level.name}_line`, values: lineNumbers(t, level) }));
  }
  dataset = { ...dataset, tables };
  const skipped: PreparedDataset['skipped'] = [];
  for (const d of cat.derived) {
    if (tables.get(d.level)?.columns.has(d.name)) continue; // the data already has it (computed by the survey)
    try {
      const target = tables.get(d.level);
      if (!target) throw new InputError('unknown-level', `the dataset has no level "${d.level}"`);
      let col;
      if (d.from) {
        col = aggregateColumn(dataset, d, target);
      } else {
        col = evaluateColumn(analysisTable(dataset, d.level), d.expression, d.name, `derived variable ${d.name}`);
      }
      tables.set(d.level, withColumn(target, col));
      dataset = { ...dataset, tables };
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      skipped.push({ name: d.name, reason: err.message });
    }
  }
  return { dataset, skipped, notes };
}

function aggregateColumn(dataset: Dataset, d: DerivedVariable, target: DataTable) {
  const fromLevel = levelOf(dataset.design, d.from!);
  const toLevel = levelOf(dataset.design, d.level);
  const child = analysisTable(dataset, fromLevel.name);
  const values = evaluateColumn(child, d.expression, d.name, `derived variable ${d.name}`);
  if (values.kind !== 'number') throw new InputError('not-numeric', `derived variable ${d.name}: the expression must give numbers to aggregate`);
  const rows = matchRows(child, toLevel.keys, target, toLevel.keys, `${fromLevel.name} -> ${toLevel.name}`);
  // Every target row gets a value: 0 when it has no child rows (no emigrant is not "missing").
  const out = new Float64Array(target.nRows);
  for (let i = 0; i < child.nRows; i++) {
    const r = rows[i];
    const v = values.values[i];
    if (r < 0 || Number.isNaN(v)) continue;
    if (d.aggregate === 'sum') out[r] += v;
    else if (d.aggregate === 'count') out[r] += v !== 0 ? 1 : 0;
    else if (d.aggregate === 'any') out[r] = out[r] || v !== 0 ? 1 : 0;
    else out[r] = Math.max(out[r], v);
  }
  return { kind: 'number' as const, name: d.name, values: out };
}

import { InputError } from '../common/errors.js';
import {
  cellText,
  designRoleOf,
  designSpecOf,
  gatherColumn,
  matchRows,
  parseDatasetDesign,
  withColumn,
  type Codebook,
  type Dataset,
  type DatasetDesign,
} from './dataset.js';
import { buildDesign } from './design.js';
import { withDatasetCalibration } from './dataset-calibration.js';
import { getColumn, type DataTable } from './table.js';

/** What attachColumns does. */
export interface AttachOptions {
  /** Column of the design level and of the file that identify a case (e.g. the sample's household id). */
  datasetKey: string;
  fileKey: string;
  /** Columns of the file to attach (default: every column the design level does not have). */
  columns?: string[];
  /** Design fields to set in design.json (column names); unset fields are kept. */
  design?: Partial<Pick<DatasetDesign, 'weights' | 'strata' | 'ids' | 'fpc' | 'lonelyPsu' | 'replicates' | 'calibration'>>;
  /** Name of the file, for messages and the provenance. */
  source: string;
}

/**
 * Joins columns of a table (final weights from `mdsurvey weights`, replicate weights, strata) onto the
 * design level of a dataset by a case key, and sets the design. Every row of the design level must find
 * exactly one row of the file: an interview without a weight would silently drop out of every estimate.
 */
export function attachColumns(
  dataset: Dataset,
  file: DataTable,
  opts: AttachOptions,
): { design: DatasetDesign; codebook: Codebook; tables: Map<string, DataTable>; attached: { rows: number; columns: string[]; replaced: string[] } } {
  const level = dataset.design.designLevel;
  const target = dataset.tables.get(level)!;
  getColumn(target, opts.datasetKey, `--on (${level} file)`);
  getColumn(file, opts.fileKey, `--on (${opts.source})`);
  const columns = opts.columns ?? [...file.columns.keys()].filter((c) => c !== opts.fileKey && !target.columns.has(c));
  if (!columns.length) throw new InputError('nothing-to-attach', `${opts.source} has no column the ${level} file lacks; name them with --columns`, opts.source);
  for (const c of columns) getColumn(file, c, `--columns (${opts.source})`);
  const rows = matchRows(target, [opts.datasetKey], file, [opts.fileKey], opts.source);
  const unmatched: number[] = [];
  rows.forEach((r, i) => r < 0 && unmatched.push(i));
  if (unmatched.length) {
    const key = getColumn(target, opts.datasetKey);
    throw new InputError(
      'unmatched-rows',
      `${unmatched.length} of ${target.nRows} rows of the ${level} file have no row in ${opts.source} (${opts.datasetKey} = ${unmatched
        .slice(0, 5)
        .map((i) => `"${cellText(key, i) ?? ''}" (row ${i + 1})`)
        .join(', ')}${unmatched.length > 5 ? ', ...' : ''})`,
      `${level} file, column ${opts.datasetKey}`,
    );
  }
  let table = target;
  const replaced = columns.filter((c) => target.columns.has(c));
  for (const c of columns) table = withColumn(table, gatherColumn(file.columns.get(c)!, rows));
  const tables = new Map(dataset.tables).set(level, table);
  const d = opts.design ?? {};
  // New weights without their calibration drop the old one (it described other weights).
  const { calibration: _old, ...kept } = dataset.design;
  const design = parseDatasetDesign({
    ...(d.weights !== undefined && d.calibration === undefined ? kept : dataset.design),
    ...Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)),
    provenance: { ...(dataset.design.provenance ?? {}), attached: { source: opts.source, on: `${opts.datasetKey}=${opts.fileKey}`, columns } },
  });
  const role = (c: string) => designRoleOf(design, c);
  const variables = dataset.codebook.variables.filter((v) => !(v.level === level && columns.includes(v.variable))).map((v) => ({ ...v }));
  for (const c of columns)
    variables.push({
      level,
      variable: c,
      label: { en: `${c} (attached from ${opts.source})` },
      type: file.columns.get(c)!.kind === 'number' ? 'decimal' : 'text',
      identifier: false,
      quasiIdentifier: false,
      design: role(c),
    });
  for (const v of variables) if (v.level === level && !columns.includes(v.variable) && role(v.variable)) v.design = role(v.variable);
  // A recorded calibration must give the weights: checked now, not at the first estimate.
  if (design.calibration) withDatasetCalibration({ ...dataset, design, tables }, level, table, buildDesign(table, designSpecOf(design)));
  return { design, codebook: { ...dataset.codebook, variables }, tables, attached: { rows: table.nRows, columns, replaced } };
}

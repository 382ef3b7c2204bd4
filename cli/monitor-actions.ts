import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { InputError } from '../common/errors.js';
import {
  monitor,
  monitoringCsvRows,
  monitoringWorkbook,
  parseCatalogue,
  parseMonitoringPlan,
  shippedCatalogue,
  type Dataset,
  type MonitoringPlan,
} from '../analysis/index.js';
import { readDataset } from '../io/dataset-files.js';
import { planFromWorkbook } from '../io/monitoring-plan.js';
import { jsonText } from './cli-values.js';

const MAX_PLAN_BYTES = 5 * 1024 * 1024;

/** Reads a plan file (.json or .xlsx) and checks it against the catalogue. */
export async function readPlan(file: string, catalogue = shippedCatalogue()): Promise<MonitoringPlan> {
  let bytes: Buffer;
  try {
    if (fs.statSync(file).size > MAX_PLAN_BYTES) throw new InputError('bad-plan', `${file} is larger than ${MAX_PLAN_BYTES / 1024 / 1024} MB`, file);
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(
      'file-not-found',
      `cannot read the plan ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
      file,
    );
  }
  let value: unknown;
  if (/\.xlsx$/i.test(file)) value = await planFromWorkbook(bytes, file);
  else {
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new InputError('bad-plan', `${file} is not valid JSON: ${(err as Error).message}`, file);
    }
  }
  return parseMonitoringPlan(value, catalogue, file);
}

/** Runs `mdsurvey monitor PLAN --out DIR`: the matrix as XLSX, CSV and JSON; a summary on stdout. */
export async function monitorAction(planFile: string, flags: { out: string; catalogue?: string }): Promise<void> {
  const catalogue = flags.catalogue ? parseCatalogue(JSON.parse(fs.readFileSync(flags.catalogue, 'utf8')), flags.catalogue) : shippedCatalogue();
  const plan = await readPlan(planFile, catalogue);
  const datasets = new Map<string, Dataset>();
  for (const [k, r] of plan.rounds.entries()) {
    if (!r.dataset)
      throw new InputError(
        'bad-plan',
        `${planFile}: round "${r.id}" names no dataset (the CLI reads datasets; "survey" is for the server)`,
        `${planFile} /rounds/${k}`,
      );
    // A relative path is relative to the plan.
    const location = path.resolve(path.dirname(planFile), r.dataset);
    if (process.stderr.isTTY) process.stderr.write(`reading round ${r.id} (${k + 1}/${plan.rounds.length})...\n`);
    datasets.set(r.id, await readDataset(location));
  }
  if (process.stderr.isTTY) process.stderr.write('computing estimates and changes...\n');
  const report = monitor(plan, datasets, catalogue);
  fs.mkdirSync(flags.out, { recursive: true });
  fs.writeFileSync(path.join(flags.out, 'monitoring.json'), jsonText(report));
  fs.writeFileSync(path.join(flags.out, 'monitoring.csv'), stringify(monitoringCsvRows(report), { header: true }));
  fs.writeFileSync(path.join(flags.out, 'monitoring.xlsx'), await monitoringWorkbook(report));
  const counts = Object.fromEntries(['achieved', 'on track', 'off track', 'not measurable'].map((s) => [s, report.rows.filter((r) => r.status === s).length]));
  process.stdout.write(
    jsonText({
      out: flags.out,
      files: ['monitoring.xlsx', 'monitoring.csv', 'monitoring.json'],
      rows: report.rows.length,
      status: counts,
      notes: report.notes,
    }),
  );
}

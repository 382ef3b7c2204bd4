import { excel } from '../common/exceljs.js';
import { InputError } from '../common/errors.js';
import type { MonitoringPlan } from '../analysis/index.js';

/**
 * A plan from a workbook: sheet `plan` (rows key, value: title, baseline, sampling, compare), sheet
 * `rounds` (id, label, date, dataset), sheet `indicators` (goal, outcome, output, indicator, category,
 * groups, target_date, target_value, target_group, notes; one row per target, the same indicator
 * repeated for several). Checked by the same schema as a JSON plan.
 */
export async function planFromWorkbook(bytes: Buffer, source: string): Promise<unknown> {
  const wb = new (await excel()).Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new InputError('bad-plan', `${source} is not a readable .xlsx workbook: ${(err as Error).message}`, source);
  }
  const sheet = (name: string) => {
    const ws = wb.getWorksheet(name);
    if (!ws) throw new InputError('bad-plan', `${source} has no sheet "${name}" (a plan workbook has sheets plan, rounds and indicators)`, source);
    const rows: Record<string, string>[] = [];
    let head: string[] = [];
    ws.eachRow((row, r) => {
      const cells = (row.values as unknown[])
        .slice(1)
        .map((v) => (v === null || v === undefined ? '' : String(typeof v === 'object' && v && 'result' in v ? (v as { result: unknown }).result : v).trim()));
      if (r === 1) head = cells.map((c) => c.toLowerCase());
      else rows.push(Object.fromEntries(head.map((h, k) => [h, cells[k] ?? ''])));
    });
    return rows;
  };
  const settings = Object.fromEntries(sheet('plan').map((r) => [r.key, r.value]));
  const rounds = sheet('rounds').map((r) => ({
    id: r.id,
    date: r.date,
    ...(r.label ? { label: r.label } : {}),
    ...(r.dataset ? { dataset: r.dataset } : {}),
    ...(r.survey ? { survey: r.survey } : {}),
  }));
  const goals: MonitoringPlan['goals'] = [];
  sheet('indicators').forEach((r, k) => {
    const where = `${source} sheet indicators, row ${k + 2}`;
    if (!r.goal || !r.indicator) throw new InputError('bad-plan', `${where}: goal and indicator are required`, where);
    let goal = goals.find((g) => g.id === r.goal);
    if (!goal) goals.push((goal = { id: r.goal, outcome: r.outcome || r.goal, outputs: [] }));
    let output = goal.outputs.find((o) => o.output === (r.output || '-'));
    if (!output) goal.outputs.push((output = { output: r.output || '-', indicators: [] }));
    const groups = r.groups
      ? r.groups
          .split(',')
          .map((g) => g.trim())
          .filter(Boolean)
      : undefined;
    let ind = output.indicators.find(
      (i) => i.id === r.indicator && (i.category ?? '') === (r.category ?? '') && JSON.stringify(i.groups) === JSON.stringify(groups),
    );
    if (!ind)
      output.indicators.push(
        (ind = { id: r.indicator, ...(r.category ? { category: r.category } : {}), ...(groups ? { groups } : {}), ...(r.notes ? { notes: r.notes } : {}) }),
      );
    if (r.target_value !== '' && r.target_value !== undefined) {
      const value = Number(r.target_value);
      if (!Number.isFinite(value)) throw new InputError('bad-plan', `${where}: target_value "${r.target_value}" is not a number`, where);
      (ind.targets ??= []).push({ date: r.target_date, value, ...(r.target_group ? { group: r.target_group } : {}) });
    }
  });
  return {
    format: 'mdsurvey-monitoring/1',
    title: settings.title,
    rounds,
    baseline: settings.baseline,
    sampling: settings.sampling,
    ...(settings.compare ? { compare: settings.compare } : {}),
    goals,
  };
}

import { InputError } from '../common/errors.js';
import { schemaChecker } from '../common/json-schema.js';
import type { Codebook, Dataset, DatasetDesign } from './dataset.js';
import type { ExchangeRate } from './exchange-rates.js';
import { withVariableMap, type IndicatorCatalogue } from './indicators/catalogue.js';
import { computeIndicators, publishedRows, type IndicatorRow } from './indicators/compute.js';
import { categoricalFrom, type Column, type DataTable } from './table.js';
import { DEFAULT_THRESHOLDS, type DisclosureThresholds } from './disclosure/thresholds.js';

/**
 * Monitoring across survey rounds: a plan (goals, outputs, indicators of the catalogue, a baseline round
 * and targets) on two or more rounds of a survey. Per indicator and group: the estimate of each round,
 * the change from the baseline and from the previous round with its standard error and t test, the
 * progress towards the target and a status. Changes come from the two rounds stacked into one design
 * with the round as a domain: independent rounds keep their strata and PSUs apart (the variance of the
 * change is the sum of the two variances); rounds that revisit the same PSUs (a rotating design) share
 * strata and PSUs, so the covariance from the common PSUs enters (R: svyby over the stacked design and
 * svycontrast). Hidden (suppressed) estimates stay hidden, and so does every change that involves one.
 */

export interface MonitoringRound {
  id: string;
  label?: string;
  /** When the round was in the field: YYYY, YYYY-MM or YYYY-MM-DD. */
  date: string;
  /** A survey dataset (folder or .zip), for the CLI. */
  dataset?: string;
  /** A survey on the server, for the API. */
  survey?: string;
}

export interface MonitoringIndicator {
  /** Catalogue id. */
  id: string;
  /** A category of a categorical proportion (the share of that category). */
  category?: string;
  /** Groups of the plan's compare variable to follow (default: `all`). */
  groups?: string[];
  /** Targets by date; a target naming a group is for that group only. */
  targets?: { date: string; value: number; group?: string }[];
  notes?: string;
}

export interface MonitoringPlan {
  format: 'mdsurvey-monitoring/1';
  title: string;
  rounds: MonitoringRound[];
  baseline: string;
  /** How the rounds' samples relate: new samples (independent) or the same PSUs revisited. */
  sampling: 'independent' | 'shared-psus';
  /** Group variable of the indicators (e.g. hh_migration_status); groups are its levels, `all` and `migrant`. */
  compare?: string;
  goals: { id: string; outcome: string; outputs: { output: string; indicators: MonitoringIndicator[] }[] }[];
}

const DATE = '^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$';
const ID = '^[A-Za-z0-9_.-]{1,64}$';
export const MONITORING_PLAN_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://mdsurvey.org/schemas/monitoring-plan.json',
  type: 'object',
  additionalProperties: false,
  required: ['format', 'title', 'rounds', 'baseline', 'sampling', 'goals'],
  properties: {
    format: { const: 'mdsurvey-monitoring/1' },
    title: { type: 'string', minLength: 1, maxLength: 300 },
    rounds: {
      type: 'array',
      minItems: 2,
      maxItems: 20,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'date'],
        properties: {
          id: { type: 'string', pattern: ID },
          label: { type: 'string', maxLength: 200 },
          date: { type: 'string', pattern: DATE },
          dataset: { type: 'string', minLength: 1, maxLength: 1000 },
          survey: { type: 'string', pattern: '^[0-9a-fA-F-]{36}$' },
        },
      },
    },
    baseline: { type: 'string', pattern: ID },
    sampling: { enum: ['independent', 'shared-psus'] },
    compare: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]{0,99}$' },
    goals: {
      type: 'array',
      minItems: 1,
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'outcome', 'outputs'],
        properties: {
          id: { type: 'string', pattern: ID },
          outcome: { type: 'string', minLength: 1, maxLength: 1000 },
          outputs: {
            type: 'array',
            minItems: 1,
            maxItems: 100,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['output', 'indicators'],
              properties: {
                output: { type: 'string', minLength: 1, maxLength: 1000 },
                indicators: {
                  type: 'array',
                  minItems: 1,
                  maxItems: 100,
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['id'],
                    properties: {
                      id: { type: 'string', pattern: '^[a-z0-9_]{1,64}$' },
                      category: { type: 'string', maxLength: 200 },
                      groups: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 100 }, minItems: 1, maxItems: 20 },
                      targets: {
                        type: 'array',
                        maxItems: 20,
                        items: {
                          type: 'object',
                          additionalProperties: false,
                          required: ['date', 'value'],
                          properties: {
                            date: { type: 'string', pattern: DATE },
                            value: { type: 'number' },
                            group: { type: 'string', minLength: 1, maxLength: 100 },
                          },
                        },
                      },
                      notes: { type: 'string', maxLength: 2000 },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
  },
} as const;

const checkPlan = schemaChecker(MONITORING_PLAN_SCHEMA, 'bad-plan');

/** Years since year 0 of a YYYY[-MM[-DD]] date (mid-year for a year alone, mid-month for a month). */
export function dateValue(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  if (m === undefined) return y + 0.5;
  if (d === undefined) return y + (m - 0.5) / 12;
  return y + (m - 1) / 12 + (d - 0.5) / 365.25;
}

/** Parses and checks a plan: the schema, then rounds in time order, a baseline among them, known indicators. */
export function parseMonitoringPlan(value: unknown, catalogue: IndicatorCatalogue, source = 'plan'): MonitoringPlan {
  checkPlan(value, source);
  const plan = value as MonitoringPlan;
  const ids = new Set<string>();
  plan.rounds.forEach((r, k) => {
    if (ids.has(r.id)) throw new InputError('bad-plan', `${source}: /rounds/${k} repeats round "${r.id}"`, `${source} /rounds/${k}`);
    ids.add(r.id);
    if (k > 0 && dateValue(r.date) <= dateValue(plan.rounds[k - 1].date))
      throw new InputError(
        'bad-plan',
        `${source}: /rounds/${k} (${r.id}, ${r.date}) is not after the round before it: list the rounds in time order`,
        `${source} /rounds/${k}`,
      );
  });
  if (!ids.has(plan.baseline))
    throw new InputError('bad-plan', `${source}: the baseline "${plan.baseline}" is not one of the rounds (${[...ids].join(', ')})`, `${source} /baseline`);
  const known = new Set(catalogue.indicators.map((i) => i.id));
  plan.goals.forEach((g, gi) =>
    g.outputs.forEach((o, oi) =>
      o.indicators.forEach((ind, ii) => {
        const where = `${source} /goals/${gi}/outputs/${oi}/indicators/${ii}`;
        if (!known.has(ind.id)) throw new InputError('bad-plan', `${where}: "${ind.id}" is not an indicator of the catalogue`, where);
        if (ind.groups && !plan.compare && ind.groups.some((x) => x !== 'all'))
          throw new InputError('bad-plan', `${where}: groups other than "all" need the plan's "compare" variable`, where);
      }),
    ),
  );
  return plan;
}

// ---- stacking two rounds into one dataset ----

function stackColumn(name: string, a: Column | undefined, na: number, b: Column | undefined, nb: number): Column {
  if ((!a || a.kind === 'number') && (!b || b.kind === 'number')) {
    const values = new Float64Array(na + nb).fill(NaN);
    if (a) values.set(a.values, 0);
    if (b) values.set(b.values, na);
    return { kind: 'number', name, values };
  }
  const text = (c: Column | undefined, n: number) =>
    Array.from({ length: n }, (_, i) =>
      !c ? null : c.kind === 'number' ? (Number.isNaN(c.values[i]) ? null : String(c.values[i])) : c.codes[i] < 0 ? null : c.levels[c.codes[i]],
    );
  return categoricalFrom(name, [...text(a, na), ...text(b, nb)]);
}

/**
 * Two rounds as one dataset with a `round` column on every level: interview keys prefixed by the round;
 * independent rounds get their strata and PSUs prefixed too (no PSU in common), rounds sharing PSUs keep
 * them. The second round's design columns take the first's names. Settings must agree; amounts keep
 * their own rates (the two rate tables are joined) and the price bases are named.
 */
export function stackRounds(a: Dataset, b: Dataset, ra: string, rb: string, sharedPsus: boolean): Dataset {
  const da = a.design;
  const db = b.design;
  if (da.replicates || db.replicates)
    throw new InputError(
      'not-supported',
      `rounds "${ra}" and "${rb}": changes between rounds with replicate weights are not supported yet (use the linearised design)`,
    );
  if (da.designLevel !== db.designLevel)
    throw new InputError('rounds-differ', `rounds "${ra}" and "${rb}" have different design levels (${da.designLevel}, ${db.designLevel})`);
  for (const key of new Set([...Object.keys(da.settings ?? {}), ...Object.keys(db.settings ?? {})]))
    if ((da.settings ?? {})[key] !== (db.settings ?? {})[key])
      throw new InputError(
        'rounds-differ',
        `rounds "${ra}" and "${rb}" differ in the setting ${key} (${String((da.settings ?? {})[key])}, ${String((db.settings ?? {})[key])}): their indicators are not comparable`,
      );
  if (da.money && db.money && da.money.localCurrency !== db.money.localCurrency)
    throw new InputError('rounds-differ', `rounds "${ra}" and "${rb}" use different local currencies (${da.money.localCurrency}, ${db.money.localCurrency})`);
  // The second round's design columns under the first's names.
  const renames = new Map<string, string>([[db.weights, da.weights]]);
  if (db.strata && da.strata) renames.set(db.strata, da.strata);
  (db.ids ?? []).forEach((c, k) => da.ids?.[k] && renames.set(c, da.ids[k]));
  const tables = new Map<string, DataTable>();
  for (const level of da.levels) {
    const ta = a.tables.get(level.name);
    const tb0 = b.tables.get(level.name);
    if (!ta || !tb0) throw new InputError('rounds-differ', `round "${ta ? rb : ra}" has no level "${level.name}"`);
    const tb: DataTable =
      level.name === da.designLevel
        ? { nRows: tb0.nRows, columns: new Map([...tb0.columns].map(([n, c]) => [renames.get(n) ?? n, { ...c, name: renames.get(n) ?? n }])) }
        : tb0;
    const columns = new Map<string, Column>();
    for (const name of new Set([...ta.columns.keys(), ...tb.columns.keys()]))
      columns.set(name, stackColumn(name, ta.columns.get(name), ta.nRows, tb.columns.get(name), tb.nRows));
    const n = ta.nRows + tb.nRows;
    columns.set(
      'round',
      categoricalFrom(
        'round',
        Array.from({ length: n }, (_, i) => (i < ta.nRows ? ra : rb)),
      ),
    );
    // Interview keys, and (independent rounds) strata and PSUs, made distinct per round.
    const distinct = [
      level.keys[0],
      ...(level.name === da.designLevel && !sharedPsus ? [da.strata, ...(da.ids ?? [])].filter((c): c is string => !!c && c !== '1' && c !== '0') : []),
    ];
    for (const c of distinct) {
      const col = columns.get(c);
      if (!col) continue;
      // Each round's part prefixed with its round.
      const labels: (string | null)[] = [];
      for (let i = 0; i < n; i++) {
        const v = col.kind === 'number' ? (Number.isNaN(col.values[i]) ? null : String(col.values[i])) : col.codes[i] < 0 ? null : col.levels[col.codes[i]];
        labels.push(v === null ? null : `${i < ta.nRows ? ra : rb}/${v}`);
      }
      columns.set(c, categoricalFrom(c, labels));
    }
    tables.set(level.name, { nRows: n, columns });
  }
  const codebook: Codebook = {
    ...a.codebook,
    variables: [
      ...a.codebook.variables,
      ...b.codebook.variables
        .map((v) => ({ ...v, variable: level0(v.level, da) ? (renames.get(v.variable) ?? v.variable) : v.variable }))
        .filter((v) => !a.codebook.variables.some((x) => x.level === v.level && x.variable === v.variable)),
    ],
  };
  const rates: ExchangeRate[] = [...(a.exchangeRates ?? [])];
  for (const r of b.exchangeRates ?? []) {
    const same = rates.find((x) => x.currency === r.currency && x.from === r.from && x.to === r.to);
    if (same && (same.toLocal !== r.toLocal || same.toUsd !== r.toUsd))
      throw new InputError('rounds-differ', `rounds "${ra}" and "${rb}" give different rates for ${r.currency} from ${r.from} to ${r.to}`);
    if (!same) rates.push(r);
  }
  const money = da.money
    ? {
        ...da.money,
        priceBasis:
          da.money.priceBasis === db.money?.priceBasis ? da.money.priceBasis : `${ra}: ${da.money.priceBasis}; ${rb}: ${db.money?.priceBasis ?? 'none'}`,
      }
    : undefined;
  const design: DatasetDesign = {
    ...da,
    title: `${ra} and ${rb} stacked`,
    ...(money ? { money } : {}),
    replicates: undefined,
    calibration: undefined,
    variableMap: undefined,
    provenance: { stacked: [ra, rb], sampling: sharedPsus ? 'shared-psus' : 'independent' },
  };
  return { design, codebook, tables, exchangeRates: rates };
}

const level0 = (level: string, design: DatasetDesign) => level === design.designLevel;

// ---- the matrix ----

export interface RoundValue {
  round: string;
  estimate: number | null;
  se: number | null;
  ci: [number, number] | null;
  n: number;
  flags: string[];
}

export interface Change {
  from: string;
  to: string;
  estimate: number;
  se: number;
  t: number;
  df: number;
  p: number;
}

export interface MonitoringRow {
  goal: string;
  outcome: string;
  output: string;
  indicator: string;
  category: string | null;
  label: string;
  moneyUnit: string | null;
  group: string;
  baseline: string;
  rounds: RoundValue[];
  /** From the baseline to the latest round with a published estimate. */
  changeFromBaseline: Change | null;
  /** From the round before the latest to the latest (when it is not the baseline). */
  changeFromPrevious: Change | null;
  target: { date: string; value: number } | null;
  /** Share of the distance from the baseline to the target covered by the latest estimate. */
  progress: number | null;
  /** Share of the time from the baseline to the target's date elapsed at the latest round. */
  expected: number | null;
  status: 'achieved' | 'on track' | 'off track' | 'not measurable';
  notes: string[];
}

export interface MonitoringReport {
  title: string;
  rounds: MonitoringRound[];
  baseline: string;
  sampling: MonitoringPlan['sampling'];
  compare: string | null;
  thresholds: DisclosureThresholds;
  rows: MonitoringRow[];
  /** What the computation says about the data (price bases, indicators a round cannot give). */
  notes: string[];
}

const key = (r: Pick<IndicatorRow, 'id' | 'category' | 'group'>) => `${r.id}\u0000${r.category ?? ''}\u0000${r.group}`;

/** The monitoring matrix of a plan on its rounds' datasets (in the plan's round order). */
export function monitor(
  plan: MonitoringPlan,
  datasets: ReadonlyMap<string, Dataset>,
  catalogue: IndicatorCatalogue,
  thresholds = DEFAULT_THRESHOLDS,
): MonitoringReport {
  const only = [...new Set(plan.goals.flatMap((g) => g.outputs.flatMap((o) => o.indicators.map((i) => i.id))))];
  const notes: string[] = [];
  const mapped = new Map<string, Dataset>();
  for (const r of plan.rounds) {
    const ds = datasets.get(r.id);
    if (!ds) throw new InputError('bad-plan', `round "${r.id}" has no dataset`);
    mapped.set(r.id, withVariableMap(ds));
  }
  // Each round on its own: the published estimates.
  const perRound = new Map<string, Map<string, IndicatorRow>>();
  let reference: string | null = null;
  for (const r of plan.rounds) {
    const report = computeIndicators(mapped.get(r.id)!, catalogue, { only, ...(plan.compare ? { compare: plan.compare } : {}), thresholds });
    reference ??= report.reference;
    for (const s of report.skipped) notes.push(`round ${r.id}: ${s.id} not computed (${s.reason})`);
    perRound.set(r.id, new Map(publishedRows(report.rows).map((x) => [key(x), x])));
  }
  const money = plan.rounds.map((r) => mapped.get(r.id)!.design.money?.priceBasis).filter(Boolean);
  if (new Set(money).size > 1)
    notes.push(
      `money figures are at each round's prices (${plan.rounds.map((r) => `${r.id}: ${mapped.get(r.id)!.design.money?.priceBasis ?? 'none'}`).join('; ')}): their changes are nominal`,
    );

  // Changes between pairs of rounds, on the two rounds stacked.
  const changeCache = new Map<string, Map<string, Change>>();
  const changesBetween = (from: string, to: string): Map<string, Change> => {
    const cacheKey = `${from}\u0000${to}`;
    let out = changeCache.get(cacheKey);
    if (out) return out;
    out = new Map();
    let stacked = stackRounds(mapped.get(from)!, mapped.get(to)!, from, to, plan.sampling === 'shared-psus');
    // The combined group (every level of the compare variable but the reference, as `migrant`) as a column.
    const combined = plan.compare ? `${plan.compare}__combined` : null;
    if (plan.compare && combined && reference !== null) {
      const tables = new Map<string, DataTable>();
      for (const [name, t] of stacked.tables) {
        const col = t.columns.get(plan.compare);
        if (!col) {
          tables.set(name, t);
          continue;
        }
        const labels = Array.from({ length: t.nRows }, (_, i) => {
          const v = col.kind === 'number' ? (Number.isNaN(col.values[i]) ? null : String(col.values[i])) : col.codes[i] < 0 ? null : col.levels[col.codes[i]];
          return v === null ? null : v === reference ? v : 'migrant';
        });
        tables.set(name, { nRows: t.nRows, columns: new Map([...t.columns, [combined, categoricalFrom(combined, labels)]]) });
      }
      stacked = { ...stacked, tables };
    }
    const runs: { by: string[] }[] = [
      { by: [] },
      ...(plan.compare ? [{ by: [plan.compare] }] : []),
      ...(combined && reference !== null ? [{ by: [combined] }] : []),
    ];
    for (const run of runs) {
      const report = computeIndicators(stacked, catalogue, { only, compare: 'round', reference: from, by: run.by, thresholds });
      for (const x of publishedRows(report.rows)) {
        if (x.group !== to || !x.difference) continue;
        const group = run.by.length ? x.by[run.by[0]] : 'all';
        if (group === undefined || (run.by[0] === combined && group !== 'migrant')) continue;
        const d = x.difference;
        out.set(key({ id: x.id, category: x.category, group }), { from, to, estimate: d.estimate, se: d.se, t: d.t, df: d.df, p: d.p });
      }
    }
    changeCache.set(cacheKey, out);
    return out;
  };

  const rows: MonitoringRow[] = [];
  const order = plan.rounds.map((r) => r.id);
  const baselineIndex = order.indexOf(plan.baseline);
  for (const goal of plan.goals)
    for (const output of goal.outputs)
      for (const ind of output.indicators)
        for (const group of ind.groups ?? ['all']) {
          const k = key({ id: ind.id, category: ind.category ?? null, group });
          const values: RoundValue[] = order.map((round) => {
            const x = perRound.get(round)!.get(k);
            return { round, estimate: x?.estimate ?? null, se: x?.se ?? null, ci: x?.ci ?? null, n: x?.n ?? 0, flags: x ? x.flags : ['not-computed'] };
          });
          const sample = order.map((r) => perRound.get(r)!.get(k)).find(Boolean);
          const rowNotes: string[] = [];
          if (!sample) rowNotes.push(`no round gives ${ind.id}${ind.category ? ` (${ind.category})` : ''} for group ${group}`);
          const base = values[baselineIndex];
          // The latest round after the baseline with a published estimate.
          let latest = -1;
          for (let i = order.length - 1; i > baselineIndex; i--)
            if (values[i].estimate !== null) {
              latest = i;
              break;
            }
          const changeFromBaseline = latest > 0 && base.estimate !== null ? (changesBetween(plan.baseline, order[latest]).get(k) ?? null) : null;
          const prev = latest - 1;
          const changeFromPrevious =
            latest > 0 && prev > baselineIndex && values[prev].estimate !== null ? (changesBetween(order[prev], order[latest]).get(k) ?? null) : null;
          // Target: the first on or after the latest round's date, else the last one.
          const targets = [...(ind.targets ?? [])]
            .filter((t) => t.group === undefined || t.group === group)
            .sort((x, y) => dateValue(x.date) - dateValue(y.date));
          const latestDate = latest > 0 ? dateValue(plan.rounds[latest].date) : null;
          const found = targets.length ? (targets.find((t) => latestDate !== null && dateValue(t.date) >= latestDate) ?? targets[targets.length - 1]) : null;
          const target = found ? { date: found.date, value: found.value } : null;
          let progress: number | null = null;
          let expected: number | null = null;
          let status: MonitoringRow['status'] = 'not measurable';
          if (target && base.estimate !== null && latest > 0 && target.value !== base.estimate) {
            const latestValue = values[latest].estimate!;
            progress = (latestValue - base.estimate) / (target.value - base.estimate);
            const span = dateValue(target.date) - dateValue(plan.rounds[baselineIndex].date);
            expected = span > 0 ? Math.min(1, (latestDate! - dateValue(plan.rounds[baselineIndex].date)) / span) : 1;
            status = progress >= 1 ? 'achieved' : progress >= expected ? 'on track' : 'off track';
          } else if (!target) rowNotes.push('no target');
          if (values.some((v) => v.flags.includes('suppressed') || v.flags.includes('complementary')))
            rowNotes.push('an estimate is withheld (too few cases): its changes are not published');
          if (values.some((v) => v.flags.includes('unreliable') || v.flags.includes('high-rse')))
            rowNotes.push('an estimate is flagged unreliable (few cases or a high relative standard error)');
          if (ind.notes) rowNotes.push(ind.notes);
          rows.push({
            goal: goal.id,
            outcome: goal.outcome,
            output: output.output,
            indicator: ind.id,
            category: ind.category ?? null,
            label: sample?.label ?? catalogue.indicators.find((i) => i.id === ind.id)?.label.en ?? ind.id,
            moneyUnit: sample?.moneyUnit ?? null,
            group,
            baseline: plan.baseline,
            rounds: values,
            changeFromBaseline,
            changeFromPrevious,
            target,
            progress,
            expected,
            status,
            notes: rowNotes,
          });
        }
  return { title: plan.title, rounds: plan.rounds, baseline: plan.baseline, sampling: plan.sampling, compare: plan.compare ?? null, thresholds, rows, notes };
}

/** The matrix as CSV rows: one per indicator, group and round (long), with the changes and status on each. */
export function monitoringCsvRows(report: MonitoringReport): Record<string, string | number>[] {
  const v = (x: number | null | undefined) => (x === null || x === undefined ? '' : x);
  return report.rows.flatMap((r) =>
    r.rounds.map((x) => ({
      goal: r.goal,
      output: r.output,
      indicator: r.indicator,
      category: r.category ?? '',
      group: r.group,
      unit: r.moneyUnit ?? '',
      round: x.round,
      estimate: v(x.estimate),
      se: v(x.se),
      ci_low: v(x.ci?.[0]),
      ci_high: v(x.ci?.[1]),
      n: x.n,
      flags: x.flags.join(' '),
      baseline: r.baseline,
      change_from_baseline: x.round === r.changeFromBaseline?.to ? r.changeFromBaseline.estimate : '',
      change_from_baseline_se: x.round === r.changeFromBaseline?.to ? r.changeFromBaseline.se : '',
      change_from_baseline_p: x.round === r.changeFromBaseline?.to ? r.changeFromBaseline.p : '',
      change_from_previous: x.round === r.changeFromPrevious?.to ? r.changeFromPrevious.estimate : '',
      change_from_previous_se: x.round === r.changeFromPrevious?.to ? r.changeFromPrevious.se : '',
      target: v(r.target?.value),
      target_date: r.target?.date ?? '',
      progress: v(r.progress),
      status: r.status,
    })),
  );
}

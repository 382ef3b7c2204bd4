import { InputError } from '../common/errors.js';
import { hashText, mulberry32 } from '../common/random.js';
import { categoricalColumn, numericColumn, sortedLevelOrder, type DataTable } from '../analysis/index.js';
import type { FirstStage, SampleDesign, SecondStage } from './sample-design.js';

/** One selected row with its inclusion probabilities; values are the input's text or numbers. */
export type SelectedRow = Record<string, string | number>;

/** What happened in one stratum at the first stage. */
export interface StratumReport {
  stratum: string;
  frameUnits: number;
  frameSize: number;
  allocated: number;
  certainty: number;
  /** Sum of 1/pi over the selected units: equals the frame's unit count in expectation. */
  weightSum: number;
}

/** What happened in one selected unit at the second stage. */
export interface ClusterReport {
  cluster: string;
  listed: Record<string, number>;
  selected: Record<string, number>;
  /** Statuses whose quota was larger than the households listed (all were taken). */
  shortfalls: string[];
}

export interface Selection {
  rows: SelectedRow[];
  strata: StratumReport[];
  clusters: ClusterReport[];
  /** Selected units with no household in the listing. */
  unlisted: string[];
}

/** Splits n over weights by the largest-remainder method; each share at most cap[h] and (when n allows) at least 1. */
export function allocate(n: number, weights: readonly number[], caps: readonly number[], labels: readonly string[]): number[] {
  const H = weights.length;
  const capTotal = caps.reduce((a, b) => a + b, 0);
  if (n > capTotal) throw new InputError('sample-too-large', `the design asks for ${n} units but the frame has only ${capTotal} that can be selected`);
  const out = new Array<number>(H).fill(0);
  const open = new Set(weights.map((_, h) => h).filter((h) => caps[h] > 0));
  let remaining = n;
  // At least one unit per stratum so that every stratum is represented.
  if (n >= open.size)
    for (const h of open) {
      out[h] = 1;
      remaining--;
    }
  while (remaining > 0) {
    const active = [...open].filter((h) => out[h] < caps[h]);
    const total = active.reduce((s, h) => s + weights[h], 0);
    if (active.length === 0) break;
    const ideal = active.map((h) => (total > 0 ? (remaining * weights[h]) / total : remaining / active.length));
    const floors = ideal.map((x, k) => Math.min(Math.floor(x), caps[active[k]] - out[active[k]]));
    let given = floors.reduce((a, b) => a + b, 0);
    active.forEach((h, k) => (out[h] += floors[k]));
    const order = active.map((h, k) => ({ h, rem: ideal[k] - Math.floor(ideal[k]) })).sort((a, b) => b.rem - a.rem || labels[a.h].localeCompare(labels[b.h]));
    for (const { h } of order) {
      if (given >= remaining) break;
      if (out[h] < caps[h]) {
        out[h]++;
        given++;
      }
    }
    remaining -= given;
    if (given === 0) break;
  }
  return out;
}

/**
 * Selects the first stage from a frame (and, with a listing, the second): reproducible for a seed,
 * and the first stage is the same with or without the listing.
 * Rows carry pi1 (and pi2, pi, design_weight) and the stratum counts for the fpc.
 */
export function selectSample(design: SampleDesign, frame: DataTable, seed: number, listing?: DataTable): Selection {
  const [first, second] = design.stages;
  const { rows, strata } = selectFirstStage(first, frame, mulberry32(seed));
  // Without a listing only the first stage is drawn (the listing is made in the selected units afterwards).
  if (!second || !listing) return { rows, strata, clusters: [], unlisted: [] };
  return { ...selectSecondStage(first, second, rows, listing, seed), strata };
}

/**
 * The second stage alone, for first-stage units already drawn (their rows carry pi1): what the server
 * runs when the listing of one EA is closed. Each unit draws from its own stream, seeded by the seed
 * and the unit's id, so a unit's households are the same whether it is drawn alone, in any order, or
 * with every other unit by `sample select --listing`.
 */
export function selectHouseholds(design: SampleDesign, units: SelectedRow[], listing: DataTable, seed: number): Omit<Selection, 'strata'> {
  const [first, second] = design.stages;
  if (!second) throw new InputError('bad-design', 'the design has no second stage (households from the listing)');
  return selectSecondStage(first, second, units, listing, seed);
}

/** The generator of one unit's second-stage draw. */
const unitStream = (seed: number, unit: string) => mulberry32(hashText(`${seed >>> 0}\u0000${unit}`));

function textColumns(table: DataTable): { name: string; text: (i: number) => string | number }[] {
  return [...table.columns.values()].map((c) =>
    c.kind === 'number'
      ? { name: c.name, text: (i: number) => (Number.isNaN(c.values[i]) ? '' : c.values[i]) }
      : { name: c.name, text: (i: number) => (c.codes[i] < 0 ? '' : c.levels[c.codes[i]]) },
  );
}

function selectFirstStage(stage: FirstStage, frame: DataTable, rand: () => number): { rows: SelectedRow[]; strata: StratumReport[] } {
  const n = frame.nRows;
  const ids = categoricalColumn(frame, stage.id, 'first-stage id');
  const seen = new Int32Array(ids.levels.length);
  for (let i = 0; i < n; i++) {
    if (ids.codes[i] < 0)
      throw new InputError('missing-value', `frame row ${i + 1}: the unit id (column "${stage.id}") is missing`, `row ${i + 1}, column ${stage.id}`);
    if (seen[ids.codes[i]]++)
      throw new InputError('duplicate-id', `frame row ${i + 1}: unit "${ids.levels[ids.codes[i]]}" appears twice`, `row ${i + 1}, column ${stage.id}`);
  }
  const size = stage.method === 'pps' ? numericColumn(frame, stage.size!, 'measure of size') : null;
  if (size) {
    for (let i = 0; i < n; i++) {
      if (!(size[i] >= 0))
        throw new InputError(
          'bad-size',
          `frame row ${i + 1}: the measure of size (column "${stage.size}") must be a non-negative number`,
          `row ${i + 1}, column ${stage.size}`,
        );
    }
  }
  const strataCol = stage.strata ? categoricalColumn(frame, stage.strata, 'strata') : null;
  const labels = strataCol ? sortedLevelOrder(strataCol.levels).map((k) => strataCol.levels[k]) : ['all'];
  const members: number[][] = labels.map(() => []);
  const labelIndex = new Map(labels.map((l, h) => [l, h]));
  for (let i = 0; i < n; i++) {
    if (strataCol && strataCol.codes[i] < 0)
      throw new InputError('missing-value', `frame row ${i + 1}: the stratum (column "${stage.strata}") is missing`, `row ${i + 1}, column ${stage.strata}`);
    members[strataCol ? labelIndex.get(strataCol.levels[strataCol.codes[i]])! : 0].push(i);
  }
  const unitCount = members.map((m) => m.length);
  const sizeTotal = members.map((m) => (size ? m.reduce((s, i) => s + size[i], 0) : m.length));
  const selectable = members.map((m) => (size ? m.filter((i) => size[i] > 0).length : m.length));

  const allocation = stage.allocation ?? 'proportional';
  let nh: number[];
  if (allocation === 'fixed') {
    nh = labels.map((l, h) => {
      const v = stage.fixed![l];
      if (v === undefined) throw new InputError('bad-design', `allocation "fixed" gives no size for stratum "${l}"`, l);
      if (v > selectable[h]) throw new InputError('sample-too-large', `stratum "${l}" has ${selectable[h]} selectable units but ${v} are asked for`, l);
      return v;
    });
    for (const l of Object.keys(stage.fixed!))
      if (!labelIndex.has(l)) throw new InputError('bad-design', `allocation "fixed" names stratum "${l}", which the frame does not have`, l);
  } else {
    const weights = labels.map((l, h) => {
      if (allocation === 'equal') return 1;
      if (allocation === 'neyman') {
        const sd = stage.stratumSd![l];
        if (sd === undefined) throw new InputError('bad-design', `allocation "neyman" gives no standard deviation for stratum "${l}"`, l);
        return sizeTotal[h] * sd;
      }
      return sizeTotal[h];
    });
    nh = allocate(stage.sampleSize!, weights, selectable, labels);
  }

  const frameCols = textColumns(frame);
  const rows: SelectedRow[] = [];
  const reports: StratumReport[] = [];
  labels.forEach((label, h) => {
    const chosen: { i: number; pi: number; certain: boolean }[] =
      stage.method === 'pps' ? ppsSystematic(members[h], size!, nh[h], stage.certainty ?? true, rand) : srs(members[h], nh[h], rand);
    let weightSum = 0;
    for (const c of chosen) {
      const row: SelectedRow = {};
      for (const col of frameCols) row[col.name] = col.text(c.i);
      row.stratum_h = label;
      row.pi1 = c.pi;
      row.w1 = 1 / c.pi;
      row.certainty = c.certain ? 1 : 0;
      row.n_h = nh[h];
      row.N_h = unitCount[h];
      rows.push(row);
      weightSum += 1 / c.pi;
    }
    reports.push({
      stratum: label,
      frameUnits: unitCount[h],
      frameSize: sizeTotal[h],
      allocated: nh[h],
      certainty: chosen.filter((c) => c.certain).length,
      weightSum,
    });
  });
  return { rows, strata: reports };
}

/** Systematic PPS in frame order after taking certainty units (expected hits >= 1) out, repeatedly. */
function ppsSystematic(units: number[], size: Float64Array, n: number, certainty: boolean, rand: () => number): { i: number; pi: number; certain: boolean }[] {
  const out: { i: number; pi: number; certain: boolean }[] = [];
  let rest = units.filter((i) => size[i] > 0);
  let m = n;
  if (certainty) {
    for (;;) {
      const total = rest.reduce((s, i) => s + size[i], 0);
      const sure = rest.filter((i) => (m * size[i]) / total >= 1);
      if (sure.length === 0 || m === 0) break;
      for (const i of sure) out.push({ i, pi: 1, certain: true });
      m -= sure.length;
      const sureSet = new Set(sure);
      rest = rest.filter((i) => !sureSet.has(i));
    }
  }
  if (m <= 0) return out.sort((a, b) => a.i - b.i);
  const total = rest.reduce((s, i) => s + size[i], 0);
  const step = total / m;
  let point = rand() * step;
  let cum = 0;
  for (const i of rest) {
    const next = cum + size[i];
    // A unit larger than the step could be hit twice: without certainty it is selected once with pi capped at 1.
    let hits = 0;
    while (point < next) {
      hits++;
      point += step;
    }
    if (hits > 0) out.push({ i, pi: Math.min(1, (m * size[i]) / total), certain: false });
    cum = next;
  }
  return out.sort((a, b) => a.i - b.i);
}

/** Simple random sampling without replacement (partial Fisher-Yates), in frame order. */
function srs(units: number[], n: number, rand: () => number): { i: number; pi: number; certain: boolean }[] {
  if (n > units.length) throw new InputError('sample-too-large', `asked for ${n} units of ${units.length}`);
  const pool = [...units];
  for (let k = 0; k < n; k++) {
    const j = k + Math.floor(rand() * (pool.length - k));
    [pool[k], pool[j]] = [pool[j], pool[k]];
  }
  const pi = units.length ? n / units.length : 0;
  return pool
    .slice(0, n)
    .sort((a, b) => a - b)
    .map((i) => ({ i, pi, certain: pi === 1 }));
}

function selectSecondStage(first: FirstStage, stage: SecondStage, firstRows: SelectedRow[], listing: DataTable, seed: number): Omit<Selection, 'strata'> {
  const cluster = categoricalColumn(listing, stage.cluster, 'cluster of the listing');
  const hhIds = categoricalColumn(listing, stage.id, 'household id');
  const status = stage.by ? categoricalColumn(listing, stage.by, 'screening status') : null;
  const byCluster = new Map<string, number[]>();
  const seenIds = new Set<string>();
  for (let i = 0; i < listing.nRows; i++) {
    if (cluster.codes[i] < 0)
      throw new InputError('missing-value', `listing row ${i + 1}: the unit (column "${stage.cluster}") is missing`, `row ${i + 1}, column ${stage.cluster}`);
    if (hhIds.codes[i] < 0)
      throw new InputError('missing-value', `listing row ${i + 1}: the household id (column "${stage.id}") is missing`, `row ${i + 1}, column ${stage.id}`);
    if (status && status.codes[i] < 0)
      throw new InputError('missing-value', `listing row ${i + 1}: the screening status (column "${stage.by}") is missing`, `row ${i + 1}, column ${stage.by}`);
    const c = cluster.levels[cluster.codes[i]];
    const key = `${c}\u0000${hhIds.levels[hhIds.codes[i]]}`;
    if (seenIds.has(key))
      throw new InputError('duplicate-id', `listing row ${i + 1}: household "${hhIds.levels[hhIds.codes[i]]}" of unit "${c}" is listed twice`, `row ${i + 1}`);
    seenIds.add(key);
    const list = byCluster.get(c) ?? [];
    list.push(i);
    byCluster.set(c, list);
  }
  const quotas = stage.quotas;
  if (status) {
    for (const s of Object.keys(quotas)) {
      if (!status.levels.includes(s))
        throw new InputError(
          'bad-design',
          `the quota names status "${s}", which the listing's column "${stage.by}" never has (it has ${status.levels.join(', ')})`,
          s,
        );
    }
  }
  const listingCols = textColumns(listing);
  const rows: SelectedRow[] = [];
  const clusters: ClusterReport[] = [];
  const unlisted: string[] = [];
  for (const unit of firstRows) {
    const id = String(unit[first.id]);
    const members = byCluster.get(id);
    if (!members) {
      unlisted.push(id);
      continue;
    }
    const groups = new Map<string, number[]>();
    for (const i of members) {
      const s = status ? status.levels[status.codes[i]] : 'all';
      const g = groups.get(s) ?? [];
      g.push(i);
      groups.set(s, g);
    }
    const report: ClusterReport = { cluster: id, listed: {}, selected: {}, shortfalls: [] };
    const rand = unitStream(seed, id);
    for (const [s, quota] of Object.entries(quotas)) {
      const g = groups.get(s) ?? [];
      const m = Math.min(quota, g.length);
      report.listed[s] = g.length;
      report.selected[s] = m;
      if (g.length < quota) report.shortfalls.push(s);
      for (const pick of srs(g, m, rand)) {
        const row: SelectedRow = { ...unit };
        for (const col of listingCols) row[col.name] = col.text(pick.i);
        row.status_s = s;
        row.M_s = g.length;
        row.m_s = m;
        row.pi2 = pick.pi;
        row.pi = (unit.pi1 as number) * pick.pi;
        row.design_weight = 1 / ((unit.pi1 as number) * pick.pi);
        rows.push(row);
      }
    }
    clusters.push(report);
  }
  return { rows, clusters, unlisted };
}

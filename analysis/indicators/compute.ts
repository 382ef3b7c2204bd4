import { InputError } from '../../common/errors.js';
import { analysisTable, designSpecOf, withColumn, type Dataset } from '../dataset.js';
import { moneyUnit } from '../money.js';
import { buildDesign, withReplicates, type SurveyDesign } from '../design.js';
import { withDatasetCalibration } from '../dataset-calibration.js';
import { givenReplicates } from '../replicates.js';
import { linearisedMean, linearisedRatio, summarise, type Domain, type Linearised } from '../estimators.js';
import { quantileEstimate } from '../quantile.js';
import { domainDifference, type DomainDifference } from '../compare.js';
import { evaluateColumn, evaluateSubset } from '../subset.js';
import { categoricalColumn, sortedLevelOrder, type DataTable } from '../table.js';
import type { IndicatorCatalogue, IndicatorDefinition } from './catalogue.js';
import { prepareDataset } from './catalogue.js';
import { DEFAULT_THRESHOLDS, estimateFlags, type DisclosureThresholds } from '../disclosure/thresholds.js';

/** The difference of a group's estimate to the reference group's (non-migrant households), with its test. */
export interface IndicatorDifference extends DomainDifference {
  /** The reference group (H0). */
  versus: string;
  /** With `pAdjust: 'holm'`: the p value adjusted (Holm) across the groups of the indicator (one category, one by-domain). */
  pAdjusted?: number;
}

/** One indicator for one group (and by-domain). */
export interface IndicatorRow {
  id: string;
  /** Category of a categorical proportion (main use = education), else null. */
  category: string | null;
  domain: string;
  unit: string;
  statistic: 'proportion' | 'mean' | 'ratio' | 'median';
  label: string;
  /** Money figures: the unit and price basis (`GHS, 2026 prices`); null for shares, ratios and counts. */
  moneyUnit: string | null;
  /** The compared group: `all`, a level of the compare variable, or `migrant` (every level but the reference). */
  group: string;
  /** By-variables and their levels, empty for the whole population. */
  by: Record<string, string>;
  estimate: number | null;
  se: number | null;
  ci: [number, number] | null;
  df: number | null;
  /** Unweighted cases used. */
  n: number;
  /** Sum of the weights of the cases used: the estimated population (households, persons, transfers) behind the figure. */
  weightedN: number | null;
  /** Design effect (variance over that of simple random sampling of the same size, R's deff); null for ratios. */
  deff: number | null;
  /** Effective sample size, n / deff. */
  effectiveN: number | null;
  cv: number | null;
  difference: IndicatorDifference | null;
  /** suppressed (fewer than minCases), unreliable (fewer than flagCases), high-rse, no-cases. */
  flags: string[];
}

/** Indicators the dataset cannot give, and why (a missing variable, a missing level). */
export interface IndicatorSkip {
  id: string;
  reason: string;
}

/** Everything `mdsurvey indicators` reports. */
export interface IndicatorReport {
  catalogue: { id: string; version: string };
  compare: string | null;
  reference: string | null;
  by: string[];
  thresholds: DisclosureThresholds;
  rows: IndicatorRow[];
  skipped: IndicatorSkip[];
  notes: string[];
  /** How the differences' p values are to be read: unadjusted (descriptive) or Holm-adjusted within each indicator. */
  differences: 'descriptive: unadjusted t tests' | 'Holm-adjusted across the groups of each indicator';
}

/** Options of computeIndicators. */
export interface IndicatorOptions {
  /** Group variable (hh_migration_status): estimates per level, differences to the reference. */
  compare?: string;
  /** Reference level of the compare variable (default H0 when present, else the first level). */
  reference?: string;
  /** Name of the group of every non-reference level (default `migrant`). */
  combinedName?: string;
  by?: string[];
  /** Only these indicator ids. */
  only?: string[];
  /**
   * A domain every estimate is restricted to (an expression, e.g. `${hh_immigrant_household} = 0` to leave
   * immigrant households out). Rows outside it are out of every universe; the full design is kept.
   */
  where?: string;
  /**
   * Multiple comparisons: differences are descriptive, unadjusted t tests (default); `holm` also gives each
   * difference's p value adjusted across the groups of its indicator (Holm 1979, R's p.adjust).
   */
  pAdjust?: 'none' | 'holm';
  language?: string;
  thresholds?: DisclosureThresholds;
}

/** The design of a dataset level's table (design columns come from the household level through the join). */
export function designOfLevel(dataset: Dataset, table: DataTable, level?: string): SurveyDesign {
  let design = buildDesign(table, designSpecOf(dataset.design));
  const rep = dataset.design.replicates;
  if (rep)
    design = withReplicates(
      design,
      givenReplicates(table, rep.columns, { type: rep.type, scale: rep.scale, rscales: rep.rscales, rho: rep.rho, mse: rep.mse }),
    );
  // The recorded calibration (design level only): variances on its residuals.
  if (level !== undefined) design = withDatasetCalibration(dataset, level, table, design);
  return design;
}

interface Group {
  name: string;
  /** Compare-variable codes in the group (null: every row). */
  codes: Set<number> | null;
}

function linearise(design: SurveyDesign, ind: IndicatorDefinition, y: Float64Array, x: Float64Array | null, domain: Domain): Linearised {
  return ind.statistic === 'ratio' ? linearisedRatio(design, y, x!, domain) : linearisedMean(design, y, domain);
}

/** A row hidden when published: suppressed (too few cases) or complementary (it would give a suppressed one away). */
export const isHidden = (r: Pick<IndicatorRow, 'flags'>): boolean => r.flags.includes('suppressed') || r.flags.includes('complementary');

/**
 * The rows as published: a hidden estimate (suppressed, or complementary) keeps its flags and n but
 * loses every figure (estimate, se, interval, cv, weighted N, deff, difference); a difference to a hidden
 * reference group is dropped too, since the reference's estimate would follow from this one minus it.
 */
export function publishedRows(rows: readonly IndicatorRow[]): IndicatorRow[] {
  return rows.map((r) =>
    isHidden(r)
      ? { ...r, estimate: null, se: null, ci: null, cv: null, weightedN: null, deff: null, effectiveN: null, difference: null }
      : r.flags.includes('difference-suppressed')
        ? { ...r, difference: null }
        : r,
  );
}

/**
 * Complementary suppression across the groups of one indicator (one category, one by-domain). The groups
 * add up: `all` is the reference group plus `migrant` (or every level), and `migrant` is every
 * non-reference level. Weighted by their populations, which other published figures let anyone work out,
 * a total and all but one of its parts give the last part away. So in every such relation either no
 * member is hidden or at least two are: while a relation has exactly one, the member with the fewest
 * cases among the others is hidden too (flag `complementary`).
 */
function complementaryGroups(rows: IndicatorRow[], relations: string[][]): void {
  const byGroup = new Map(rows.map((r) => [r.group, r]));
  const hidden = (g: string) => {
    const r = byGroup.get(g);
    return !r || r.estimate === null || isHidden(r);
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const relation of relations) {
      const members = relation.filter((g) => byGroup.has(g) && byGroup.get(g)!.estimate !== null);
      const hiddenCount = members.filter((g) => isHidden(byGroup.get(g)!)).length;
      if (hiddenCount !== 1) continue;
      const open = members.filter((g) => !hidden(g)).sort((a, b) => byGroup.get(a)!.n - byGroup.get(b)!.n);
      if (open.length === 0) continue;
      byGroup.get(open[0])!.flags.push('complementary');
      changed = true;
    }
  }
}

/**
 * Computes every indicator of the catalogue the dataset supports, for the whole population and per group
 * of the compare variable (and per by-domain), with differences to the reference group. Universes are
 * domains: the full design is kept, as R's subset() does.
 */
export function computeIndicators(input: Dataset, cat: IndicatorCatalogue, options: IndicatorOptions = {}): IndicatorReport {
  const thresholds = options.thresholds ?? DEFAULT_THRESHOLDS;
  const { dataset, skipped: derivedSkipped, notes: preparationNotes } = prepareDataset(input, cat);
  const lang = options.language ?? 'en';
  const by = options.by ?? [];
  const rows: IndicatorRow[] = [];
  const skipped: IndicatorSkip[] = [];
  const notes: string[] = [...preparationNotes, ...derivedSkipped.map((s) => `derived variable ${s.name} not computed: ${s.reason}`)];
  let reference: string | null = null;
  const tableCache = new Map<string, { table: DataTable; design: SurveyDesign }>();
  const indicators = options.only ? cat.indicators.filter((i) => options.only!.includes(i.id)) : cat.indicators;
  if (options.only)
    for (const id of options.only)
      if (!cat.indicators.some((i) => i.id === id)) throw new InputError('unknown-indicator', `no indicator "${id}" in the catalogue`, id);
  const missingBy = new Set<string>();
  // An identifier never groups published estimates: its values would be printed as group labels.
  for (const name of [options.compare, ...by]) {
    if (name && dataset.codebook.variables.some((v) => v.variable === name && v.identifier)) {
      throw new InputError(
        'identifier-grouping',
        `"${name}" is an identifier; estimates cannot be grouped by it`,
        name === options.compare ? '--compare' : '--by',
      );
    }
  }

  // A compare variable no level has is a mistake (a typo), not a variable of another level.
  if (options.compare && ![...dataset.tables.values()].some((t) => t.columns.has(options.compare!)))
    throw new InputError('unknown-column', `unknown column "${options.compare}": --compare names no variable of any level of the dataset`, '--compare');
  for (const ind of indicators) {
    const cacheKey = ind.weightFactor ? `${ind.level}\u0000${ind.weightFactor}` : ind.level;
    let entry = tableCache.get(cacheKey);
    try {
      if (ind.money && !dataset.design.money)
        throw new InputError('no-money-settings', 'a money figure needs the dataset\'s local currency and price basis (design.json "money")');
      if (!entry) {
        let table = analysisTable(dataset, ind.level);
        if (ind.weightFactor) table = withWeightFactor(dataset, table, ind.weightFactor, ind.id);
        entry = { table, design: designOfLevel(dataset, table, ind.weightFactor ? undefined : ind.level) };
        tableCache.set(cacheKey, entry);
      }
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      skipped.push({ id: ind.id, reason: err.message });
      continue;
    }
    const { table, design } = entry;
    // A compare variable of another level (a person's migratory status) cannot split a household indicator.
    if (options.compare && !table.columns.has(options.compare)) {
      skipped.push({ id: ind.id, reason: `the compare variable "${options.compare}" is not at level ${ind.level} (nor at a level it joins)` });
      continue;
    }
    let universe: Uint8Array | null;
    let y: Float64Array;
    let x: Float64Array | null = null;
    let categorical: { codes: Int32Array; levels: string[] } | null = null;
    try {
      universe = ind.universe ? evaluateSubset(table, ind.universe, `${ind.id} universe`) : null;
      if (options.where) {
        const within = evaluateSubset(table, options.where, '--where');
        universe = universe ? universe.map((u, i) => (u && within[i] ? 1 : 0)) : within;
      }
      if (ind.statistic === 'ratio') {
        y = numeric(evaluateColumn(table, ind.numerator!, 'numerator', `${ind.id} numerator`), ind.id);
        x = numeric(evaluateColumn(table, ind.denominator!, 'denominator', `${ind.id} denominator`), ind.id);
      } else {
        const col = evaluateColumn(table, ind.variable!, 'variable', `${ind.id} variable`);
        if (ind.categories) {
          const c = col.kind === 'category' ? col : categoricalColumn({ nRows: table.nRows, columns: new Map([['variable', col]]) }, 'variable', ind.id);
          categorical = c;
          y = new Float64Array(0);
        } else y = numeric(col, ind.id);
      }
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      skipped.push({ id: ind.id, reason: err.message });
      continue;
    }
    // Groups of the compare variable (present at every level through the join with the household).
    const groups: Group[] = [{ name: 'all', codes: null }];
    let compareCodes: Int32Array | null = null;
    let referenceIndex = -1;
    if (options.compare) {
      const g = categoricalColumn(table, options.compare, '--compare');
      compareCodes = g.codes;
      const order = sortedLevelOrder(g.levels);
      const refName = options.reference ?? (g.levels.includes('H0') ? 'H0' : g.levels[order[0]]);
      const ref = g.levels.indexOf(refName);
      if (ref < 0)
        throw new InputError(
          'unknown-level',
          `--reference "${refName}" is not a level of ${options.compare} (${order.map((o) => g.levels[o]).join(', ')})`,
          '--reference',
        );
      reference = refName;
      for (const o of order) groups.push({ name: g.levels[o], codes: new Set([o]) });
      referenceIndex = groups.findIndex((gr) => gr.name === refName);
      if (order.length > 2) groups.push({ name: options.combinedName ?? 'migrant', codes: new Set(order.filter((o) => o !== ref)) });
    }
    const byCols = by.filter((b) => table.columns.has(b)).map((b) => categoricalColumn(table, b, '--by'));
    for (const b of by) if (!table.columns.has(b)) missingBy.add(`${b} (not at level ${ind.level}: ${ind.id})`);
    const byCombos = byCombinations(byCols, table.nRows, universe);
    const outcomes: { category: string | null; y: Float64Array }[] = categorical
      ? ind.categories!.map((cat) => {
          const code = categorical!.levels.indexOf(cat);
          const v = new Float64Array(table.nRows);
          for (let i = 0; i < v.length; i++) v[i] = categorical!.codes[i] < 0 ? NaN : categorical!.codes[i] === code ? 1 : 0;
          return { category: cat, y: v };
        })
      : [{ category: null, y }];
    for (const combo of byCombos) {
      for (const outcome of outcomes) {
        const comboRows: IndicatorRow[] = [];
        const lins: (Linearised | null)[] = groups.map((gr) => {
          const mask = new Uint8Array(table.nRows);
          let any = false;
          for (let i = 0; i < mask.length; i++) {
            const inGroup = gr.codes === null || (compareCodes![i] >= 0 && gr.codes.has(compareCodes![i]));
            mask[i] = inGroup && (!universe || universe[i]) && (!combo.rows || combo.rows[i]) ? 1 : 0;
            any ||= mask[i] === 1;
          }
          if (!any) return null;
          const lin = linearise(design, ind, outcome.y, x, { rows: mask, labels: null });
          return lin.n > 0 ? lin : null;
        });
        groups.forEach((gr, gi) => {
          const lin = lins[gi];
          const base = {
            id: ind.id,
            category: outcome.category,
            domain: ind.domain,
            unit: ind.unit,
            statistic: ind.statistic,
            label: ind.label[lang] ?? ind.label.en,
            moneyUnit: ind.money && dataset.design.money ? moneyUnit(dataset.design.money, ind.money) : null,
            group: gr.name,
            by: combo.labels,
          };
          if (!lin) {
            comboRows.push({
              ...base,
              estimate: null,
              se: null,
              ci: null,
              df: null,
              n: 0,
              weightedN: null,
              deff: null,
              effectiveN: null,
              cv: null,
              difference: null,
              flags: ['no-cases'],
            });
            return;
          }
          // A median: R's svyquantile on the domain (Woodruff interval); no difference test.
          const s =
            ind.statistic === 'median'
              ? quantileEstimate(design, outcome.y, { rows: lin.used, labels: null }, 0.5, ind.id)
              : summarise(design, lin, { statistic: ind.statistic, variable: ind.id, level: outcome.category, domain: null });
          let difference: IndicatorDifference | null = null;
          const refLin = referenceIndex >= 0 ? lins[referenceIndex] : null;
          const flags = estimateFlags(s.n, s.cv, thresholds);
          // An estimate with no sampling variance (a proportion of exactly 0 or 1 in every PSU) gets no interval to trust.
          if (s.se === 0) flags.push('no-variance');
          if (refLin && gi !== 0 && gi !== referenceIndex && ind.statistic !== 'median') {
            difference = { versus: groups[referenceIndex].name, ...domainDifference(design, refLin, lin) };
            // A difference without sampling variance holds by definition (households with an emigrant, H1 vs
            // H0, differ by 1 on "has an emigrant"): it is labelled, not tested.
            if (difference.se === 0 && Number.isFinite(difference.estimate)) {
              difference = { ...difference, t: NaN, p: NaN };
              flags.push('definitional');
            }
          }
          const deff = s.deff !== null && Number.isFinite(s.deff) && s.deff > 0 ? s.deff : null;
          comboRows.push({
            ...base,
            estimate: s.estimate,
            se: s.se,
            ci: s.ci,
            df: s.df,
            n: s.n,
            weightedN: lin.weightSum,
            deff,
            effectiveN: deff !== null ? s.n / deff : null,
            cv: s.cv,
            difference,
            flags,
          });
        });
        // Complementary suppression across the groups, then the differences that would give a hidden group away.
        // Medians do not add up across groups: no relation gives a hidden one away.
        if (groups.length > 1 && ind.statistic !== 'median') {
          const levels = groups.filter((g) => g.name !== 'all' && g.name !== (options.combinedName ?? 'migrant')).map((g) => g.name);
          const combined = groups.find((g) => g.name === (options.combinedName ?? 'migrant'));
          const reference = referenceIndex >= 0 ? groups[referenceIndex].name : null;
          const relations = combined
            ? [
                ['all', reference!, combined.name],
                [combined.name, ...levels.filter((l) => l !== reference)],
                ['all', ...levels],
              ]
            : [['all', ...levels]];
          complementaryGroups(comboRows, relations);
          const ref = comboRows.find((r) => r.group === reference);
          for (const r of comboRows) {
            if (!r.difference) continue;
            // A difference to a hidden reference would give it away (estimate - difference); so would a hidden group's own difference.
            if (ref && isHidden(ref) && !r.flags.includes('difference-suppressed')) r.flags.push('difference-suppressed');
          }
        }
        if (options.pAdjust === 'holm') holm(comboRows.map((r) => r.difference).filter((d): d is IndicatorDifference => d !== null && Number.isFinite(d.p)));
        rows.push(...comboRows);
      }
    }
  }
  if (missingBy.size) notes.push(`by-variables left out where the level does not have them: ${[...missingBy].join('; ')}`);
  return {
    catalogue: { id: cat.id, version: cat.version },
    compare: options.compare ?? null,
    reference,
    by,
    thresholds,
    rows,
    skipped,
    notes,
    differences: options.pAdjust === 'holm' ? 'Holm-adjusted across the groups of each indicator' : 'descriptive: unadjusted t tests',
  };
}

/** Holm's step-down adjustment of the p values of a family of differences (as R's p.adjust(method = "holm")). */
export function holm(family: IndicatorDifference[]): void {
  const order = family.map((_, i) => i).sort((a, b) => family[a].p - family[b].p);
  const m = family.length;
  let running = 0;
  order.forEach((i, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * family[i].p));
    family[i].pAdjusted = running;
  });
}

/**
 * The table with its weights (and replicate weights) multiplied by a per-row factor: the design of a person
 * drawn at random among the household's eligible persons (weight = household weight x number eligible).
 * Rows without a factor (no eligible person) keep their weight; they are outside the indicator's universe.
 */
function withWeightFactor(dataset: Dataset, table: DataTable, expression: string, id: string): DataTable {
  const factor = numeric(evaluateColumn(table, expression, 'weight factor', `${id} weightFactor`), id);
  let out = table;
  for (const name of [dataset.design.weights, ...(dataset.design.replicates?.columns ?? [])]) {
    const col = table.columns.get(name);
    if (!col || col.kind !== 'number') continue;
    const values = Float64Array.from(col.values, (w, i) => (Number.isNaN(factor[i]) ? w : w * factor[i]));
    out = withColumn(out, { kind: 'number', name, values });
  }
  return out;
}

function numeric(col: ReturnType<typeof evaluateColumn>, id: string): Float64Array {
  if (col.kind !== 'number') throw new InputError('not-numeric', `${id}: ${col.name} must be numeric, but it gives "${col.levels[0]}"`, id);
  return col.values;
}

/** One domain per combination of by-levels among the universe's rows (sorted), or the whole population. */
function byCombinations(
  cols: ReturnType<typeof categoricalColumn>[],
  n: number,
  universe: Uint8Array | null,
): { rows: Uint8Array | null; labels: Record<string, string> }[] {
  if (cols.length === 0) return [{ rows: null, labels: {} }];
  let combos: { rows: Uint8Array | null; labels: Record<string, string> }[] = [{ rows: null, labels: {} }];
  for (const col of cols) {
    const next: typeof combos = [];
    for (const combo of combos) {
      for (const lvl of sortedLevelOrder(col.levels)) {
        const rows = new Uint8Array(n);
        let any = false;
        for (let i = 0; i < n; i++) {
          rows[i] = col.codes[i] === lvl && (!combo.rows || combo.rows[i]) && (!universe || universe[i]) ? 1 : 0;
          any ||= rows[i] === 1;
        }
        if (any) next.push({ rows, labels: { ...combo.labels, [col.name]: col.levels[lvl] } });
      }
    }
    combos = next;
  }
  return combos;
}

import { withVariableMap } from './indicators/catalogue.js';
import { InputError } from '../common/errors.js';
import { countryLabel, countryRegion, NOT_A_COUNTRY, THIS_COUNTRY } from '../questionnaires/codes/index.js';
import { qt } from './distributions.js';
import { dfOf } from './linearisation.js';
import { analysisTable, cellText, withColumn, type Dataset } from './dataset.js';
import { designOfLevel } from './indicators/compute.js';
import { linearisedMean, linearisedTotal, summarise, type Estimate } from './estimators.js';
import { evaluateSubset } from './subset.js';
import { tabulate, type RaoScottTest } from './tabulate.js';
import { categoricalColumn, categoricalFrom, getColumn, sortedLevelOrder, type DataTable } from './table.js';
import { suppressTable, type CellStatus } from './disclosure/tables.js';
import { DEFAULT_THRESHOLDS, type DisclosureThresholds } from './disclosure/thresholds.js';

/** Grouping settings of the derived tabulation variables. */
export interface GroupingOptions {
  /** Lower bounds of the age groups (default 0,15,25,35,45,55,65: 0-14 ... 65+). */
  ageBreaks?: number[];
  /** Lower bounds of the periods of arrival (default 2000,2010,2015,2020: before 2000, 2000-2009 ...). */
  arrivalBreaks?: number[];
  /** Countries shown by name: the most frequent (weighted) n; others grouped by world region (default 10). */
  topCountries?: number;
  /** Explicit country -> group label; overrides topCountries for the listed codes. */
  countryGroups?: Record<string, string>;
  /** ISO code of the survey country (settings.host_country): born there is native-born. `THIS` is always native. */
  hostCountry?: string;
}

/**
 * Where the census tables find their variables when a questionnaire names them otherwise: the census
 * add-on (c_birth ...) and the LFS migration module (lm_birth ...). A dataset's variableMap comes first.
 */
const TABULATION_ALIASES: Record<string, string[]> = {
  country_birth: ['c_birth', 'lm_birth'],
  citizenship: ['c_citizenship', 'lm_citizenship'],
  im_year_arrival: ['c_arrival_year', 'lm_arrival_year'],
};

/** A named standard table (DOMAIN.md, Census add-on: the IMILA tables). */
export interface TablePreset {
  id: string;
  title: string;
  level: string;
  rows: string;
  cols: string;
  by?: string;
  universe?: string;
  /** Lower bounds of the age groups the preset uses unless asked otherwise (census tables: 5-year groups, 80+). */
  ageBreaks?: number[];
}

/** Five-year age groups up to 80+, as census tabulation programmes publish them (UN P&R Rev.3). */
export const FIVE_YEAR_AGE_GROUPS = Array.from({ length: 17 }, (_, i) => i * 5);

// Foreign-born: born in another country than the survey's (UN 1998); unknown and stateless are neither (nativity missing).
const FOREIGN_BORN = "${nativity} = 'foreign-born'";

const COUNTRY_GROUPS = ['country_birth_group', 'citizenship_group'];

/**
 * Recodes to `region:<world region>` every country of `variable` with a cell (crossed with `other`, per
 * by-level, in the universe) of 1 to minCount - 1 cases; repeats, since a country moved changes nothing
 * else's cells but its region's. Special answers and regions themselves stay.
 */
function collapseRareCountries(
  table: DataTable,
  variable: string,
  other: string,
  by: string | undefined,
  universe: Uint8Array | null,
  minCount: number,
): { table: DataTable; collapsed: string[] } {
  const collapsed: string[] = [];
  let t = table;
  for (let round = 0; round < 5; round++) {
    const v = categoricalColumn(t, variable, variable);
    const o = categoricalColumn(t, other, other);
    const b = by ? categoricalColumn(t, by, by) : null;
    const counts = new Map<string, number>();
    for (let i = 0; i < t.nRows; i++) {
      if ((universe && !universe[i]) || v.codes[i] < 0 || o.codes[i] < 0 || (b && b.codes[i] < 0)) continue;
      const k = `${v.codes[i]}|${o.codes[i]}|${b ? b.codes[i] : ''}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const risky = new Set<number>();
    for (const [k, n] of counts) if (n > 0 && n < minCount) risky.add(Number(k.split('|')[0]));
    const move = [...risky].filter((code) => {
      const name = v.levels[code];
      return !name.startsWith('region:') && countryRegion(name) !== undefined;
    });
    if (move.length === 0) break;
    const names = new Set(move.map((c) => v.levels[c]));
    collapsed.push(...names);
    t = withColumn(
      t,
      categoricalFrom(
        variable,
        Array.from(v.codes, (c) => (c < 0 ? null : names.has(v.levels[c]) ? `region:${countryRegion(v.levels[c])}` : v.levels[c])),
      ),
    );
  }
  return { table: t, collapsed: collapsed.sort() };
}

/** Tabulation variables derived from quasi-identifiers (age, countries, year of arrival): tables of them are confidential. */
const DERIVED_FROM_QUASI = ['age_group', 'country_birth_group', 'citizenship_group', 'nativity', 'arrival_period', 'country_birth', 'citizenship'];
/** Variables the tables add to a dataset's levels (age groups, country groups, nativity, periods of arrival, aliases). */
export const TABULATION_VARIABLES: readonly string[] = [...new Set([...DERIVED_FROM_QUASI, ...Object.keys(TABULATION_ALIASES)])];

/** The standard census tables, as presets of `mdsurvey tabulate`. */
export const TABLE_PRESETS: TablePreset[] = [
  {
    id: 'census-birth-age-sex',
    ageBreaks: FIVE_YEAR_AGE_GROUPS,
    title: 'Foreign-born population by country of birth, age group and sex',
    level: 'members',
    rows: 'country_birth_group',
    cols: 'sex',
    by: 'age_group',
    universe: FOREIGN_BORN,
  },
  {
    id: 'census-citizenship-age-sex',
    ageBreaks: FIVE_YEAR_AGE_GROUPS,
    title: 'Population by citizenship, age group and sex',
    level: 'members',
    rows: 'citizenship_group',
    cols: 'sex',
    by: 'age_group',
  },
  {
    id: 'census-arrival-birth',
    title: 'Foreign-born population by period of arrival and country of birth',
    level: 'members',
    rows: 'arrival_period',
    cols: 'country_birth_group',
    universe: FOREIGN_BORN,
  },
  {
    id: 'nativity-sex-age',
    ageBreaks: FIVE_YEAR_AGE_GROUPS,
    title: 'Native-born and foreign-born population by sex and age group',
    level: 'members',
    rows: 'nativity',
    cols: 'sex',
    by: 'age_group',
  },
];

/** The preset named, or an InputError listing them. */
export function tablePreset(id: string): TablePreset {
  const p = TABLE_PRESETS.find((x) => x.id === id);
  if (!p) throw new InputError('unknown-preset', `no table preset "${id}"; presets: ${TABLE_PRESETS.map((x) => x.id).join(', ')}`, '--preset');
  return p;
}

function groupsFromBreaks(breaks: number[], open: (lo: number) => string, below?: string): (x: number) => string {
  const sorted = [...breaks].sort((a, b) => a - b);
  return (x) => {
    let label = below ?? `<${sorted[0]}`;
    for (let j = 0; j < sorted.length; j++) {
      if (x >= sorted[j]) label = j === sorted.length - 1 ? open(sorted[j]) : `${sorted[j]}-${sorted[j + 1] - 1}`;
    }
    return label;
  };
}

/**
 * Adds the tabulation variables a level can derive: age_group (from age), country_birth_group and
 * citizenship_group (top countries by weighted count, others by world region), arrival_period (from the
 * year of arrival), nativity. Only those whose source column exists.
 */
export function withTabulationVariables(table: DataTable, weights: Float64Array, options: GroupingOptions = {}): DataTable {
  let t = table;
  for (const [name, sources] of Object.entries(TABULATION_ALIASES)) {
    const source = t.columns.has(name) ? undefined : sources.find((c) => t.columns.has(c));
    if (source) t = withColumn(t, { ...t.columns.get(source)!, name });
  }
  const host = options.hostCountry ?? THIS_COUNTRY;
  const isHost = (s: string) => s === host || s === THIS_COUNTRY;
  const text = (name: string, f: (i: number) => string | null) => {
    t = withColumn(
      t,
      categoricalFrom(
        name,
        Array.from({ length: t.nRows }, (_, i) => f(i)),
      ),
    );
  };
  if (t.columns.has('age') && !t.columns.has('age_group')) {
    const age = getColumn(t, 'age');
    const group = groupsFromBreaks(options.ageBreaks ?? [0, 15, 25, 35, 45, 55, 65], (lo) => `${lo}+`);
    text('age_group', (i) => {
      const s = cellText(age, i);
      if (s === null) return null;
      const x = Number(s);
      // Public-use files already hold groups ("25-29"): keep them.
      return Number.isNaN(x) ? s : group(x);
    });
  }
  const countryGroup = (source: string) => {
    const col = getColumn(t, source);
    const totals = new Map<string, number>();
    for (let i = 0; i < t.nRows; i++) {
      const s = cellText(col, i);
      if (s !== null && !isHost(s)) totals.set(s, (totals.get(s) ?? 0) + (weights[i] || 0));
    }
    const top = new Set(
      [...totals]
        .sort((a, b) => b[1] - a[1])
        .slice(0, options.topCountries ?? 10)
        .map(([c]) => c),
    );
    return (s: string | null) => {
      if (s === null) return null;
      if (options.countryGroups?.[s]) return options.countryGroups[s];
      if (isHost(s) || NOT_A_COUNTRY.includes(s) || top.has(s) || s.startsWith('region:')) return s;
      return `region:${countryRegion(s) ?? 'Other'}`;
    };
  };
  if (t.columns.has('country_birth') && !t.columns.has('country_birth_group')) {
    const g = countryGroup('country_birth');
    const col = getColumn(t, 'country_birth');
    text('country_birth_group', (i) => g(cellText(col, i)));
    text('nativity', (i) => {
      const s = cellText(col, i);
      return s === null || NOT_A_COUNTRY.includes(s) ? null : isHost(s) ? 'native-born' : 'foreign-born';
    });
  }
  if (t.columns.has('citizenship') && !t.columns.has('citizenship_group')) {
    const col = getColumn(t, 'citizenship');
    // Several citizenships: a citizen of this country counts as a citizen; otherwise the first one listed.
    const first = (s: string | null) => {
      if (s === null) return null;
      const list = s.split(' ');
      return list.find(isHost) ?? list[0];
    };
    const firstCol = categoricalFrom(
      'citizenship_first',
      Array.from({ length: t.nRows }, (_, i) => first(cellText(col, i))),
    );
    t = withColumn(t, firstCol);
    const g = countryGroup('citizenship_first');
    text('citizenship_group', (i) => g(cellText(firstCol, i)));
  }
  if (t.columns.has('im_year_arrival') && !t.columns.has('arrival_period')) {
    const col = getColumn(t, 'im_year_arrival');
    const breaks = options.arrivalBreaks ?? [2000, 2010, 2015, 2020];
    const group = groupsFromBreaks(breaks, (lo) => `${lo}+`, `before ${Math.min(...breaks)}`);
    text('arrival_period', (i) => {
      const s = cellText(col, i);
      return s === null ? null : group(Number(s));
    });
  }
  return t;
}

/** One entry of a weighted table (cell or margin) with its disclosure status. */
export interface WeightedEntry {
  row: string | null;
  col: string | null;
  n: number;
  count: Pick<Estimate, 'estimate' | 'se' | 'ci' | 'cv'>;
  /** Share of the table's total (percent when asked: 0-100). */
  percent: Pick<Estimate, 'estimate' | 'se' | 'ci'>;
  /** Cells: share of their row's total and of their column's total (percent, with se: domain means). */
  rowPercent?: Pick<Estimate, 'estimate' | 'se' | 'ci'>;
  colPercent?: Pick<Estimate, 'estimate' | 'se' | 'ci'>;
  status: CellStatus;
  /**
   * An empty cell: no case, so no design-based variance. Its interval is [0, upper], the Clopper-Pearson
   * bound for 0 successes among the table's unweighted cases (the Korn-Graubard interval at deff 1),
   * never NaN.
   */
  zero?: true;
}

/** One table of a tabulation (one per level of the by-variable). */
export interface WeightedTable {
  by: Record<string, string>;
  rowLevels: string[];
  colLevels: string[];
  cells: WeightedEntry[];
  rowMargins: WeightedEntry[];
  colMargins: WeightedEntry[];
  total: WeightedEntry;
  test: RaoScottTest | null;
  suppression: { primary: number; complementary: number };
}

/** A tabulation request on a dataset. */
export interface TabulationRequest {
  level: string;
  rows: string;
  cols: string;
  by?: string;
  universe?: string;
  title?: string;
  grouping?: GroupingOptions;
  thresholds?: DisclosureThresholds;
  /** Language of the category labels (default en). */
  language?: string;
  /**
   * A frequency table of quasi-identifiers, where small counts are blanked for confidentiality. Default:
   * when the rows, columns or by-variable is a quasi-identifier (codebook) or derived from one.
   */
  confidential?: boolean;
  /** Collapse a country into its world region when one of its cells is a confidentiality risk (default true). */
  collapse?: boolean;
}

/** Result of tabulateDataset. */
export interface DatasetTabulation {
  title: string;
  level: string;
  rows: string;
  cols: string;
  by: string | null;
  universe: string | null;
  thresholds: DisclosureThresholds;
  /** Labels of the row and column categories from the codebook (code -> label), where it has them; country names in the output language. */
  valueLabels: { rows: Record<string, string>; cols: Record<string, string> };
  /** Whether the confidentiality rule applied (a table of quasi-identifiers). */
  confidential: boolean;
  /** Countries shown as their world region so that no cell of theirs had to be blanked. */
  collapsed: string[];
  tables: WeightedTable[];
}

const fullDf = new WeakMap<object, number>();
/** The df of the whole design (all rows), computed once per design. */
function designDf(design: ReturnType<typeof designOfLevel>): number {
  let df = fullDf.get(design);
  if (df === undefined) fullDf.set(design, (df = dfOf(design, new Uint8Array(design.nRows).fill(1))));
  return df;
}

function entry(
  design: ReturnType<typeof designOfLevel>,
  mask: Uint8Array,
  scope: Uint8Array,
  n: number,
  row: string | null,
  col: string | null,
): Omit<WeightedEntry, 'status'> {
  const ones = new Float64Array(mask.length).fill(1);
  const y = Float64Array.from(mask);
  const count = summarise(design, linearisedTotal(design, ones, { rows: mask, labels: null }), {
    statistic: 'total',
    variable: 'count',
    level: null,
    domain: null,
  });
  const share = summarise(design, linearisedMean(design, y, { rows: scope, labels: null }), {
    statistic: 'proportion',
    variable: 'share',
    level: null,
    domain: null,
  });
  // A cell in too few PSUs has no degrees of freedom of its own (t interval NaN): it takes the design's,
  // as R's svyby does for every domain, rather than print no interval.
  const fix = (e: { estimate: number; se: number; ci: [number, number] }): [number, number] => {
    if (Number.isFinite(e.ci[0]) && Number.isFinite(e.ci[1])) return e.ci;
    const q = qt(0.975, Math.max(1, designDf(design)));
    return [e.estimate - q * e.se, e.estimate + q * e.se];
  };
  const shareCi = fix(share);
  return {
    row,
    col,
    n,
    count: { estimate: count.estimate, se: count.se, ci: fix(count), cv: count.cv },
    percent: { estimate: share.estimate * 100, se: share.se * 100, ci: [shareCi[0] * 100, shareCi[1] * 100] },
  };
}

/**
 * Weighted two-way tables of a dataset level, one per level of `by`: counts (estimated population) and
 * percentages of the table with se and 95% intervals, margins, the Rao-Scott test, and disclosure control
 * (primary suppression, flags, complementary suppression so a hidden cell cannot be recovered from margins).
 */
export function tabulateDataset(dataset: Dataset, request: TabulationRequest): DatasetTabulation {
  const thresholds = request.thresholds ?? DEFAULT_THRESHOLDS;
  const mapped = withVariableMap(dataset);
  let table = analysisTable(mapped, request.level);
  const design = designOfLevel(mapped, table, request.level);
  const host = dataset.design.settings?.host_country;
  table = withTabulationVariables(table, design.weights, { ...(typeof host === 'string' ? { hostCountry: host } : {}), ...request.grouping });
  const universe = request.universe ? evaluateSubset(table, request.universe, 'universe') : null;
  const quasi = new Set([...dataset.codebook.variables.filter((v) => v.quasiIdentifier).map((v) => v.variable), ...DERIVED_FROM_QUASI]);
  const confidential = request.confidential ?? [request.rows, request.cols, request.by].some((v) => v !== undefined && quasi.has(v));
  // Collapsing before blanking: a country whose cells would be blanked for confidentiality is shown as its world region.
  const collapsed: string[] = [];
  if (confidential && request.collapse !== false) {
    for (const [variable, other] of [
      [request.rows, request.cols],
      [request.cols, request.rows],
    ])
      if (COUNTRY_GROUPS.includes(variable)) {
        const r = collapseRareCountries(table, variable, other, request.by, universe, thresholds.minCellCount ?? 3);
        table = r.table;
        collapsed.push(...r.collapsed);
      }
  }
  const rc = categoricalColumn(table, request.rows, '--rows');
  const cc = categoricalColumn(table, request.cols, '--cols');
  const bc = request.by ? categoricalColumn(table, request.by, '--by') : null;
  const byLevels: (number | null)[] = bc ? sortedLevelOrder(bc.levels) : [null];
  const tables: WeightedTable[] = [];
  for (const b of byLevels) {
    const scope = new Uint8Array(table.nRows);
    let any = false;
    for (let i = 0; i < scope.length; i++) {
      scope[i] = (!universe || universe[i]) && (b === null || bc!.codes[i] === b) && rc.codes[i] >= 0 && cc.codes[i] >= 0 ? 1 : 0;
      any ||= scope[i] === 1;
    }
    if (!any) continue;
    const rowsPresent = sortedLevelOrder(rc.levels).filter((l) => rc.codes.some((c, i) => c === l && scope[i]));
    const colsPresent = sortedLevelOrder(cc.levels).filter((l) => cc.codes.some((c, i) => c === l && scope[i]));
    const mask = (r: number | null, c: number | null) => {
      const m = new Uint8Array(table.nRows);
      let n = 0;
      for (let i = 0; i < m.length; i++) {
        if (scope[i] && (r === null || rc.codes[i] === r) && (c === null || cc.codes[i] === c)) {
          m[i] = 1;
          n++;
        }
      }
      return { m, n };
    };
    const rowMask = new Map(rowsPresent.map((r) => [r, mask(r, null).m]));
    const colMask = new Map(colsPresent.map((c) => [c, mask(null, c).m]));
    const cellEntries = rowsPresent.map((r) =>
      colsPresent.map((c) => {
        const { m, n } = mask(r, c);
        const e = entry(design, m, scope, n, rc.levels[r], cc.levels[c]);
        // Row and column percentages: the cell's share of its row (column), a mean over that domain.
        const within = (domain: Uint8Array) => {
          const share = summarise(design, linearisedMean(design, Float64Array.from(m), { rows: domain, labels: null }), {
            statistic: 'proportion',
            variable: 'share',
            level: null,
            domain: null,
          });
          const ci: [number, number] =
            Number.isFinite(share.ci[0]) && Number.isFinite(share.ci[1])
              ? share.ci
              : [share.estimate - qt(0.975, Math.max(1, designDf(design))) * share.se, share.estimate + qt(0.975, Math.max(1, designDf(design))) * share.se];
          return { estimate: share.estimate * 100, se: share.se * 100, ci: [ci[0] * 100, ci[1] * 100] as [number, number] };
        };
        return { ...e, rowPercent: within(rowMask.get(r)!), colPercent: within(colMask.get(c)!) };
      }),
    );
    const rowEntries = rowsPresent.map((r) => {
      const { m, n } = mask(r, null);
      return entry(design, m, scope, n, rc.levels[r], null);
    });
    const colEntries = colsPresent.map((c) => {
      const { m, n } = mask(null, c);
      return entry(design, m, scope, n, null, cc.levels[c]);
    });
    const all = mask(null, null);
    const totalEntry = entry(design, all.m, scope, all.n, null, null);
    const status = suppressTable(
      {
        cells: cellEntries.map((row) => row.map((e) => e.n)),
        rowMargins: rowEntries.map((e) => e.n),
        colMargins: colEntries.map((e) => e.n),
        total: totalEntry.n,
        cv: cellEntries.map((row) => row.map((e) => e.count.cv)),
      },
      thresholds,
      { confidential },
    );
    // Empty cells: the exact one-sided bound for no case among the table's cases, at 95%.
    const upper = 1 - 0.025 ** (1 / Math.max(1, all.n));
    for (const e of [...cellEntries.flat(), ...rowEntries, ...colEntries]) {
      if (e.n !== 0) continue;
      (e as WeightedEntry).zero = true;
      e.count = { estimate: 0, se: 0, ci: [0, upper * totalEntry.count.estimate], cv: null };
      e.percent = { estimate: 0, se: 0, ci: [0, 100 * upper] };
      const z = e as WeightedEntry;
      if (z.rowPercent) z.rowPercent = { estimate: 0, se: 0, ci: [0, 100 * upper] };
      if (z.colPercent) z.colPercent = { estimate: 0, se: 0, ci: [0, 100 * upper] };
    }
    let test: RaoScottTest | null = null;
    if (rowsPresent.length > 1 && colsPresent.length > 1) {
      try {
        test = tabulate(design, table, { rows: request.rows, cols: request.cols, subset: scope }).test;
      } catch (err) {
        if (!(err instanceof InputError)) throw err;
      }
    }
    tables.push({
      by: b === null ? {} : { [request.by!]: bc!.levels[b] },
      rowLevels: rowsPresent.map((r) => rc.levels[r]),
      colLevels: colsPresent.map((c) => cc.levels[c]),
      cells: cellEntries.flatMap((row, i) => row.map((e, j) => ({ ...e, status: status.cells[i][j] }))),
      rowMargins: rowEntries.map((e, i) => ({ ...e, status: status.rowMargins[i] })),
      colMargins: colEntries.map((e, j) => ({ ...e, status: status.colMargins[j] })),
      total: { ...totalEntry, status: status.total },
      test,
      suppression: { primary: status.primary, complementary: status.complementary },
    });
  }
  const countryVariables = new Set([
    'country_birth_group',
    'citizenship_group',
    ...dataset.codebook.variables.filter((v) => v.type === 'country').map((v) => v.variable),
  ]);
  const levelsIn = (variable: string) => new Set(tables.flatMap((t) => (variable === request.rows ? t.rowLevels : t.colLevels)));
  const labelsOf = (variable: string): Record<string, string> => {
    // Countries by name in the output language, never as bare ISO codes.
    if (countryVariables.has(variable)) return Object.fromEntries([...levelsIn(variable)].map((code) => [code, countryLabel(code, request.language ?? 'en')]));
    const v = dataset.codebook.variables.find((x) => x.variable === variable && x.valueLabels && !x.valueLabels._codes);
    return v ? Object.fromEntries(Object.entries(v.valueLabels!).map(([code, l]) => [code, l[request.language ?? 'en'] ?? l.en ?? code])) : {};
  };
  return {
    confidential,
    collapsed,
    title: request.title ?? `${request.rows} by ${request.cols}${request.by ? `, by ${request.by}` : ''}`,
    level: request.level,
    rows: request.rows,
    cols: request.cols,
    by: request.by ?? null,
    universe: request.universe ?? null,
    thresholds,
    valueLabels: { rows: labelsOf(request.rows), cols: labelsOf(request.cols) },
    tables,
  };
}

/**
 * A tabulation as published: a suppressed or complementary entry keeps its status but loses its
 * unweighted count and every figure (count, percent), so nothing withheld leaves the server.
 */
export function publishedTabulation(tab: DatasetTabulation): DatasetTabulation {
  const hide = (e: WeightedEntry): WeightedEntry =>
    e.status === 'suppressed' || e.status === 'complementary'
      ? ({ ...e, n: null, count: null, percent: null, rowPercent: null, colPercent: null } as unknown as WeightedEntry)
      : e;
  return {
    ...tab,
    tables: tab.tables.map((t) => ({
      ...t,
      cells: t.cells.map(hide),
      rowMargins: t.rowMargins.map(hide),
      colMargins: t.colMargins.map(hide),
      total: hide(t.total),
    })),
  };
}

import { convertAmounts } from '../money.js';
import { mulberry32 } from '../../common/random.js';
import { countryRegion, NOT_A_COUNTRY, THIS_COUNTRY } from '../../questionnaires/codes/index.js';
import type { CodebookEntry } from '../../questionnaires/index.js';
import { analysisTable, cellText, withColumn, type Codebook, type Dataset } from '../dataset.js';
import { categoricalFrom, type CategoricalColumn, type Column, type DataTable } from '../table.js';

/** Options of the public-use anonymisation. */
export interface AnonymiseOptions {
  /** Key combinations must occur at least k times (default 3). */
  k?: number;
  /** Width of age groups (default 5) and the open top group's lower bound (default 80). */
  ageWidth?: number;
  ageTop?: number;
  /** A country of birth with fewer records than this is coarsened to its world region (default 20). */
  rareCountry?: number;
  /**
   * Extra key variables per level besides the codebook's quasi-identifiers (default: sex on members; the
   * household size, top-coded at 10+, and the head's sex on households; the emigrant's sex and age when
   * leaving): k-anonymity holds on person, household and emigrant keys.
   */
  extraKeys?: Record<string, string[]>;
  /** Key variables suppressed only when no other key is left (default country_birth: what a migration survey is for). */
  protect?: string[];
  /** Seed of the meaningless codes that replace interview ids and area codes. */
  seed?: number;
}

/** k-anonymity on one level, before and after local suppression. */
export interface KAnonymityReport {
  level: string;
  keys: string[];
  k: number;
  /** Records whose key combination occurred fewer than k times before local suppression. */
  riskyBefore: number;
  /** Values set to missing, per key variable. */
  suppressed: Record<string, number>;
  /** Records still below k after suppression (only those with every suppressible key already missing). A missing key value matches any value. */
  riskyAfter: number;
}

/** What the public-use anonymisation did: stated in the export's metadata. */
export interface AnonymisationReport {
  tier: 'public-use';
  droppedIdentifiers: string[];
  droppedMetadata: string[];
  replacedCodes: string[];
  recoded: { variable: string; level: string; rule: string; records: number }[];
  kAnonymity: KAnonymityReport[];
}

const SPECIAL_COUNTRIES = new Set([THIS_COUNTRY, ...NOT_A_COUNTRY]);

function replaceColumn(table: DataTable, col: Column): DataTable {
  return withColumn(table, col);
}

function dropColumns(table: DataTable, names: Set<string>): DataTable {
  return { nRows: table.nRows, columns: new Map([...table.columns].filter(([n]) => !names.has(n))) };
}

/** Meaningless codes for a text column: the same value gets the same code in every level (ids join). */
function codeMap(values: Iterable<string>, prefix: string, rand: () => number): Map<string, string> {
  const distinct = [...new Set(values)];
  for (let i = distinct.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [distinct[i], distinct[j]] = [distinct[j], distinct[i]];
  }
  const width = String(distinct.length).length;
  return new Map(distinct.map((v, i) => [v, `${prefix}${String(i + 1).padStart(width, '0')}`]));
}

function recodeText(col: Column, map: (v: string) => string | null): CategoricalColumn {
  const out: (string | null)[] = new Array(col.kind === 'number' ? col.values.length : col.codes.length);
  for (let i = 0; i < out.length; i++) {
    const v = cellText(col, i);
    out[i] = v === null ? null : map(v);
  }
  return categoricalFrom(col.name, out);
}

/**
 * Makes a public-use version of a dataset (DOMAIN.md, Confidentiality): drops direct identifiers and
 * interview metadata, replaces interview ids and small-area codes by meaningless codes (the PSU structure,
 * and so every variance, is kept), groups quasi-identifying numbers (age) in 5-year groups, coarsens a rare
 * country of birth to its world region, then checks k-anonymity of each level's key variables and
 * suppresses key values (in each risky record the rarest one first, protected ones last) until every
 * combination occurs k times (a blank matches any value).
 */
export function anonymise(input: Dataset, options: AnonymiseOptions = {}): { dataset: Dataset; report: AnonymisationReport } {
  // Amounts are converted while the interview dates that pick their exchange rates are still there: the
  // public file drops the dates but keeps every amount in local currency and USD (design.money says which).
  let dataset = input;
  if (input.design.money) {
    const { localCurrency, priceBasis } = input.design.money;
    const converted = convertAmounts(input).dataset;
    dataset = { design: { ...converted.design, money: { localCurrency, priceBasis } }, codebook: converted.codebook, tables: converted.tables };
  }
  const k = options.k ?? 3;
  const width = options.ageWidth ?? 5;
  const top = options.ageTop ?? 80;
  const rare = options.rareCountry ?? 20;
  const extraKeys = options.extraKeys ?? { members: ['sex'], household: ['hh_size', 'head_sex'], emigrants: ['em_sex', 'em_age_left'] };
  const rand = mulberry32(options.seed ?? 1);
  const vars = dataset.codebook.variables;
  const identifiers = new Set(vars.filter((v) => v.identifier).map((v) => v.variable));
  const metadata = new Set(vars.filter((v) => v.type === 'metadata').map((v) => v.variable));
  const report: AnonymisationReport = {
    tier: 'public-use',
    droppedIdentifiers: [...identifiers],
    droppedMetadata: [...metadata],
    replacedCodes: [],
    recoded: [],
    kAnonymity: [],
  };
  const tables = new Map<string, DataTable>();
  for (const [name, t] of dataset.tables) tables.set(name, dropColumns(t, new Set([...identifiers, ...metadata])));

  // Interview ids and small areas: one code map across levels so the files still join.
  const replace = (column: string, prefix: string) => {
    const seen: string[] = [];
    for (const t of tables.values()) {
      const c = t.columns.get(column);
      if (c) for (let i = 0; i < t.nRows; i++) seen.push(cellText(c, i) ?? '');
    }
    if (!seen.length) return;
    const map = codeMap(seen, prefix, rand);
    for (const [name, t] of tables) {
      const c = t.columns.get(column);
      if (c)
        tables.set(
          name,
          replaceColumn(
            t,
            recodeText(c, (v) => map.get(v) ?? null),
          ),
        );
    }
    report.replacedCodes.push(column);
  };
  replace(dataset.design.levels[0].keys[0], 'H');
  for (const v of vars.filter((x) => x.geography === 'area')) replace(v.variable, 'A');

  const codebook: CodebookEntry[] = vars.filter((v) => !identifiers.has(v.variable) && !metadata.has(v.variable)).map((v) => ({ ...v }));
  // Every variable that reveals origin is a quasi-identifier (DOMAIN.md); so are the extra keys.
  for (const v of codebook) if (v.type === 'country' || (extraKeys[v.level] ?? []).includes(v.variable)) v.quasiIdentifier = true;

  // Dates become years: an exact date of departure or arrival points at a person.
  for (const v of codebook) {
    if (v.type !== 'date' && v.type !== 'datetime') continue;
    const t = tables.get(v.level);
    const col = t?.columns.get(v.variable);
    if (!t || !col) continue;
    tables.set(
      v.level,
      replaceColumn(
        t,
        recodeText(col, (s) => s.slice(0, 4)),
      ),
    );
    v.type = 'year';
    v.label = Object.fromEntries(Object.entries(v.label).map(([lang, l]) => [lang, `${l} (year only)`]));
    report.recoded.push({ variable: v.variable, level: v.level, rule: 'dates -> year', records: t.nRows });
  }

  // Origin variables coarsened consistently: a country is shown by name only if it has `rare` records in
  // every origin variable of the level it appears in (a person's country of birth, citizenships, previous
  // residence, countries lived in; an emigrant's destination ...); otherwise it is its world region in all
  // of them, so that no record shows a region of birth next to the country it hides.
  const origin = codebook.filter((v) => v.type === 'country' && tables.get(v.level)?.columns.has(v.variable));
  const perVariable = origin.map((v) => {
    const t = tables.get(v.level)!;
    const col = t.columns.get(v.variable)!;
    const counts = new Map<string, number>();
    for (let i = 0; i < t.nRows; i++) for (const c of (cellText(col, i) ?? '').split(' ').filter(Boolean)) counts.set(c, (counts.get(c) ?? 0) + 1);
    return counts;
  });
  // Per level: the variables of one record (a person's birth, citizenship, previous country) must agree.
  const namedIn = new Map<string, Set<string>>();
  for (const level of new Set(origin.map((v) => v.level))) {
    const mine = perVariable.filter((_, i) => origin[i].level === level);
    const named = new Set(mine.flatMap((counts) => [...counts.keys()]));
    for (const c of [...named]) if (mine.some((counts) => counts.has(c) && counts.get(c)! < rare)) named.delete(c);
    namedIn.set(level, named);
  }
  const host = typeof dataset.design.settings?.host_country === 'string' ? dataset.design.settings.host_country : null;
  origin.forEach((v) => {
    const keep = (c: string) => SPECIAL_COUNTRIES.has(c) || c === host || namedIn.get(v.level)!.has(c);
    const t = tables.get(v.level)!;
    let changed = 0;
    const recoded = recodeText(t.columns.get(v.variable)!, (s) => {
      const mapped = [
        ...new Set(
          s
            .split(' ')
            .filter(Boolean)
            .map((c) => (keep(c) ? c : `region:${countryRegion(c) ?? 'Other'}`)),
        ),
      ];
      if (mapped.join(' ') !== s) changed++;
      return mapped.join(' ');
    });
    tables.set(v.level, replaceColumn(t, recoded));
    report.recoded.push({
      variable: v.variable,
      level: v.level,
      rule: `countries with fewer than ${rare} records in any origin variable of the level -> "region:<world region>", the same in all of them`,
      records: changed,
    });
  });

  for (const v of codebook) {
    if (!v.quasiIdentifier) continue;
    const t = tables.get(v.level);
    const col = t?.columns.get(v.variable);
    if (!t || !col) continue;
    if (v.variable === 'hh_size' && col.kind === 'number') {
      tables.set(
        v.level,
        replaceColumn(
          t,
          recodeText(col, (s) => (Number(s) >= 10 ? '10+' : s)),
        ),
      );
      v.type = 'text';
      report.recoded.push({ variable: v.variable, level: v.level, rule: 'top-coded at 10+', records: t.nRows });
    } else if (col.kind === 'number' && (v.type === 'integer' || v.type === 'decimal')) {
      const grouped = recodeText(col, (s) => {
        const x = Number(s);
        if (x >= top) return `${top}+`;
        const lo = Math.floor(x / width) * width;
        return `${lo}-${lo + width - 1}`;
      });
      tables.set(v.level, replaceColumn(t, grouped));
      v.type = 'text';
      v.label = Object.fromEntries(Object.entries(v.label).map(([lang, l]) => [lang, `${l} (${width}-year groups, ${top}+)`]));
      report.recoded.push({ variable: v.variable, level: v.level, rule: `${width}-year groups, top group ${top}+`, records: t.nRows });
    }
  }

  let out: Dataset = { design: dataset.design, codebook: { ...dataset.codebook, variables: codebook }, tables };
  for (const level of dataset.design.levels) {
    const own = codebook.filter((v) => v.level === level.name && v.quasiIdentifier).map((v) => v.variable);
    // Design columns (region is a stratum) are keys that are never suppressed: blanking them would break the design.
    const designVars = new Set(codebook.filter((v) => v.design).map((v) => v.variable));
    const suppressible = [...new Set([...own, ...(extraKeys[level.name] ?? [])])].filter(
      (c) => out.tables.get(level.name)!.columns.has(c) && !designVars.has(c),
    );
    if (!suppressible.length) continue;
    const geo = codebook.filter((v) => v.geography === 'region').map((v) => v.variable);
    const joined = analysisTable(out, level.name);
    const fixed = geo.filter((g) => joined.columns.has(g) && !suppressible.includes(g));
    const { table, report: kr } = kAnonymise(out.tables.get(level.name)!, joined, suppressible, fixed, k, options.protect ?? ['country_birth']);
    kr.level = level.name;
    report.kAnonymity.push(kr);
    out = { ...out, tables: new Map(out.tables).set(level.name, table) };
  }
  return { dataset: out, report };
}

/** Local suppression to k-anonymity: suppressible keys of `table`, fixed keys read from `joined` (same rows). */
export function kAnonymise(
  table: DataTable,
  joined: DataTable,
  suppressible: string[],
  fixed: string[],
  k: number,
  protect: readonly string[] = [],
): { table: DataTable; report: KAnonymityReport } {
  const n = table.nRows;
  const values = new Map<string, (string | null)[]>();
  for (const c of [...suppressible, ...fixed]) {
    const col = (suppressible.includes(c) ? table : joined).columns.get(c)!;
    values.set(
      c,
      Array.from({ length: n }, (_, i) => cellText(col, i)),
    );
  }
  const keys = [...suppressible, ...fixed];
  // A suppressed value matches every value (sdcMicro's convention): an intruder cannot tell which it was.
  // Counted on the distinct key patterns, so the cost is patterns squared, not records squared.
  const risky = () => {
    const patterns = new Map<string, { values: (string | null)[]; count: number; rows: number[] }>();
    for (let i = 0; i < n; i++) {
      const vals = keys.map((c) => values.get(c)![i]);
      const id = vals.map((v) => v ?? '\u0001').join('\u0000');
      let p = patterns.get(id);
      if (!p) patterns.set(id, (p = { values: vals, count: 0, rows: [] }));
      p.count++;
      p.rows.push(i);
    }
    const list = [...patterns.values()];
    const out: number[] = [];
    for (const p of list) {
      let f = 0;
      for (const q of list) if (p.values.every((v, j) => v === null || q.values[j] === null || v === q.values[j])) f += q.count;
      if (f < k) out.push(...p.rows);
    }
    return out.sort((a, b) => a - b);
  };
  const before = risky();
  const suppressed: Record<string, number> = Object.fromEntries(suppressible.map((c) => [c, 0]));
  // Greedy local suppression: in each risky record, blank the key value that is rarest in the file (the one
  // that singles the record out most), protected variables only when nothing else is left; recount, and
  // repeat, at most one pass per suppressible key.
  const frequency = new Map(
    suppressible.map((c) => {
      const counts = new Map<string, number>();
      for (const v of values.get(c)!) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
      return [c, counts];
    }),
  );
  let current = before;
  for (let pass = 0; pass < suppressible.length && current.length; pass++) {
    for (const i of current) {
      let best: string | null = null;
      let bestCount = Infinity;
      for (const tier of [suppressible.filter((c) => !protect.includes(c)), suppressible.filter((c) => protect.includes(c))]) {
        for (const c of tier) {
          const v = values.get(c)![i];
          if (v === null) continue;
          const f = frequency.get(c)!.get(v)!;
          if (f < bestCount) {
            best = c;
            bestCount = f;
          }
        }
        if (best !== null) break;
      }
      if (best === null) continue;
      values.get(best)![i] = null;
      suppressed[best]++;
    }
    current = risky();
  }
  let out = table;
  for (const c of suppressible) {
    if (!suppressed[c]) continue;
    out = withColumn(out, categoricalFrom(c, values.get(c)!));
  }
  return { table: out, report: { level: '', keys, k, riskyBefore: before.length, suppressed, riskyAfter: current.length } };
}

/** The codebook entries a public-use file keeps (for writers that label variables). */
export function publicCodebook(codebook: Codebook): Codebook {
  return { ...codebook, variables: codebook.variables.filter((v) => !v.identifier && v.type !== 'metadata') };
}

import pg from 'pg';
import { InputError } from '../common/errors.js';
import { CellSet, CellsRefused, estimatesFromCells, type Estimate } from '../analysis/index.js';

/**
 * Estimates on a PostgreSQL table without bringing its rows out (issue 21): the database reduces the
 * rows to one line per stratum x PSU x domain x subset x missing-pattern cell (count, sum of weights,
 * and per variable the sums of w y and w y^2) with one GROUP BY, and mdsurvey finishes the variance on
 * that small table. A cell stands for its rows exactly: with weight W = sum w and value sum(w y) / W
 * it has the same weighted total, and its influence value w (y - ybar) / W sums the rows' influence
 * values, so the PSU totals, hence the linearised variance, are those of the rows; the counts and the
 * element variance behind the design effect are put back from the cell sums. The SQL is plain
 * aggregation: on Citus, with the table distributed by PSU or stratum, the GROUP BY runs on the workers.
 *
 * What it covers: means and totals of numeric columns, by domains, in a subset, for a stratified
 * one-stage cluster design (weights, strata, PSU ids) with linearisation, as `mdsurvey estimate`.
 */

export interface SqlEstimateRequest {
  url: string;
  table: string;
  weights: string;
  strata?: string;
  psu?: string;
  means: string[];
  totals: string[];
  by: string[];
  subset?: string;
  nest?: boolean;
  lonelyPsu?: 'fail' | 'remove' | 'certainty' | 'adjust' | 'average';
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const quoteIdent = (name: string, what: string) => {
  if (!IDENT.test(name)) throw new InputError('bad-flags', `${what} "${name}" is not a column name (letters, digits, _)`, name);
  return `"${name}"`;
};
const quoteTable = (name: string) =>
  name
    .split('.')
    .map((p) => quoteIdent(p, '--table'))
    .join('.');

/**
 * A subset in the questionnaire language as a SQL condition: ${column}, numbers, quoted texts,
 * = != < <= > >=, and, or, not(...), parentheses. Anything else is refused (the file path reads every
 * function of the language; the database path only these).
 */
export function subsetToSql(expression: string): { sql: string; columns: string[] } {
  const tokens = expression.match(/\$\{[^}]*\}|'(?:[^']|'')*'|"(?:[^"]|"")*"|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|!=|<=|>=|[=<>()]|[A-Za-z_]+|\S/g) ?? [];
  const columns: string[] = [];
  const out: string[] = [];
  for (const t of tokens) {
    if (t.startsWith('${')) {
      const name = t.slice(2, -1).trim();
      out.push(quoteIdent(name, 'the subset names'));
      columns.push(name);
    } else if (t.startsWith("'") || t.startsWith('"'))
      out.push(
        `'${t
          .slice(1, -1)
          .replace(t[0] === '"' ? /""/g : /''/g, t[0])
          .replace(/'/g, "''")}'`,
      );
    else if (/^-?\d/.test(t)) out.push(t);
    else if (['=', '!=', '<', '<=', '>', '>=', '(', ')'].includes(t)) out.push(t === '!=' ? '<>' : t);
    else if (['and', 'or', 'not'].includes(t)) out.push(t.toUpperCase());
    else
      throw new InputError(
        'bad-flags',
        `the database path reads subsets made of \${column}, numbers, texts, comparisons, and, or, not: "${t}" is not one of them`,
        '--subset',
      );
  }
  return { sql: out.join(' '), columns };
}

/** One entry of a table of estimates in the database: means and totals by domains, in a subset. */
export interface SqlEstimateEntry {
  means: string[];
  totals: string[];
  by: string[];
  subset?: string;
}

/** Runs the estimates on the database table (one entry: the request's own means, totals, by and subset). */
export async function estimateInDatabase(r: SqlEstimateRequest): Promise<{ design: { rows: number; cells: number }; estimates: Estimate[] }> {
  const out = await estimateTableInDatabase(r, [{ means: r.means, totals: r.totals, by: r.by, subset: r.subset }]);
  return { design: out.design, estimates: out.results[0].estimates };
}

/** The design of an in-database estimate: column names of the relation the cells are computed on. */
export type SqlDesign = Omit<SqlEstimateRequest, 'url' | 'table' | 'means' | 'totals' | 'by' | 'subset'>;

/** What estimateTableInDatabase and the server's estimates return: the cells' outline and each entry's estimates. */
export interface SqlEstimates {
  design: { rows: number; cells: number };
  results: { estimates: Estimate[]; subsetRows?: number }[];
}

/**
 * The one GROUP BY that reduces a relation to the cells of several entries, and how its lines become
 * the entries' estimates. `from` is a FROM item written by mdsurvey (a quoted table, or the server's
 * subquery over the submissions' JSONB); columns are referred to by name. The GROUP BY takes the union of
 * the entries' domain columns, a flag per distinct subset and per variable's missing values; each entry
 * then pools the lines into its own cells (lines that differ only in what another entry asks add up).
 */
export function cellsQuery(
  from: string,
  r: SqlDesign,
  entries: SqlEstimateEntry[],
): { sql: string; finish: (rows: Record<string, unknown>[], where: string) => SqlEstimates } {
  const vars = [...new Set(entries.flatMap((e) => [...e.means, ...e.totals]))];
  if (vars.length === 0) throw new InputError('bad-flags', 'say what to estimate: --mean or --total (numeric columns)');
  const w = quoteIdent(r.weights, '--weights');
  const byColumns = [...new Set(entries.flatMap((e) => e.by))];
  const keys = [r.strata, r.psu, ...byColumns].filter((x): x is string => !!x);
  const keySql = keys.map((k) => quoteIdent(k, 'a design or domain column'));
  const subsets = [...new Set(entries.map((e) => e.subset).filter((x): x is string => !!x))];
  const subsetSql = subsets.map((x) => subsetToSql(x).sql);
  const varSql = vars.map((v) => quoteIdent(v, 'a variable'));
  // Text keys, so that a category reads the same whatever its SQL type.
  const select = [
    ...keySql.map((k, j) => `${k}::text AS k${j}`),
    ...subsetSql.map((x, j) => `COALESCE((${x}), false) AS s${j}`),
    ...varSql.map((v, j) => `(${v} IS NULL) AS m${j}`),
    `count(*) AS rows`,
    `count(*) FILTER (WHERE ${w} <> 0) AS nonzero`,
    `sum(${w})::float8 AS sw`,
    ...varSql.flatMap((v, j) => [`sum(${w} * ${v})::float8 AS swy${j}`, `sum(${w} * ${v} * ${v})::float8 AS swyy${j}`]),
  ];
  const groups = [...keySql.map((_, j) => `k${j}`), ...subsetSql.map((_, j) => `s${j}`), ...varSql.map((_, j) => `m${j}`)];
  // No ORDER BY: sorting the groups made PostgreSQL prefer sorting every row to hashing them (both
  // plans then sort); the few thousand lines are put in order here, so that sums run in the same order.
  const sql = `SELECT ${select.join(', ')} FROM ${from} GROUP BY ${groups.join(', ')}`;
  const finish = (unordered: Record<string, unknown>[], where: string): SqlEstimates => {
    const rank = (v: unknown) => (v === null ? '' : `\u0001${String(v)}`);
    const rows = unordered
      .map((x) => ({ x, key: groups.map((g) => rank(x[g])) }))
      .sort((a, b) => {
        for (let k = 0; k < a.key.length; k++) if (a.key[k] !== b.key[k]) return a.key[k] < b.key[k] ? -1 : 1;
        return 0;
      })
      .map((r) => r.x);
    const num = (x: unknown) => (x === null ? NaN : Number(x));
    const design = { weights: r.weights, strata: r.strata, psu: r.psu!, nest: r.nest, lonelyPsu: r.lonelyPsu };
    const psuKey = r.strata ? 1 : 0; // k0.. are the stratum (if any), the PSU, then the domain columns
    const text = (x: Record<string, unknown>, k: number) => (x[`k${k}`] === null ? null : String(x[`k${k}`]));
    const results = entries.map((e) => {
      const inside = e.subset ? `s${subsets.indexOf(e.subset)}` : null;
      const byKeys = e.by.map((b) => psuKey + 1 + byColumns.indexOf(b));
      const estimates: Estimate[] = [];
      for (const [statistic, list] of [
        ['mean', e.means],
        ['total', e.totals],
      ] as const)
        for (const v of list) {
          // The variable's cells: a cell's sum of squares around its mean from its sums of w y and w y^2.
          const j = vars.indexOf(v);
          const set = new CellSet(e.by.length);
          for (const x of rows) {
            const W = num(x.sw);
            const missing = x[`m${j}`] ? 1 : 0;
            const swy = num(x[`swy${j}`]);
            const mean = missing ? NaN : W === 0 ? 0 : swy / W;
            const m2 = missing || W === 0 ? 0 : Math.max(0, num(x[`swyy${j}`]) - (swy * swy) / W);
            const keysOf = [r.strata ? text(x, 0) : null, text(x, psuKey), ...byKeys.map((k) => text(x, k))];
            set.add(keysOf, inside === null || x[inside] ? 1 : 0, missing, Number(x.rows), Number(x.nonzero), W, mean, m2);
          }
          try {
            estimates.push(...estimatesFromCells(set.data, design, { variable: v, by: e.by, subset: e.subset ?? null }, statistic).estimates);
          } catch (err) {
            // The design's own words for a lonely PSU or a PSU in two strata (there is no row to name here).
            if (err instanceof CellsRefused) throw new InputError('bad-design', err.message, where);
            throw err;
          }
        }
      const subsetRows = inside === null ? undefined : rows.reduce((s, x) => s + (x[inside] ? Number(x.rows) : 0), 0);
      return { estimates, ...(subsetRows === undefined ? {} : { subsetRows }) };
    });
    return { design: { rows: rows.reduce((s, x) => s + Number(x.rows), 0), cells: rows.length }, results };
  };
  return { sql, finish };
}

/**
 * Planner settings for the cells query, for its transaction only. PostgreSQL estimates the number of
 * groups as the product of the key columns' distinct counts (millions, where a survey has thousands of
 * cells) and so sorts every row to group them; hash aggregation takes half the time on 10 million rows.
 * JIT compilation is off: it is for queries that run long on complex expressions, and costs this one
 * time.
 */
export const CELLS_QUERY_SETTINGS = ['SET LOCAL enable_sort = off', 'SET LOCAL jit = off'] as const;

/** Several entries with one scan of a PostgreSQL table (cellsQuery). */
export async function estimateTableInDatabase(
  r: Omit<SqlEstimateRequest, 'means' | 'totals' | 'by' | 'subset'>,
  entries: SqlEstimateEntry[],
): Promise<SqlEstimates> {
  const { sql, finish } = cellsQuery(quoteTable(r.table), r, entries);
  const client = new pg.Client({ connectionString: r.url });
  let rows: Record<string, unknown>[];
  try {
    await client.connect();
    await client.query('BEGIN');
    for (const setting of CELLS_QUERY_SETTINGS) await client.query(setting);
    rows = (await client.query(sql)).rows as Record<string, unknown>[];
    await client.query('COMMIT');
  } catch (err) {
    throw new InputError('database', `the database refused the query: ${(err as Error).message}`, r.table);
  } finally {
    await client.end().catch(() => undefined);
  }
  return finish(rows, r.table);
}

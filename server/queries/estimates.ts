import type { Database } from '../db/index.js';
import { cellsQuery, CELLS_QUERY_SETTINGS, type SqlDesign, type SqlEstimateEntry, type SqlEstimates } from '../../io/sql-estimate.js';

/**
 * Estimates on a survey's own interviews inside the database (issue 21): the household rows are read
 * out of the submissions' JSONB (and the case data of their assignments) by a subquery, and reduced to
 * cells by the same GROUP BY as `mdsurvey estimate postgres://...` (io/sql-estimate.ts). Only the cells
 * leave the database; the variance is finished by the same code as the file path's.
 */

/** A column of the household rows: a top-level answer or a field of the case data, read as a number or as text. */
export interface HouseholdColumn {
  name: string;
  source: 'answers' | 'case';
  /** number: a JSON number, a numeric text or a boolean (1/0); text: as the dataset's CSV writes it. */
  as: 'number' | 'text';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The SQL of one column, as the dataset's household file holds it (questionnaires/flatten.ts: booleans 1/0, selections space-separated, empty is missing). */
function columnSql(c: HouseholdColumn): string {
  if (!NAME.test(c.name)) throw new Error(`not a column name: ${c.name}`);
  const j = `(${c.source === 'answers' ? 's.answers' : 'a.case_data'} -> '${c.name}')`;
  const bool = (t: string, f: string) => `CASE WHEN ${j} = 'true'::jsonb THEN ${t} ELSE ${f} END`;
  const sql =
    c.as === 'number'
      ? `CASE jsonb_typeof(${j}) WHEN 'boolean' THEN ${bool('1::float8', '0::float8')} WHEN 'null' THEN NULL ELSE NULLIF(btrim(${j} #>> '{}'), '')::float8 END`
      : `CASE jsonb_typeof(${j}) WHEN 'boolean' THEN ${bool("'1'", "'0'")} WHEN 'array' THEN (SELECT string_agg(e, ' ' ORDER BY n) FROM jsonb_array_elements_text(${j}) WITH ORDINALITY AS t(e, n)) ELSE NULLIF(${j} #>> '{}', '') END`;
  return `${sql} AS "${c.name}"`;
}

/**
 * The estimates of `entries` on the current versions of a survey's interviews in the given review
 * states. A value that is not a number where a number is read stops the query (PostgreSQL's invalid
 * text representation, code 22P02), for the caller to word.
 */
export async function estimatesOnSubmissions(
  db: Database,
  surveyId: string,
  states: readonly string[],
  columns: readonly HouseholdColumn[],
  design: SqlDesign,
  entries: SqlEstimateEntry[],
): Promise<SqlEstimates> {
  const from = `(SELECT s.interview_id::text AS interview_id, ${columns.map(columnSql).join(', ')}
    FROM submissions s LEFT JOIN assignments a ON a.id = s.assignment_id
    WHERE s.survey_id = $1 AND NOT s.superseded AND s.state = ANY($2)) AS d`;
  const { sql, finish } = cellsQuery(from, design, entries);
  const rows = await db.transaction(async (tx) => {
    for (const setting of CELLS_QUERY_SETTINGS) await tx.query(setting);
    return (await tx.query<Record<string, unknown>>(sql, [surveyId, states])).rows;
  });
  return finish(rows, 'the survey');
}

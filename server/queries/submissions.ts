import type { Database } from '../db/index.js';

/** An interview as exports read it: its id, the current version's answers, and its case's data. */
export interface InterviewRow {
  interview_id: string;
  instance_id: string;
  received_at: string;
  answers: Record<string, unknown>;
  case_data: Record<string, unknown> | null;
}

const parse = <T>(v: T | string | null): T | null => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/**
 * The current versions of a survey's interviews in the given review states, in pages ordered by
 * (received_at, instance_id) and fetched by keyset (each page starts after the last row of the
 * previous one): linear over the survey, where LIMIT/OFFSET re-reads every skipped row.
 */
export async function* approvedInterviewPages(db: Database, surveyId: string, states: readonly string[], pageSize = 500): AsyncGenerator<InterviewRow[]> {
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const args: unknown[] = [surveyId, states];
    let cursor = '';
    if (after) {
      args.push(after.at, after.id);
      cursor = 'AND (s.received_at, s.instance_id) > ($3::timestamptz, $4::uuid)';
    }
    const r = await db.query<{ interview_id: string; instance_id: string; received_at: string; answers: Record<string, unknown> | string; case_data: Record<string, unknown> | string | null }>(
      `SELECT s.interview_id, s.instance_id, to_char(s.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS received_at, s.answers, a.case_data
       FROM submissions s LEFT JOIN assignments a ON a.id = s.assignment_id
       WHERE s.survey_id = $1 AND NOT s.superseded AND s.state = ANY($2) ${cursor}
       ORDER BY s.received_at, s.instance_id LIMIT ${pageSize}`,
      args,
    );
    const rows = r.rows.map((x) => ({ ...x, answers: parse(x.answers) ?? {}, case_data: parse(x.case_data) }));
    if (rows.length) yield rows;
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1];
    after = { at: last.received_at, id: last.instance_id };
  }
}

/** Every field name that the survey's assignments carry in their case data. */
export async function caseFieldNames(db: Database, surveyId: string): Promise<string[]> {
  const r = await db.query<{ k: string }>("SELECT DISTINCT jsonb_object_keys(case_data) AS k FROM assignments WHERE survey_id = $1 AND jsonb_typeof(case_data) = 'object' ORDER BY 1", [surveyId]);
  return r.rows.map((x) => x.k);
}

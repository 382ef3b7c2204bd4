import type { Queryable } from '../db/index.js';

/** A new assignment (a sample case given to an enumerator); returns its id. */
export async function insertAssignment(tx: Queryable, surveyId: string, enumeratorId: string, caseData: unknown, quota: number): Promise<string> {
  return (
    await tx.query<{ id: string }>('INSERT INTO assignments (survey_id, enumerator_id, case_data, quota) VALUES ($1, $2, $3, $4) RETURNING id', [
      surveyId,
      enumeratorId,
      JSON.stringify(caseData ?? {}),
      quota,
    ])
  ).rows[0].id;
}

/** The assignments of a survey, with how many interviews each has: all, an enumerator's, or a supervisor's team's. */
export async function listAssignments(db: Queryable, surveyId: string, scope: { enumeratorId?: string; supervisorId?: string } = {}): Promise<unknown[]> {
  const base = `SELECT a.id, a.enumerator_id AS "enumeratorId", a.case_data AS "case", a.quota, a.created_at AS "createdAt",
    (SELECT count(*)::int FROM submissions s WHERE s.assignment_id = a.id AND NOT s.superseded) AS submitted
    FROM assignments a JOIN users u ON u.id = a.enumerator_id WHERE a.survey_id = $1`;
  if (scope.enumeratorId) return (await db.query(`${base} AND a.enumerator_id = $2 ORDER BY a.created_at`, [surveyId, scope.enumeratorId])).rows;
  if (scope.supervisorId) return (await db.query(`${base} AND u.supervisor_id = $2 ORDER BY a.created_at`, [surveyId, scope.supervisorId])).rows;
  return (await db.query(`${base} ORDER BY a.created_at`, [surveyId])).rows;
}

/** A case, locked until the transaction ends (its quota is being checked), with its enumerator's supervisor. */
export async function lockAssignment(
  tx: Queryable,
  id: string,
  surveyId: string,
): Promise<{ enumerator_id: string; supervisor_id: string | null; quota: number; case_data: unknown } | undefined> {
  return (
    await tx.query<{ enumerator_id: string; supervisor_id: string | null; quota: number; case_data: unknown }>(
      'SELECT a.enumerator_id, u.supervisor_id, a.quota, a.case_data FROM assignments a JOIN users u ON u.id = a.enumerator_id WHERE a.id = $1 AND a.survey_id = $2 FOR UPDATE OF a',
      [id, surveyId],
    )
  ).rows[0];
}

/** How many interviews a case has (versions of one interview count once). */
export async function interviewsOnCase(tx: Queryable, assignmentId: string): Promise<number> {
  return (await tx.query<{ n: number }>('SELECT count(DISTINCT interview_id)::int AS n FROM submissions WHERE assignment_id = $1', [assignmentId])).rows[0].n;
}

/** True when the enumerator holds at least one case in the survey. */
export async function holdsCase(db: Queryable, surveyId: string, enumeratorId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM assignments WHERE survey_id = $1 AND enumerator_id = $2 LIMIT 1', [surveyId, enumeratorId])).rows.length > 0;
}

/** Records a visit; false when a visit with that id is already stored (a retry). */
export async function insertVisit(
  tx: Queryable,
  v: { id: string; assignmentId: string; surveyId: string; enumeratorId: string; code: string; note: string; visitedAt: string },
): Promise<boolean> {
  const r = await tx.query(
    `INSERT INTO assignment_visits (id, assignment_id, survey_id, enumerator_id, code, note, visited_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
    [v.id, v.assignmentId, v.surveyId, v.enumeratorId, v.code, v.note, v.visitedAt],
  );
  return r.rowCount > 0;
}

/** The latest visit code of each case of a survey. */
export async function latestVisitCodes(db: Queryable, surveyId: string): Promise<Map<string, string>> {
  const r = await db.query<{ assignment_id: string; code: string }>(
    `SELECT DISTINCT ON (assignment_id) assignment_id, code FROM assignment_visits WHERE survey_id = $1 ORDER BY assignment_id, visited_at DESC, received_at DESC`,
    [surveyId],
  );
  return new Map(r.rows.map((x) => [x.assignment_id, x.code]));
}

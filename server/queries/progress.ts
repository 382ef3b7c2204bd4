import type { Queryable } from '../db/index.js';

/** The cases of a survey with their enumerator and team (a supervisor's team only when given). */
export async function progressCases(
  db: Queryable,
  surveyId: string,
  supervisorId: string | null,
): Promise<{ id: string; quota: number; enumerator: string; team: string | null; case_data: Record<string, unknown> }[]> {
  return (
    await db.query<{ id: string; quota: number; enumerator: string; team: string | null; case_data: Record<string, unknown> }>(
      `SELECT a.id, a.quota, u.username AS enumerator, s.username AS team, a.case_data
       FROM assignments a JOIN users u ON u.id = a.enumerator_id LEFT JOIN users s ON s.id = u.supervisor_id
       WHERE a.survey_id = $1 AND ($2::uuid IS NULL OR u.supervisor_id = $2)`,
      [surveyId, supervisorId],
    )
  ).rows;
}

/** A current interview as progress and outcomes read it. */
export interface ProgressInterview {
  interview_id: string;
  assignment_id: string | null;
  enumerator: string;
  team: string | null;
  state: string;
  received_at: string;
  paradata: Record<string, unknown> | null;
}

/** The current interviews of a survey (a corrected one once): case, enumerator, team, state, arrival and paradata. */
export async function progressInterviews(db: Queryable, surveyId: string, supervisorId: string | null): Promise<ProgressInterview[]> {
  return (
    await db.query<ProgressInterview>(
      `SELECT sub.interview_id, sub.assignment_id, u.username AS enumerator, s.username AS team, sub.state, sub.received_at, sub.paradata
       FROM submissions sub JOIN users u ON u.id = sub.enumerator_id LEFT JOIN users s ON s.id = u.supervisor_id
       WHERE sub.survey_id = $1 AND NOT sub.superseded AND ($2::uuid IS NULL OR u.supervisor_id = $2)`,
      [surveyId, supervisorId],
    )
  ).rows;
}

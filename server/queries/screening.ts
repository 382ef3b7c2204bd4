import type { Queryable } from '../db/index.js';

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export interface ScreeningSampleRow {
  surveyId: string;
  listingSurveyId: string;
  design: unknown;
  seed: number;
  strata: unknown;
  createdAt: string;
}

export interface ScreeningUnitRow {
  unit: string;
  position: number;
  firstStage: Record<string, string | number>;
  listingAssignmentId: string;
  enumeratorId: string;
  enumerator: string;
  supervisorId: string | null;
  closedAt: string | null;
  report: unknown;
}

/** The screening sample of a survey, or undefined when none was drawn. */
export async function screeningSampleOf(db: Queryable, surveyId: string, forUpdate = false): Promise<ScreeningSampleRow | undefined> {
  const r = await db.query<ScreeningSampleRow>(
    `SELECT survey_id AS "surveyId", listing_survey_id AS "listingSurveyId", design, seed, strata, created_at AS "createdAt"
     FROM screening_samples WHERE survey_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [surveyId],
  );
  const row = r.rows[0];
  return row && { ...row, design: json(row.design), strata: json(row.strata) };
}

/** The household survey whose listing a survey is, if it is one. */
export async function screeningOfListing(db: Queryable, listingSurveyId: string): Promise<string | undefined> {
  return (await db.query<{ survey_id: string }>('SELECT survey_id FROM screening_samples WHERE listing_survey_id = $1', [listingSurveyId])).rows[0]?.survey_id;
}

export async function insertScreeningSample(
  tx: Queryable,
  s: { surveyId: string; listingSurveyId: string; design: unknown; seed: number; strata: unknown; userId: string },
): Promise<void> {
  await tx.query('INSERT INTO screening_samples (survey_id, listing_survey_id, design, seed, strata, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [
    s.surveyId,
    s.listingSurveyId,
    JSON.stringify(s.design),
    s.seed,
    JSON.stringify(s.strata),
    s.userId,
  ]);
}

export async function insertScreeningUnit(
  tx: Queryable,
  u: { surveyId: string; unit: string; position: number; firstStage: unknown; listingAssignmentId: string },
): Promise<void> {
  await tx.query('INSERT INTO screening_units (survey_id, unit, position, first_stage, listing_assignment_id) VALUES ($1, $2, $3, $4, $5)', [
    u.surveyId,
    u.unit,
    u.position,
    JSON.stringify(u.firstStage),
    u.listingAssignmentId,
  ]);
}

/** The EAs of a screening sample in draw order, with their listing case's enumerator. */
export async function screeningUnits(db: Queryable, surveyId: string, unit?: string, forUpdate = false): Promise<ScreeningUnitRow[]> {
  const r = await db.query<ScreeningUnitRow>(
    `SELECT su.unit, su.position, su.first_stage AS "firstStage", su.listing_assignment_id AS "listingAssignmentId",
       a.enumerator_id AS "enumeratorId", u.username AS enumerator, u.supervisor_id AS "supervisorId", su.closed_at AS "closedAt", su.report
     FROM screening_units su JOIN assignments a ON a.id = su.listing_assignment_id JOIN users u ON u.id = a.enumerator_id
     WHERE su.survey_id = $1 ${unit === undefined ? '' : 'AND su.unit = $2'} ORDER BY su.position${forUpdate ? ' FOR UPDATE OF su' : ''}`,
    unit === undefined ? [surveyId] : [surveyId, unit],
  );
  return r.rows.map((x) => ({ ...x, firstStage: json(x.firstStage), report: x.report === null ? null : json(x.report) }));
}

/** Marks an EA's listing closed with the report of its second-stage draw. */
export async function closeScreeningUnit(tx: Queryable, surveyId: string, unit: string, userId: string, report: unknown): Promise<void> {
  await tx.query('UPDATE screening_units SET closed_at = now(), closed_by = $3, report = $4 WHERE survey_id = $1 AND unit = $2', [
    surveyId,
    unit,
    userId,
    JSON.stringify(report),
  ]);
}

/** The current versions of the interviews on listing cases (not rejected ones), with their case. */
export async function listingInterviews(
  db: Queryable,
  assignmentIds: string[],
): Promise<{ assignment_id: string; interview_id: string; state: string; version: string; answers: Record<string, unknown> }[]> {
  const r = await db.query<{ assignment_id: string; interview_id: string; state: string; version: string; answers: Record<string, unknown> | string }>(
    `SELECT assignment_id, interview_id, state, questionnaire_version AS version, answers FROM submissions
     WHERE assignment_id = ANY($1::uuid[]) AND NOT superseded AND state <> 'rejected' ORDER BY received_at, instance_id`,
    [assignmentIds],
  );
  return r.rows.map((x) => ({ ...x, answers: json(x.answers) }));
}

/** Writes computed weights into the case data of a survey's cases (one field), in one statement per batch. */
export async function setCaseField(tx: Queryable, surveyId: string, field: string, values: { id: string; value: number | null }[]): Promise<void> {
  for (let k = 0; k < values.length; k += 1000) {
    const part = values.slice(k, k + 1000);
    await tx.query(
      `UPDATE assignments a SET case_data = CASE WHEN v.value IS NULL THEN a.case_data - $2::text ELSE jsonb_set(a.case_data, ARRAY[$2::text], to_jsonb(v.value)) END
       FROM (SELECT unnest($3::uuid[]) AS id, unnest($4::float8[]) AS value) v WHERE a.id = v.id AND a.survey_id = $1`,
      [surveyId, field, part.map((p) => p.id), part.map((p) => p.value)],
    );
  }
}

export async function putSurveyWeights(tx: Queryable, surveyId: string, steps: unknown, report: unknown, cases: number, userId: string): Promise<void> {
  await tx.query(
    `INSERT INTO survey_weights (survey_id, steps, report, cases, computed_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (survey_id) DO UPDATE SET steps = EXCLUDED.steps, report = EXCLUDED.report, cases = EXCLUDED.cases, computed_by = EXCLUDED.computed_by, computed_at = now()`,
    [surveyId, JSON.stringify(steps), JSON.stringify(report), cases, userId],
  );
}

export async function surveyWeightsOf(
  db: Queryable,
  surveyId: string,
): Promise<{ steps: unknown; report: unknown; cases: number; computedAt: string } | undefined> {
  const r = await db.query<{ steps: unknown; report: unknown; cases: number; computedAt: string }>(
    'SELECT steps, report, cases, computed_at AS "computedAt" FROM survey_weights WHERE survey_id = $1',
    [surveyId],
  );
  const row = r.rows[0];
  return row && { ...row, steps: json(row.steps), report: json(row.report) };
}

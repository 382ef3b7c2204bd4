import type { Queryable } from '../db/index.js';

/** A survey as the API shows it. */
export interface SurveyRow {
  id: string;
  title: string;
  state: string;
  settings: unknown;
  createdAt: string;
}

const SURVEY_FIELDS = 's.id, s.title, s.state, s.settings, s.created_at AS "createdAt"';
const parse = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** One survey, or undefined. */
export async function surveyById(db: Queryable, id: string): Promise<SurveyRow | undefined> {
  return (await db.query<SurveyRow>(`SELECT ${SURVEY_FIELDS} FROM surveys s WHERE s.id = $1`, [id])).rows[0];
}

/** Every survey with its published questionnaire versions, oldest first. */
export async function listSurveys(db: Queryable, enumeratorId?: string): Promise<(SurveyRow & { questionnaires: { id: string; version: string }[] | null })[]> {
  // An enumerator's list: the surveys where they hold a case.
  const mine = enumeratorId ? 'WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.survey_id = s.id AND a.enumerator_id = $1)' : '';
  const r = await db.query<SurveyRow & { questionnaires: { id: string; version: string }[] | null }>(
    `SELECT ${SURVEY_FIELDS}, (SELECT json_agg(json_build_object('id', v.questionnaire_id, 'version', v.version) ORDER BY v.published_at) FROM questionnaire_versions v WHERE v.survey_id = s.id) AS questionnaires FROM surveys s ${mine} ORDER BY s.created_at`,
    enumeratorId ? [enumeratorId] : [],
  );
  return r.rows;
}

/** A new survey; returns its id. */
export async function insertSurvey(tx: Queryable, title: string, settings: Record<string, unknown>, createdBy: string): Promise<string> {
  return (
    await tx.query<{ id: string }>('INSERT INTO surveys (title, settings, created_by) VALUES ($1, $2, $3) RETURNING id', [
      title,
      JSON.stringify(settings),
      createdBy,
    ])
  ).rows[0].id;
}

/** The survey's state, its row locked until the transaction ends; undefined when there is no such survey. */
export async function lockSurveyState(tx: Queryable, id: string): Promise<string | undefined> {
  return (await tx.query<{ state: string }>('SELECT state FROM surveys WHERE id = $1 FOR UPDATE', [id])).rows[0]?.state;
}

/** Changes what is given of a survey's state, settings and title. */
export async function updateSurvey(tx: Queryable, id: string, change: { state?: string; settings?: Record<string, unknown>; title?: string }): Promise<void> {
  await tx.query('UPDATE surveys SET state = COALESCE($2, state), settings = COALESCE($3, settings), title = COALESCE($4, title) WHERE id = $1', [
    id,
    change.state ?? null,
    change.settings ? JSON.stringify(change.settings) : null,
    change.title ?? null,
  ]);
}

/** The survey's settings ({} when none), or undefined when there is no such survey. */
export async function surveySettingsOf(db: Queryable, id: string): Promise<Record<string, unknown> | undefined> {
  const r = await db.query<{ settings: Record<string, unknown> | string | null }>('SELECT settings FROM surveys WHERE id = $1', [id]);
  if (!r.rows[0]) return undefined;
  return parse(r.rows[0].settings ?? {}) ?? {};
}

/** Publishes a questionnaire version; false when that version number is already published. */
export async function insertQuestionnaireVersion(
  tx: Queryable,
  surveyId: string,
  q: { id: string; version: string },
  definition: unknown,
  publishedBy: string,
): Promise<boolean> {
  const r = await tx.query(
    'INSERT INTO questionnaire_versions (survey_id, version, questionnaire_id, definition, published_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
    [surveyId, q.version, q.id, JSON.stringify(definition), publishedBy],
  );
  return (r.rowCount ?? 0) > 0;
}

/** The questionnaire id a survey fields (of its first published version), or undefined. */
export async function fieldedQuestionnaireId(tx: Queryable, surveyId: string): Promise<string | undefined> {
  return (await tx.query<{ questionnaire_id: string }>('SELECT questionnaire_id FROM questionnaire_versions WHERE survey_id = $1 LIMIT 1', [surveyId])).rows[0]
    ?.questionnaire_id;
}

/** The published versions of a survey, oldest first. */
export async function questionnaireVersions(
  db: Queryable,
  surveyId: string,
): Promise<{ id: string; version: string; publishedAt: string; interviews: number }[]> {
  // With the number of current interviews that used each version.
  return (
    await db.query<{ id: string; version: string; publishedAt: string; interviews: number }>(
      `SELECT v.questionnaire_id AS id, v.version, v.published_at AS "publishedAt",
              (SELECT count(*)::int FROM submissions s WHERE s.survey_id = v.survey_id AND s.questionnaire_version = v.version AND NOT s.superseded) AS interviews
       FROM questionnaire_versions v WHERE v.survey_id = $1 ORDER BY v.published_at`,
      [surveyId],
    )
  ).rows;
}

/** The definition of a published version, or undefined. */
export async function questionnaireDefinition(db: Queryable, surveyId: string, version: string): Promise<unknown> {
  const r = await db.query<{ definition: unknown }>('SELECT definition FROM questionnaire_versions WHERE survey_id = $1 AND version = $2', [surveyId, version]);
  return r.rows[0] ? parse(r.rows[0].definition as string | object) : undefined;
}

/** The newest published version number of a survey, or undefined. */
export async function latestVersionOf(db: Queryable, surveyId: string): Promise<string | undefined> {
  return (await db.query<{ version: string }>('SELECT version FROM questionnaire_versions WHERE survey_id = $1 ORDER BY published_at DESC LIMIT 1', [surveyId]))
    .rows[0]?.version;
}

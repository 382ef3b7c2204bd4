import type { Database, Queryable } from '../db/index.js';

/** An interview as exports read it: its id, the current version's answers, and its case's data. */
export interface InterviewRow {
  interview_id: string;
  answers: Record<string, unknown>;
  case_data: Record<string, unknown> | null;
}

/** The pages of approvedInterviewTextPages with answers and case data parsed. */
export async function* approvedInterviewPages(db: Database, surveyId: string, states: readonly string[], pageSize = 500): AsyncGenerator<InterviewRow[]> {
  for await (const page of approvedInterviewTextPages(db, surveyId, states, pageSize)) {
    yield page.map((r) => ({
      interview_id: r.interview_id,
      answers: JSON.parse(r.answers) as Record<string, unknown>,
      case_data: r.case_data ? (JSON.parse(r.case_data) as Record<string, unknown>) : null,
    }));
  }
}

/** An interview as text, as the database gives it (parsed where it is used: in a worker thread). */
export interface RawInterviewRow {
  interview_id: string;
  answers: string;
  case_data: string | null;
}

/**
 * The current versions of a survey's interviews in the given review states, answers and case data as
 * JSON text (parsed where they are used, in a worker thread for indicators), in pages ordered by
 * (received_at, instance_id) and fetched by keyset (each page starts after the last row of the
 * previous one): linear over the survey, where LIMIT/OFFSET re-reads every skipped row.
 */
export async function* approvedInterviewTextPages(
  db: Database,
  surveyId: string,
  states: readonly string[],
  pageSize = 500,
): AsyncGenerator<RawInterviewRow[]> {
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const args: unknown[] = [surveyId, states];
    let cursor = '';
    if (after) {
      args.push(after.at, after.id);
      cursor = 'AND (s.received_at, s.instance_id) > ($3::timestamptz, $4::uuid)';
    }
    const r = await db.query<RawInterviewRow & { instance_id: string; received_at: string }>(
      `SELECT s.interview_id, s.instance_id, to_char(s.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS received_at, s.answers::text AS answers, a.case_data::text AS case_data
       FROM submissions s LEFT JOIN assignments a ON a.id = s.assignment_id
       WHERE s.survey_id = $1 AND NOT s.superseded AND s.state = ANY($2) ${cursor}
       ORDER BY s.received_at, s.instance_id LIMIT ${pageSize}`,
      args,
    );
    if (r.rows.length) yield r.rows.map((x) => ({ interview_id: x.interview_id, answers: x.answers, case_data: x.case_data }));
    if (r.rows.length < pageSize) return;
    const last = r.rows[r.rows.length - 1];
    after = { at: last.received_at, id: last.instance_id };
  }
}

/** Every field name that the survey's assignments carry in their case data. */
export async function caseFieldNames(db: Database, surveyId: string): Promise<string[]> {
  const r = await db.query<{ k: string }>(
    "SELECT DISTINCT jsonb_object_keys(case_data) AS k FROM assignments WHERE survey_id = $1 AND jsonb_typeof(case_data) = 'object' ORDER BY 1",
    [surveyId],
  );
  return r.rows.map((x) => x.k);
}

/** What is known of an instanceId in a survey: the survey's state, and the stored submission's hash and state. */
export async function instanceStatus(
  db: Queryable,
  surveyId: string,
  instanceId: string,
): Promise<{ state: string; content_hash: string | null; submission_state: string | null } | undefined> {
  return (
    await db.query<{ state: string; content_hash: string | null; submission_state: string | null }>(
      'SELECT v.state, s.content_hash, s.state AS submission_state FROM surveys v LEFT JOIN submissions s ON s.instance_id = $2 WHERE v.id = $1',
      [surveyId, instanceId],
    )
  ).rows[0];
}

/** A submission version to store. */
export interface NewSubmission {
  instanceId: string;
  interviewId: string;
  deprecatedId: string | null;
  surveyId: string;
  questionnaireVersion: string;
  assignmentId: string | null;
  enumeratorId: string;
  /** The answers to save as JSON text (validateResponseText's). */
  answersText: string;
  paradata: unknown;
  meta: unknown;
  contentHash: string;
  /** Who sent it (the audit entry's user). */
  byUserId: string;
  /** False: stored only when the enumerator holds a case in the survey. */
  anyEnumerator: boolean;
}

/**
 * Stores a submission and its audit entry in one statement (one round trip, atomic without BEGIN), only
 * while the survey is in fieldwork (and, unless `anyEnumerator`, where the enumerator holds a case);
 * a duplicate instanceId stores nothing. True when stored. The group insert's statement with one row.
 */
export async function insertSubmissionWithAudit(db: Queryable, s: NewSubmission): Promise<boolean> {
  return (await insertSubmissionsWithAudit(db, [submissionBatchRow(s)])).has(s.instanceId);
}

/** A new submission's row as the batch statement reads it: JSON text with its answers, paradata and meta inlined. */
export function submissionBatchRow(s: NewSubmission): string {
  const head = JSON.stringify({
    instance_id: s.instanceId,
    interview_id: s.interviewId,
    deprecated_id: s.deprecatedId,
    survey_id: s.surveyId,
    questionnaire_version: s.questionnaireVersion,
    assignment_id: s.assignmentId,
    enumerator_id: s.enumeratorId,
    content_hash: s.contentHash,
    by_user_id: s.byUserId,
    any_enumerator: s.anyEnumerator,
  });
  return `${head.slice(0, -1)},"answers":${s.answersText},"paradata":${JSON.stringify(s.paradata)},"meta":${JSON.stringify(s.meta)}}`;
}

/**
 * insertSubmissionWithAudit for many submissions in one statement: `rows` are submissionBatchRow texts
 * with distinct instance ids. Each row is stored under the same conditions as alone (survey in
 * fieldwork, the enumerator holding a case unless any_enumerator, nothing on a duplicate instance id),
 * with its audit entry; the statement is one transaction. Returns the instance ids stored. One
 * statement text whatever the number of rows (prepared once per connection): the rows travel as one
 * JSON array, read with jsonb_to_recordset.
 */
export async function insertSubmissionsWithAudit(db: Queryable, rows: readonly string[]): Promise<Set<string>> {
  const r = await db.query<{ entity_id: string }>(
    `WITH x AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(instance_id uuid, interview_id uuid, deprecated_id uuid, survey_id uuid, questionnaire_version text,
        assignment_id uuid, enumerator_id uuid, content_hash text, by_user_id uuid, any_enumerator boolean, answers jsonb, paradata jsonb, meta jsonb)
    ), s AS (
      INSERT INTO submissions (instance_id, interview_id, deprecated_id, survey_id, questionnaire_version, assignment_id, enumerator_id, answers, paradata, meta, content_hash)
      SELECT instance_id, interview_id, deprecated_id, survey_id, questionnaire_version, assignment_id, enumerator_id, answers, paradata, meta, content_hash FROM x
      WHERE EXISTS (SELECT 1 FROM surveys WHERE id = x.survey_id AND state = 'fieldwork')
        AND (x.any_enumerator OR EXISTS (SELECT 1 FROM assignments a WHERE a.survey_id = x.survey_id AND a.enumerator_id = x.enumerator_id))
      ON CONFLICT (instance_id) DO NOTHING
      RETURNING instance_id, interview_id, deprecated_id)
    INSERT INTO audit_log (user_id, action, entity, entity_id, details)
    SELECT x.by_user_id, CASE WHEN s.deprecated_id IS NULL THEN 'submit' ELSE 'resubmit' END, 'submission', s.instance_id::text,
           jsonb_build_object('interviewId', s.interview_id, 'deprecatedId', s.deprecated_id) FROM s JOIN x ON x.instance_id = s.instance_id
    RETURNING entity_id`,
    [`[${rows.join(',')}]`],
  );
  return new Set(r.rows.map((x) => x.entity_id));
}

/** A version as a correction sees it. */
export interface LockedVersion {
  interview_id: string;
  superseded: boolean;
  survey_id: string;
  enumerator_id: string;
  supervisor_id: string | null;
  state: string;
  assignment_id: string | null;
}

/** The version a correction replaces, locked until the transaction ends, with its enumerator's supervisor. */
export async function lockVersion(tx: Queryable, instanceId: string): Promise<LockedVersion | undefined> {
  return (
    await tx.query<LockedVersion>(
      `SELECT s.interview_id, s.superseded, s.survey_id, s.enumerator_id, u.supervisor_id, s.state, s.assignment_id
       FROM submissions s JOIN users u ON u.id = s.enumerator_id WHERE s.instance_id = $1 FOR UPDATE OF s`,
      [instanceId],
    )
  ).rows[0];
}

/** Marks a version as replaced by a newer one. */
export async function markSuperseded(tx: Queryable, instanceId: string): Promise<void> {
  await tx.query('UPDATE submissions SET superseded = true WHERE instance_id = $1', [instanceId]);
}

/** The content hash and review state of a stored version, or undefined. */
export async function storedVersion(db: Queryable, instanceId: string): Promise<{ content_hash: string; state: string } | undefined> {
  return (await db.query<{ content_hash: string; state: string }>('SELECT content_hash, state FROM submissions WHERE instance_id = $1', [instanceId])).rows[0];
}

/** Who owns a version of a survey: its enumerator and their supervisor; undefined when not in that survey. */
export async function versionOwner(
  db: Queryable,
  surveyId: string,
  instanceId: string,
): Promise<{ enumerator_id: string; supervisor_id: string | null; state: string; superseded: boolean } | undefined> {
  return (
    await db.query<{ enumerator_id: string; supervisor_id: string | null; state: string; superseded: boolean }>(
      'SELECT s.enumerator_id, u.supervisor_id, s.state, s.superseded FROM submissions s JOIN users u ON u.id = s.enumerator_id WHERE s.instance_id = $1 AND s.survey_id = $2',
      [instanceId, surveyId],
    )
  ).rows[0];
}

/** The review state of a version, locked until the transaction ends. */
export async function lockReviewState(tx: Queryable, instanceId: string): Promise<{ state: string; superseded: boolean }> {
  return (await tx.query<{ state: string; superseded: boolean }>('SELECT state, superseded FROM submissions WHERE instance_id = $1 FOR UPDATE', [instanceId]))
    .rows[0];
}

/** Records a review step. */
export async function setReview(tx: Queryable, instanceId: string, state: string, review: unknown): Promise<void> {
  await tx.query('UPDATE submissions SET state = $2, review = $3 WHERE instance_id = $1', [instanceId, state, JSON.stringify(review)]);
}

const LIST_FIELDS = `s.instance_id AS "instanceId", s.interview_id AS "interviewId", s.deprecated_id AS "deprecatedId", s.questionnaire_version AS "questionnaireVersion",
  s.assignment_id AS "assignmentId", s.enumerator_id AS "enumeratorId", s.state, s.review, s.received_at AS "receivedAt"`;

/**
 * Current versions of a survey's interviews, oldest first: optionally in one state, of one enumerator
 * or one supervisor's team, after a given instanceId (keyset paging), at most `limit`.
 */
export async function listVersions(
  db: Queryable,
  surveyId: string,
  f: { state?: string; enumeratorId?: string; supervisorId?: string; after?: string; limit: number; offset: number },
): Promise<{ instanceId: string }[]> {
  const where = ['s.survey_id = $1', 'NOT s.superseded'];
  const args: unknown[] = [surveyId];
  const add = (cond: (n: number) => string, v: unknown) => {
    args.push(v);
    where.push(cond(args.length));
  };
  if (f.state) add((n) => `s.state = $${n}`, f.state);
  if (f.enumeratorId) add((n) => `s.enumerator_id = $${n}`, f.enumeratorId);
  if (f.supervisorId) add((n) => `u.supervisor_id = $${n}`, f.supervisorId);
  if (f.after) add((n) => `(s.received_at, s.instance_id) > (SELECT received_at, instance_id FROM submissions WHERE instance_id = $${n})`, f.after);
  const r = await db.query<{ instanceId: string }>(
    `SELECT ${LIST_FIELDS}, u.username AS "enumeratorName", u.supervisor_id IS NULL AS "noSupervisor" FROM submissions s JOIN users u ON u.id = s.enumerator_id
     WHERE ${where.join(' AND ')} ORDER BY s.received_at, s.instance_id LIMIT ${Math.trunc(f.limit)} OFFSET ${Math.trunc(f.offset)}`,
    args,
  );
  return r.rows;
}

/** One version with its answers. */
export async function versionWithAnswers(db: Queryable, instanceId: string): Promise<unknown> {
  return (
    await db.query(
      `SELECT ${LIST_FIELDS}, s.answers, s.paradata, s.superseded, u.username AS "enumeratorName" FROM submissions s JOIN users u ON u.id = s.enumerator_id WHERE s.instance_id = $1`,
      [instanceId],
    )
  ).rows[0];
}

/** The audit history of every version of the interview a version belongs to, in order. */
export async function interviewHistory(db: Queryable, instanceId: string): Promise<unknown[]> {
  return (
    await db.query(
      `SELECT a.at, a.action, a.details, u.username FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
       WHERE a.entity = 'submission' AND a.entity_id IN (SELECT instance_id::text FROM submissions WHERE interview_id = (SELECT interview_id FROM submissions WHERE instance_id = $1)) ORDER BY a.id`,
      [instanceId],
    )
  ).rows;
}

/** A stored media file of an interview (without its bytes). */
export interface MediaRow {
  interview_id: string;
  name: string;
  content_type: string;
  size: number;
  sha256: string;
}

/** The interview and answers of a version, for checking a media upload against it. */
export async function versionAnswers(
  db: Queryable,
  instanceId: string,
): Promise<{ interview_id: string; questionnaire_version: string; answers: unknown } | undefined> {
  return (
    await db.query<{ interview_id: string; questionnaire_version: string; answers: unknown }>(
      'SELECT interview_id, questionnaire_version, answers FROM submissions WHERE instance_id = $1',
      [instanceId],
    )
  ).rows[0];
}

/** Stores a media file once per interview; gives the row already stored when the name was taken. */
export async function insertMedia(
  db: Queryable,
  m: MediaRow & { instance_id: string; data: Uint8Array; uploaded_by: string },
): Promise<{ inserted: boolean; existing?: MediaRow }> {
  const r = await db.query(
    `INSERT INTO submission_media (interview_id, name, instance_id, content_type, size, sha256, data, uploaded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (interview_id, name) DO NOTHING`,
    [m.interview_id, m.name, m.instance_id, m.content_type, m.size, m.sha256, m.data, m.uploaded_by],
  );
  if (r.rowCount > 0) return { inserted: true };
  const existing = (
    await db.query<MediaRow>('SELECT interview_id, name, content_type, size, sha256 FROM submission_media WHERE interview_id = $1 AND name = $2', [
      m.interview_id,
      m.name,
    ])
  ).rows[0];
  return { inserted: false, existing };
}

/** A media file of an interview, with its bytes. */
export async function mediaFile(db: Queryable, interviewId: string, name: string): Promise<(MediaRow & { data: Uint8Array }) | undefined> {
  return (
    await db.query<MediaRow & { data: Uint8Array }>(
      'SELECT interview_id, name, content_type, size, sha256, data FROM submission_media WHERE interview_id = $1 AND name = $2',
      [interviewId, name],
    )
  ).rows[0];
}

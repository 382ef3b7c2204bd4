import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/index.js';
import { bodyValidator, intParameter, schemaErrors, UUID_PATTERN, type RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import type { User } from '../auth/users.js';
import { validateResponse } from '../../questionnaires/index.js';
import { compiledVersion } from '../questionnaire-cache.js';
import { audit } from './audit.js';
import { allows, REPLACEABLE_IN, REVIEW_ACTION } from '../auth/policy.js';
import { FINAL_STATES, INITIAL_STATE, isSubmissionState, REVIEW_STEPS, SUBMISSION_STATES, type SubmissionState } from '../../common/lifecycle.js';
import { jsonSafetyProblem } from '../../common/json-safety.js';
import type { Submission } from '../../common/submission.js';

const SUBMISSION_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['instanceId', 'questionnaire', 'answers'],
  properties: {
    instanceId: { type: 'string', format: 'uuid' },
    deprecatedId: { type: 'string', format: 'uuid' },
    assignmentId: { type: 'string', format: 'uuid' },
    questionnaire: { type: 'object', additionalProperties: false, required: ['id', 'version'], properties: { id: { type: 'string', maxLength: 200 }, version: { type: 'string', maxLength: 100 } } },
    answers: { type: 'object' },
    paradata: { type: 'object' },
    meta: { type: 'object' },
  },
} as const;

const validSubmission = bodyValidator(SUBMISSION_SCHEMA);

/** JSON with sorted keys, so the same content always hashes the same. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/**
 * Stores one submission: validated (JSON Schema + engine), idempotent by instanceId, a new version
 * only as the successor of the current one; the write is one transaction. Returns the HTTP status.
 */
export async function storeSubmission(db: Database, user: User, surveyId: string, b: Submission): Promise<{ status: number; body: Record<string, unknown> }> {
  const hash = createHash('sha256').update(canonical({ ...b, meta: undefined })).digest('hex');
  const q = await compiledVersion(db, surveyId, b.questionnaire.version);
  // Why a submission cannot be stored as new: unknown survey, an earlier one with this id, a closed survey.
  const explain = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
    const found = await db.query<{ state: string; content_hash: string | null; submission_state: string | null }>(
      'SELECT v.state, s.content_hash, s.state AS submission_state FROM surveys v LEFT JOIN submissions s ON s.instance_id = $2 WHERE v.id = $1',
      [surveyId, b.instanceId],
    );
    const survey = found.rows[0];
    if (!survey) throw new HttpProblem(404, 'not-found', `no survey ${surveyId}`);
    // An identical resend is answered as stored, even after the survey closed.
    if (survey.content_hash !== null) {
      if (survey.content_hash === hash) return { status: 200, body: { instanceId: b.instanceId, stored: false, state: survey.submission_state } };
      throw new HttpProblem(409, 'instance-id-reused', `instanceId ${b.instanceId} was already stored with other content; a corrected interview needs a new instanceId and deprecatedId ${b.instanceId}`);
    }
    if (survey.state !== 'fieldwork') throw new HttpProblem(409, 'survey-not-in-fieldwork', `the survey is ${survey.state}: it does not take submissions`);
    throw new HttpProblem(409, 'not-stored', 'the submission could not be stored; send it again');
  };
  if (!q || q.source.id !== b.questionnaire.id) {
    await explain().catch((err) => {
      if (err instanceof HttpProblem && err.status === 404) throw err;
    });
    throw new HttpProblem(422, 'unknown-questionnaire-version', `questionnaire ${b.questionnaire.id} version ${b.questionnaire.version} is not published for this survey`);
  }
  const { problems, answers } = validateResponse(q, { instanceId: b.instanceId, questionnaire: b.questionnaire, answers: b.answers, paradata: b.paradata, meta: b.meta });
  if (problems.length) {
    const earlier = await explain().catch(() => null);
    if (earlier) return earlier; // an identical resend of an interview stored under an older rule set
    throw new HttpProblem(422, 'invalid-submission', `the interview has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, { errors: problems });
  }
  const unsafe = jsonSafetyProblem({ answers: b.answers, paradata: b.paradata ?? {}, meta: b.meta ?? {} });
  if (unsafe) throw new HttpProblem(400, 'unstorable-text', `${unsafe.path} ${unsafe.message}`, { errors: [unsafe] });
  const values = (interviewId: string, enumeratorId: string, assignmentId: string | null) => [
    b.instanceId, interviewId, b.deprecatedId ?? null, surveyId, b.questionnaire.version, assignmentId, enumeratorId,
    JSON.stringify(answers), JSON.stringify(b.paradata ?? {}), JSON.stringify(b.meta ?? {}), hash, user.id,
  ];
  // Inserted only while the survey is in fieldwork; a duplicate instanceId inserts nothing (explained after).
  const INSERT_WITH_AUDIT = `WITH s AS (
      INSERT INTO submissions (instance_id, interview_id, deprecated_id, survey_id, questionnaire_version, assignment_id, enumerator_id, answers, paradata, meta, content_hash)
      SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 WHERE EXISTS (SELECT 1 FROM surveys WHERE id = $4 AND state = 'fieldwork')
        AND ($13::boolean OR EXISTS (SELECT 1 FROM assignments WHERE survey_id = $4 AND enumerator_id = $7))
      ON CONFLICT (instance_id) DO NOTHING
      RETURNING instance_id, interview_id, deprecated_id)
    INSERT INTO audit_log (user_id, action, entity, entity_id, details)
    SELECT $12, CASE WHEN s.deprecated_id IS NULL THEN 'submit' ELSE 'resubmit' END, 'submission', s.instance_id::text,
           jsonb_build_object('interviewId', s.interview_id, 'deprecatedId', s.deprecated_id) FROM s
    RETURNING entity_id`;
  const created = (interviewId: string) => ({ status: 201, body: { instanceId: b.instanceId, interviewId, stored: true, state: INITIAL_STATE } });
  try {
    if (!b.deprecatedId) {
      if (!b.assignmentId) {
        // Not on a sample case: the enumerator must at least work on this survey (hold a case in it).
        if (user.role === 'supervisor') throw new HttpProblem(422, 'assignment-required', 'a supervisor submits an interview on a case of the team: name its assignmentId');
        // A new interview: one statement writes it and its audit entry atomically (one round trip, no
        // BEGIN/COMMIT), and only where an enumerator holds a case in the survey.
        const r = await db.query(INSERT_WITH_AUDIT, [...values(b.instanceId, user.id, null), user.role !== 'enumerator']);
        if (r.rows.length === 0) {
          // A resend, a closed survey or an unknown one is answered as such first.
          const earlier = await explain().catch((err) => {
            if (err instanceof HttpProblem && err.code === 'not-stored') return null;
            throw err;
          });
          if (earlier) return earlier;
          const held = await db.query('SELECT 1 FROM assignments WHERE survey_id = $1 AND enumerator_id = $2 LIMIT 1', [surveyId, user.id]);
          if (!held.rows[0]) throw new HttpProblem(403, 'not-in-survey', 'you hold no case in this survey; ask your supervisor for an assignment');
          throw new HttpProblem(409, 'not-stored', 'the submission could not be stored; send it again');
        }
        return created(b.instanceId);
      }
      const earlier = await explain().catch((err) => {
        if (err instanceof HttpProblem && err.code === 'not-stored') return null;
        throw err;
      });
      if (earlier) return earlier;
      // On a case: the case is locked while its quota is checked, so two devices cannot both take its last place.
      return await db.transaction(async (tx) => {
        const a = await tx.query<{ enumerator_id: string; supervisor_id: string | null; quota: number; case_data: unknown }>(
          'SELECT a.enumerator_id, u.supervisor_id, a.quota, a.case_data FROM assignments a JOIN users u ON u.id = a.enumerator_id WHERE a.id = $1 AND a.survey_id = $2 FOR UPDATE OF a',
          [b.assignmentId, surveyId],
        );
        const c = a.rows[0];
        if (!c) throw new HttpProblem(422, 'unknown-assignment', `no assignment ${b.assignmentId} in this survey`);
        if (!allows(user, 'submission.create', { enumeratorId: c.enumerator_id, supervisorId: c.supervisor_id })) {
          throw new HttpProblem(403, 'not-your-assignment', user.role === 'supervisor' ? 'that case is assigned to an enumerator of another team' : 'that case is assigned to another enumerator');
        }
        const n = await tx.query<{ n: number }>('SELECT count(DISTINCT interview_id)::int AS n FROM submissions WHERE assignment_id = $1', [b.assignmentId]);
        if (n.rows[0].n >= c.quota) {
          throw new HttpProblem(409, 'quota-reached', `case ${b.assignmentId}${caseLabel(c.case_data)} already has ${n.rows[0].n} interview${n.rows[0].n === 1 ? '' : 's'} of its quota of ${c.quota}; correct the existing interview instead`, { assignmentId: b.assignmentId, quota: c.quota });
        }
        const inserted = await tx.query(INSERT_WITH_AUDIT, [...values(b.instanceId, user.id, b.assignmentId!), true]);
        if (inserted.rows.length === 0) throw new HttpProblem(409, 'not-stored', 'the survey stopped taking submissions, or this instanceId was stored meanwhile');
        return created(b.instanceId);
      });
    }
    // A new version: answer duplicates and closed surveys first ('not-stored' here means: nothing against it).
    const earlier = await explain().catch((err) => {
      if (err instanceof HttpProblem && err.code === 'not-stored') return null;
      throw err;
    });
    if (earlier) return earlier;
    return await db.transaction(async (tx) => {
      const prev = await tx.query<{ interview_id: string; superseded: boolean; survey_id: string; enumerator_id: string; supervisor_id: string | null; state: string; assignment_id: string | null }>(
        `SELECT s.interview_id, s.superseded, s.survey_id, s.enumerator_id, u.supervisor_id, s.state, s.assignment_id
         FROM submissions s JOIN users u ON u.id = s.enumerator_id WHERE s.instance_id = $1 FOR UPDATE OF s`,
        [b.deprecatedId],
      );
      const p = prev.rows[0];
      if (!p || p.survey_id !== surveyId) throw new HttpProblem(422, 'unknown-deprecated-id', `deprecatedId ${b.deprecatedId} is not a submission of this survey`);
      if (!allows(user, 'submission.correct', { enumeratorId: p.enumerator_id, supervisorId: p.supervisor_id })) {
        throw new HttpProblem(403, 'not-your-interview', user.role === 'supervisor' ? 'that interview was made by an enumerator of another team' : 'only the enumerator of an interview (or their supervisor) can send a new version of it');
      }
      if (p.superseded) throw new HttpProblem(409, 'stale-version', `submission ${b.deprecatedId} was already replaced by a newer version; fetch the current version and correct that`);
      if (FINAL_STATES.includes(p.state as SubmissionState)) throw new HttpProblem(409, 'already-approved', 'the interview was approved by HQ and cannot be replaced');
      if (!(REPLACEABLE_IN[user.role] ?? []).includes(p.state as SubmissionState)) {
        throw new HttpProblem(409, 'already-reviewed', `the interview is ${p.state.replace('_', ' ')}; a ${user.role} can replace it only after it is sent back`);
      }
      // The new version stays on the sample case of the interview it replaces.
      if (b.assignmentId && p.assignment_id && b.assignmentId !== p.assignment_id) {
        throw new HttpProblem(422, 'assignment-mismatch', `the interview belongs to assignment ${p.assignment_id}; a new version cannot move it to ${b.assignmentId}`);
      }
      await tx.query('UPDATE submissions SET superseded = true WHERE instance_id = $1', [b.deprecatedId]);
      const inserted = await tx.query(INSERT_WITH_AUDIT, [...values(p.interview_id, p.enumerator_id, p.assignment_id ?? b.assignmentId ?? null), true]);
      if (inserted.rows.length === 0) throw new HttpProblem(409, 'not-stored', 'the survey stopped taking submissions, or this instanceId was stored meanwhile');
      return created(p.interview_id);
    });
  } catch (err) {
    // Two devices racing: the unique keys decide; the loser gets the same answer a retry would.
    const code = (err as { code?: string }).code;
    if (code === '23505') {
      const again = await db.query<{ content_hash: string; state: string }>('SELECT content_hash, state FROM submissions WHERE instance_id = $1', [b.instanceId]);
      if (again.rows[0]?.content_hash === hash) return { status: 200, body: { instanceId: b.instanceId, stored: false, state: again.rows[0].state } };
      throw new HttpProblem(409, 'stale-version', `submission ${b.deprecatedId ?? b.instanceId} was replaced concurrently`);
    }
    throw err;
  }
}

/** A few words that name a case for a person (its EA and address when the case data has them). */
function caseLabel(caseData: unknown): string {
  const c = (typeof caseData === 'string' ? JSON.parse(caseData) : caseData) as Record<string, unknown> | null;
  const parts = ['ea', 'dwelling', 'household'].filter((k) => c && (typeof c[k] === 'string' || typeof c[k] === 'number')).map((k) => `${k} ${String(c![k])}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

async function visible(db: Queryable, user: User, surveyId: string, instanceId: string) {
  const r = await db.query<{ enumerator_id: string; supervisor_id: string | null; state: string; superseded: boolean }>(
    `SELECT s.enumerator_id, u.supervisor_id, s.state, s.superseded FROM submissions s JOIN users u ON u.id = s.enumerator_id WHERE s.instance_id = $1 AND s.survey_id = $2`,
    [instanceId, surveyId],
  );
  const row = r.rows[0];
  if (!row || !allows(user, 'submission.read', { enumeratorId: row.enumerator_id, supervisorId: row.supervisor_id })) throw new HttpProblem(404, 'not-found', `no submission ${instanceId} you may see`);
  return row;
}

const LIST_FIELDS = `s.instance_id AS "instanceId", s.interview_id AS "interviewId", s.deprecated_id AS "deprecatedId", s.questionnaire_version AS "questionnaireVersion",
  s.assignment_id AS "assignmentId", s.enumerator_id AS "enumeratorId", s.state, s.review, s.received_at AS "receivedAt"`;

export const submissionRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/surveys/:surveyId/submissions',
    tag: 'submissions',
    summary: 'Submit an interview',
    roles: ['enumerator', 'supervisor', 'admin'],
    body: SUBMISSION_SCHEMA,
    async handler({ db, user, params, body }) {
      return storeSubmission(db, user, params.surveyId, body as Submission);
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/submissions/batch',
    tag: 'submissions',
    summary: 'Submit a rescue file of interviews',
    roles: ['enumerator', 'supervisor', 'admin'],
    // Items are checked one by one, so one bad interview in a rescue file never stops the others.
    body: { type: 'object', additionalProperties: false, required: ['submissions'], properties: { format: { const: 'mdsurvey-rescue-1' }, exportedAt: { type: 'string' }, submissions: { type: 'array', maxItems: 500 } } },
    async handler({ db, user, params, body, req }) {
      const results = [];
      const items = (body as { submissions: unknown[] }).submissions;
      for (let index = 0; index < items.length; index++) {
        const s = items[index] as Submission;
        const instanceId = typeof s === 'object' && s !== null && typeof s.instanceId === 'string' ? s.instanceId : null;
        try {
          if (!validSubmission(s)) {
            const errors = schemaErrors(validSubmission.errors);
            throw new HttpProblem(400, 'invalid-body', `item ${index} is not a submission: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors });
          }
          const r = await storeSubmission(db, user, params.surveyId, s);
          results.push({ index, instanceId, status: r.status, stored: r.body.stored });
        } catch (err) {
          if (err instanceof HttpProblem) results.push({ index, instanceId, status: err.status, code: err.code, detail: err.message, ...err.extensions });
          else {
            // Unexpected: logged; the item is reported as not stored (to be sent again), the others go on.
            req.log?.error({ err, index }, 'rescue item failed');
            results.push({ index, instanceId, status: 503, code: 'not-stored', detail: 'this interview could not be stored; send it again' });
          }
        }
      }
      return { status: 200, body: { results } };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/submissions',
    tag: 'submissions',
    summary: 'List submissions',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator'],
    async handler({ db, user, params, query }) {
      const where = ['s.survey_id = $1', 'NOT s.superseded'];
      const args: unknown[] = [params.surveyId];
      if (query.state) {
        if (!isSubmissionState(query.state)) throw new HttpProblem(400, 'bad-parameter', `state must be one of ${SUBMISSION_STATES.join(', ')}`);
        args.push(query.state);
        where.push(`s.state = $${args.length}`);
      }
      if (user.role === 'enumerator') {
        args.push(user.id);
        where.push(`s.enumerator_id = $${args.length}`);
      } else if (user.role === 'supervisor') {
        args.push(user.id);
        where.push(`u.supervisor_id = $${args.length}`);
      }
      const limit = intParameter(query, 'limit', 500, 1, 5000);
      // Keyset paging: ?after=<instanceId of the last row seen> (offsets would be quadratic over a survey).
      if (query.after !== undefined) {
        if (!UUID_PATTERN.test(query.after)) throw new HttpProblem(400, 'bad-parameter', 'after must be the instanceId of the last submission of the previous page');
        args.push(query.after);
        where.push(`(s.received_at, s.instance_id) > (SELECT received_at, instance_id FROM submissions WHERE instance_id = $${args.length})`);
      }
      const offset = intParameter(query, 'offset', 0, 0, 100_000);
      const r = await db.query<{ instanceId: string }>(
        `SELECT ${LIST_FIELDS}, u.username AS "enumeratorName", u.supervisor_id IS NULL AS "noSupervisor" FROM submissions s JOIN users u ON u.id = s.enumerator_id WHERE ${where.join(' AND ')} ORDER BY s.received_at, s.instance_id LIMIT ${limit} OFFSET ${offset}`,
        args,
      );
      return { body: { submissions: r.rows, ...(r.rows.length === limit ? { next: r.rows[r.rows.length - 1].instanceId } : {}) } };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/submissions/:instanceId',
    tag: 'submissions',
    summary: 'Show a submission',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator'],
    async handler({ db, user, params }) {
      await visible(db, user, params.surveyId, params.instanceId);
      const r = await db.query(`SELECT ${LIST_FIELDS}, s.answers, s.paradata, s.superseded, u.username AS "enumeratorName" FROM submissions s JOIN users u ON u.id = s.enumerator_id WHERE s.instance_id = $1`, [params.instanceId]);
      return { body: { submission: r.rows[0] } };
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/submissions/:instanceId/review',
    tag: 'review',
    summary: 'Approve or reject a submission',
    roles: ['admin', 'statistician', 'supervisor'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['action'],
      properties: { action: { enum: ['approve', 'reject'] }, comments: { type: 'object', additionalProperties: { type: 'string', maxLength: 2000 } }, note: { type: 'string', maxLength: 5000 } },
    },
    async handler({ db, user, params, body }) {
      const b = body as { action: 'approve' | 'reject'; comments?: Record<string, string>; note?: string };
      if (b.action === 'reject' && !b.note && !Object.keys(b.comments ?? {}).length) throw new HttpProblem(422, 'comment-required', 'a rejection needs a note or comments at the questions to correct');
      const owner = await visible(db, user, params.surveyId, params.instanceId);
      const state = await db.transaction(async (tx) => {
        const r = await tx.query<{ state: string; superseded: boolean }>('SELECT state, superseded FROM submissions WHERE instance_id = $1 FOR UPDATE', [params.instanceId]);
        const { state: from, superseded } = r.rows[0];
        if (superseded) throw new HttpProblem(409, 'stale-version', 'a newer version of this interview exists; review that one');
        const step = isSubmissionState(from) ? REVIEW_STEPS[from]?.[b.action] : undefined;
        const rule = step ? ([REVIEW_ACTION[step[0]], step[1]] as const) : undefined;
        if (!rule) throw new HttpProblem(409, 'illegal-transition', `a submission in state ${from} cannot be ${b.action === 'approve' ? 'approved' : 'rejected'}`);
        if (!allows(user, rule[0], { enumeratorId: owner.enumerator_id, supervisorId: owner.supervisor_id })) {
          const who = rule[0] === 'submission.review.first' ? (owner.supervisor_id ? "the enumerator's supervisor" : 'HQ (the enumerator has no supervisor)') : 'HQ (a statistician)';
          throw new HttpProblem(409, 'illegal-transition', `a ${user.role} cannot ${b.action} a submission in state ${from}: that is for ${who}`);
        }
        const review = { by: user.id, byName: user.username, role: user.role, at: new Date().toISOString(), action: b.action, comments: b.comments ?? {}, note: b.note ?? '' };
        await tx.query('UPDATE submissions SET state = $2, review = $3 WHERE instance_id = $1', [params.instanceId, rule[1], JSON.stringify(review)]);
        await audit(tx, user, b.action, 'submission', params.instanceId, { from, to: rule[1], comments: b.comments ?? {} });
        return rule[1];
      });
      return { body: { instanceId: params.instanceId, state } };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/submissions/:instanceId/history',
    tag: 'review',
    summary: 'Show the audit history of a submission',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator'],
    async handler({ db, user, params }) {
      await visible(db, user, params.surveyId, params.instanceId);
      const r = await db.query(
        `SELECT a.at, a.action, a.details, u.username FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.entity = 'submission' AND a.entity_id IN (SELECT instance_id::text FROM submissions WHERE interview_id = (SELECT interview_id FROM submissions WHERE instance_id = $1)) ORDER BY a.id`,
        [params.instanceId],
      );
      return { body: { history: r.rows } };
    },
  },
];

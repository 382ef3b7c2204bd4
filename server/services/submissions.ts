import type { Database, Queryable } from '../db/index.js';
import { HttpProblem } from '../http/problem.js';
import type { User } from '../auth/users.js';
import { validateSubmission } from '../workers/validation.js';
import { compiledVersion } from '../questionnaire-cache.js';
import { audit } from '../queries/audit.js';
import { allows, REPLACEABLE_IN, REVIEW_ACTION } from '../auth/policy.js';
import { FINAL_STATES, INITIAL_STATE, isSubmissionState, REVIEW_STEPS, type ReviewAction, type SubmissionState } from '../../common/lifecycle.js';
import type { Submission } from '../../common/submission.js';
import { holdsCase, interviewsOnCase, lockAssignment } from '../queries/assignments.js';
import {
  insertSubmissionWithAudit,
  instanceStatus,
  lockReviewState,
  lockVersion,
  markSuperseded,
  setReview,
  storedVersion,
  versionOwner,
} from '../queries/submissions.js';
import { submissionBatches } from './submission-batches.js';
import { contentHash } from './content-hash.js';

/**
 * The submission lifecycle as the server runs it: storing a submission (new interview or a new version
 * of one) and review steps, under the access policy. Routes call these; all SQL is in queries/.
 */

/**
 * Stores one submission: validated (JSON Schema + engine), idempotent by instanceId, a new version
 * only as the successor of the current one; the write is one transaction. Returns the HTTP status.
 */
export async function storeSubmission(db: Database, user: User, surveyId: string, b: Submission): Promise<{ status: number; body: Record<string, unknown> }> {
  const q = await compiledVersion(db, surveyId, b.questionnaire.version);
  // The content hash comes with the validation (below); a submission of an unknown version is hashed here.
  let hash = '';
  // Why a submission cannot be stored as new: unknown survey, an earlier one with this id, a closed survey.
  const explain = async (): Promise<{ status: number; body: Record<string, unknown> }> => {
    const survey = await instanceStatus(db, surveyId, b.instanceId);
    if (!survey) throw new HttpProblem('not-found', `no survey ${surveyId}`);
    // An identical resend is answered as stored, even after the survey closed.
    if (survey.content_hash !== null) {
      if (survey.content_hash === hash) return { status: 200, body: { instanceId: b.instanceId, stored: false, state: survey.submission_state } };
      throw new HttpProblem(
        'instance-id-reused',
        `instanceId ${b.instanceId} was already stored with other content; a corrected interview needs a new instanceId and deprecatedId ${b.instanceId}`,
      );
    }
    if (survey.state !== 'fieldwork') throw new HttpProblem('survey-not-in-fieldwork', `the survey is ${survey.state}: it does not take submissions`);
    throw new HttpProblem('not-stored', 'the submission could not be stored; send it again');
  };
  // The answer a resend, a closed survey or an unknown one gets, or null when nothing stands against storing.
  const earlierAnswer = () =>
    explain().catch((err) => {
      if (err instanceof HttpProblem && err.code === 'not-stored') return null;
      throw err;
    });
  if (!q || q.source.id !== b.questionnaire.id) {
    hash = contentHash(b);
    await explain().catch((err) => {
      if (err instanceof HttpProblem && err.status === 404) throw err;
    });
    throw new HttpProblem(
      'unknown-questionnaire-version',
      `questionnaire ${b.questionnaire.id} version ${b.questionnaire.version} is not published for this survey`,
    );
  }
  // Hash, validation and the check of its text: in the worker thread while the request loop is busy (validation.ts).
  const checked = await validateSubmission(q, b);
  hash = checked.hash;
  const { problems, answersText, unsafe } = checked;
  if (problems.length) {
    const earlier = await explain().catch(() => null);
    if (earlier) return earlier; // an identical resend of an interview stored under an older rule set
    throw new HttpProblem('invalid-submission', `the interview has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, { errors: problems });
  }
  if (unsafe) throw new HttpProblem('unstorable-text', `${unsafe.path} ${unsafe.message}`, { errors: [unsafe] });
  const version = (interviewId: string, enumeratorId: string, assignmentId: string | null, anyEnumerator = true) => ({
    instanceId: b.instanceId,
    interviewId,
    deprecatedId: b.deprecatedId ?? null,
    surveyId,
    questionnaireVersion: b.questionnaire.version,
    assignmentId,
    enumeratorId,
    answersText: answersText!,
    paradata: b.paradata ?? {},
    meta: b.meta ?? {},
    contentHash: hash,
    byUserId: user.id,
    anyEnumerator,
  });
  const created = (interviewId: string) => ({ status: 201, body: { instanceId: b.instanceId, interviewId, stored: true, state: INITIAL_STATE } });
  try {
    if (!b.deprecatedId) {
      if (!b.assignmentId) {
        // Not on a sample case: the enumerator must at least work on this survey (hold a case in it).
        if (user.role === 'supervisor')
          throw new HttpProblem('assignment-required', 'a supervisor submits an interview on a case of the team: name its assignmentId');
        // A new interview: one statement writes it and its audit entry atomically (no BEGIN/COMMIT), with
        // others arriving meanwhile (submission-batches.ts), and only where an enumerator holds a case in the survey.
        if (!(await submissionBatches(db).insert(version(b.instanceId, user.id, null, user.role !== 'enumerator')))) {
          // A resend, a closed survey or an unknown one is answered as such first.
          const earlier = await earlierAnswer();
          if (earlier) return earlier;
          if (!(await holdsCase(db, surveyId, user.id)))
            throw new HttpProblem('not-in-survey', 'you hold no case in this survey; ask your supervisor for an assignment');
          throw new HttpProblem('not-stored', 'the submission could not be stored; send it again');
        }
        return created(b.instanceId);
      }
      const earlier = await earlierAnswer();
      if (earlier) return earlier;
      // On a case: the case is locked while its quota is checked, so two devices cannot both take its last place.
      const onCase = await db.transaction(async (tx) => {
        const c = await lockAssignment(tx, b.assignmentId!, surveyId);
        if (!c) throw new HttpProblem('unknown-assignment', `no assignment ${b.assignmentId} in this survey`);
        // The same interview sent twice at once (a retry through another server process): the second,
        // let in after the first, is a resend, answered as one after the transaction.
        if (await storedVersion(tx, b.instanceId)) return null;
        if (!allows(user, 'submission.create', { enumeratorId: c.enumerator_id, supervisorId: c.supervisor_id })) {
          throw new HttpProblem(
            'not-your-assignment',
            user.role === 'supervisor' ? 'that case is assigned to an enumerator of another team' : 'that case is assigned to another enumerator',
          );
        }
        const n = await interviewsOnCase(tx, b.assignmentId!);
        if (n >= c.quota) {
          throw new HttpProblem(
            'quota-reached',
            `case ${b.assignmentId}${caseLabel(c.case_data)} already has ${n} interview${n === 1 ? '' : 's'} of its quota of ${c.quota}; correct the existing interview instead`,
            { assignmentId: b.assignmentId, quota: c.quota },
          );
        }
        if (!(await insertSubmissionWithAudit(tx, version(b.instanceId, user.id, b.assignmentId!)))) return null;
        return created(b.instanceId);
      });
      if (onCase) return onCase;
      const resent = await earlierAnswer();
      if (resent) return resent;
      throw new HttpProblem('not-stored', 'the survey stopped taking submissions, or this instanceId was stored meanwhile');
    }
    // A new version: answer duplicates and closed surveys first ('not-stored' here means: nothing against it).
    const earlier = await earlierAnswer();
    if (earlier) return earlier;
    return await db.transaction(async (tx) => {
      const p = await lockVersion(tx, b.deprecatedId!);
      if (!p || p.survey_id !== surveyId) throw new HttpProblem('unknown-deprecated-id', `deprecatedId ${b.deprecatedId} is not a submission of this survey`);
      if (!allows(user, 'submission.correct', { enumeratorId: p.enumerator_id, supervisorId: p.supervisor_id })) {
        throw new HttpProblem(
          'not-your-interview',
          user.role === 'supervisor'
            ? 'that interview was made by an enumerator of another team'
            : 'only the enumerator of an interview (or their supervisor) can send a new version of it',
        );
      }
      if (p.superseded)
        throw new HttpProblem(
          'stale-version',
          `submission ${b.deprecatedId} was already replaced by a newer version; fetch the current version and correct that`,
        );
      if (FINAL_STATES.includes(p.state as SubmissionState))
        throw new HttpProblem('already-approved', 'the interview was approved by HQ and cannot be replaced');
      if (!(REPLACEABLE_IN[user.role] ?? []).includes(p.state as SubmissionState)) {
        throw new HttpProblem('already-reviewed', `the interview is ${p.state.replace('_', ' ')}; a ${user.role} can replace it only after it is sent back`);
      }
      // The new version stays on the sample case of the interview it replaces.
      if (b.assignmentId && p.assignment_id && b.assignmentId !== p.assignment_id) {
        throw new HttpProblem(
          'assignment-mismatch',
          `the interview belongs to assignment ${p.assignment_id}; a new version cannot move it to ${b.assignmentId}`,
        );
      }
      await markSuperseded(tx, b.deprecatedId!);
      if (!(await insertSubmissionWithAudit(tx, version(p.interview_id, p.enumerator_id, p.assignment_id ?? b.assignmentId ?? null))))
        throw new HttpProblem('not-stored', 'the survey stopped taking submissions, or this instanceId was stored meanwhile');
      return created(p.interview_id);
    });
  } catch (err) {
    // Two devices racing: the unique keys decide; the loser gets the same answer a retry would.
    const code = (err as { code?: string }).code;
    if (code === '23505') {
      const again = await storedVersion(db, b.instanceId);
      if (again?.content_hash === hash) return { status: 200, body: { instanceId: b.instanceId, stored: false, state: again.state } };
      throw new HttpProblem('stale-version', `submission ${b.deprecatedId ?? b.instanceId} was replaced concurrently`);
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

/** The owner of a version the user may see (the policy's submission.read); 404 otherwise, as for a version that does not exist. */
export async function visibleVersion(db: Queryable, user: User, surveyId: string, instanceId: string) {
  const row = await versionOwner(db, surveyId, instanceId);
  if (!row || !allows(user, 'submission.read', { enumeratorId: row.enumerator_id, supervisorId: row.supervisor_id }))
    throw new HttpProblem('not-found', `no submission ${instanceId} you may see`);
  return row;
}

/** One review step on the current version of an interview: who may take it follows the lifecycle and the policy. */
export async function reviewSubmission(
  db: Database,
  user: User,
  surveyId: string,
  instanceId: string,
  b: { action: ReviewAction; comments?: Record<string, string>; note?: string },
): Promise<SubmissionState> {
  if (b.action === 'reject' && !b.note && !Object.keys(b.comments ?? {}).length)
    throw new HttpProblem('comment-required', 'a rejection needs a note or comments at the questions to correct');
  const owner = await visibleVersion(db, user, surveyId, instanceId);
  return db.transaction(async (tx) => {
    const { state: from, superseded } = await lockReviewState(tx, instanceId);
    if (superseded) throw new HttpProblem('stale-version', 'a newer version of this interview exists; review that one');
    const step = isSubmissionState(from) ? REVIEW_STEPS[from]?.[b.action] : undefined;
    if (!step) throw new HttpProblem('illegal-transition', `a submission in state ${from} cannot be ${b.action === 'approve' ? 'approved' : 'rejected'}`);
    const [level, to] = step;
    if (!allows(user, REVIEW_ACTION[level], { enumeratorId: owner.enumerator_id, supervisorId: owner.supervisor_id })) {
      const who = level === 'first' ? (owner.supervisor_id ? "the enumerator's supervisor" : 'HQ (the enumerator has no supervisor)') : 'HQ (a statistician)';
      throw new HttpProblem('illegal-transition', `a ${user.role} cannot ${b.action} a submission in state ${from}: that is for ${who}`);
    }
    const review = {
      by: user.id,
      byName: user.username,
      role: user.role,
      at: new Date().toISOString(),
      action: b.action,
      comments: b.comments ?? {},
      note: b.note ?? '',
    };
    await setReview(tx, instanceId, to, review);
    await audit(tx, user, b.action, 'submission', instanceId, { from, to, comments: b.comments ?? {} });
    return to;
  });
}

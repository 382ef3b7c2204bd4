import { bodyValidator, intParameter, schemaErrors, UUID_PATTERN, type RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { PROBLEMS } from '../http/problems.js';
import { isSubmissionState, SUBMISSION_STATES } from '../../common/lifecycle.js';
import { SUBMISSION_ENVELOPE_SCHEMA, type Submission } from '../../common/submission.js';
import { reviewSubmission, storeSubmission, visibleVersion } from '../services/submissions.js';
import { interviewHistory, listVersions, versionWithAnswers } from '../queries/submissions.js';
import { readMedia, storeMedia } from '../services/media.js';
import { MAX_MEDIA_BYTES } from '../../questionnaires/index.js';

const SUBMISSION_SCHEMA = SUBMISSION_ENVELOPE_SCHEMA;

const validSubmission = bodyValidator(SUBMISSION_SCHEMA);

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
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['submissions'],
      properties: { format: { const: 'mdsurvey-rescue-1' }, exportedAt: { type: 'string' }, submissions: { type: 'array', maxItems: 500 } },
    },
    async handler({ db, user, params, body, req }) {
      const results = [];
      const items = (body as { submissions: unknown[] }).submissions;
      for (let index = 0; index < items.length; index++) {
        const s = items[index] as Submission;
        const instanceId = typeof s === 'object' && s !== null && typeof s.instanceId === 'string' ? s.instanceId : null;
        try {
          if (!validSubmission(s)) {
            const errors = schemaErrors(validSubmission.errors);
            throw new HttpProblem('invalid-body', `item ${index} is not a submission: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, { errors });
          }
          const r = await storeSubmission(db, user, params.surveyId, s);
          results.push({ index, instanceId, status: r.status, stored: r.body.stored });
        } catch (err) {
          if (err instanceof HttpProblem) results.push({ index, instanceId, status: err.status, code: err.code, detail: err.message, ...err.extensions });
          else {
            // Unexpected: logged; the item is reported as not stored (to be sent again), the others go on.
            req.log?.error({ err, index }, 'rescue item failed');
            results.push({ index, instanceId, status: PROBLEMS.retry, code: 'retry', detail: 'this interview could not be stored; send it again' });
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
      if (query.state !== undefined && !isSubmissionState(query.state))
        throw new HttpProblem('bad-parameter', `state must be one of ${SUBMISSION_STATES.join(', ')}`);
      // Keyset paging: ?after=<instanceId of the last row seen> (offsets would be quadratic over a survey).
      if (query.after !== undefined && !UUID_PATTERN.test(query.after))
        throw new HttpProblem('bad-parameter', 'after must be the instanceId of the last submission of the previous page');
      const limit = intParameter(query, 'limit', 500, 1, 5000);
      const rows = await listVersions(db, params.surveyId, {
        state: query.state || undefined,
        // What each role may list (the policy's submission.read): own, team's, or all.
        ...(user.role === 'enumerator' ? { enumeratorId: user.id } : user.role === 'supervisor' ? { supervisorId: user.id } : {}),
        after: query.after,
        limit,
        offset: intParameter(query, 'offset', 0, 0, 100_000),
      });
      return { body: { submissions: rows, ...(rows.length === limit ? { next: rows[rows.length - 1].instanceId } : {}) } };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/submissions/:instanceId',
    tag: 'submissions',
    summary: 'Show a submission',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator'],
    async handler({ db, user, params }) {
      await visibleVersion(db, user, params.surveyId, params.instanceId);
      return { body: { submission: await versionWithAnswers(db, params.instanceId) } };
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
      properties: {
        action: { enum: ['approve', 'reject'] },
        comments: { type: 'object', additionalProperties: { type: 'string', maxLength: 2000 } },
        note: { type: 'string', maxLength: 5000 },
      },
    },
    async handler({ db, user, params, body }) {
      const state = await reviewSubmission(
        db,
        user,
        params.surveyId,
        params.instanceId,
        body as { action: 'approve' | 'reject'; comments?: Record<string, string>; note?: string },
      );
      return { body: { instanceId: params.instanceId, state } };
    },
  },
  {
    method: 'put',
    path: '/surveys/:surveyId/submissions/:instanceId/media/:name',
    tag: 'submissions',
    summary: 'Upload the file of a media answer',
    roles: ['enumerator', 'supervisor', 'admin'],
    textParams: ['name'],
    // The file in base64 (a JSON body like every other); the submission must be stored first.
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['contentType', 'data'],
      properties: {
        contentType: { type: 'string', minLength: 3, maxLength: 100 },
        data: { type: 'string', minLength: 4, maxLength: Math.ceil(MAX_MEDIA_BYTES / 3) * 4 },
      },
    },
    async handler({ db, user, params, body }) {
      return storeMedia(db, user, params.surveyId, params.instanceId, params.name, body as { contentType: string; data: string });
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/submissions/:instanceId/media/:name',
    tag: 'submissions',
    summary: 'Download the file of a media answer',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator'],
    textParams: ['name'],
    async handler({ db, user, params, res }) {
      const file = await readMedia(db, user, params.surveyId, params.instanceId, params.name);
      res
        .status(200)
        .type(file.servedType)
        .setHeader('Content-Disposition', `attachment; filename="${file.name}"`)
        .setHeader('Content-Security-Policy', "default-src 'none'; sandbox")
        .setHeader('Cache-Control', 'private, max-age=3600')
        .send(Buffer.from(file.data));
      return undefined;
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/submissions/:instanceId/history',
    tag: 'review',
    summary: 'Show the audit history of a submission',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator'],
    async handler({ db, user, params }) {
      await visibleVersion(db, user, params.surveyId, params.instanceId);
      return { body: { history: await interviewHistory(db, params.instanceId) } };
    },
  },
];

import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { compileQuestionnaire, libraryItem, QuestionnaireError, type Questionnaire } from '../../questionnaires/index.js';
import { audit } from './audit.js';
import { CASE_FIELD_ROLES } from '../survey-dataset.js';

/** Survey settings as stored: free-form, but the declared roles of case-data fields must be known roles. */
const SETTINGS_SCHEMA = {
  type: 'object',
  properties: { caseFields: { type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_.]{0,63}$' }, additionalProperties: { enum: [...CASE_FIELD_ROLES] } } },
} as const;

const STATES = ['draft', 'fieldwork', 'closed'] as const;
const TRANSITIONS: Record<string, string[]> = { draft: ['fieldwork'], fieldwork: ['closed'], closed: [] };

/** A questionnaire given inline or as a library id; it must compile. */
function questionnaireFrom(value: unknown): Questionnaire {
  const q = typeof value === 'string' ? libraryItem(value) : value;
  if (!q) throw new HttpProblem(422, 'unknown-questionnaire', `no library questionnaire "${String(value)}"`);
  try {
    compileQuestionnaire(q);
  } catch (err) {
    if (err instanceof QuestionnaireError) throw new HttpProblem(422, 'invalid-questionnaire', 'the questionnaire does not compile', { errors: err.problems });
    throw err;
  }
  return q as Questionnaire;
}

const SURVEY_FIELDS = 's.id, s.title, s.state, s.settings, s.created_at AS "createdAt"';

async function surveyOr404(db: Parameters<RouteSpec['handler']>[0]['db'], id: string) {
  const r = await db.query<{ id: string; title: string; state: string; settings: unknown }>(`SELECT ${SURVEY_FIELDS} FROM surveys s WHERE s.id = $1`, [id]);
  if (!r.rows[0]) throw new HttpProblem(404, 'not-found', `no survey ${id}`);
  return r.rows[0];
}

/** Surveys, their questionnaire versions and assignments. */
export const surveyRoutes: RouteSpec[] = [
  {
    method: 'post',
    path: '/surveys',
    tag: 'surveys',
    summary: 'Create a survey',
    roles: ['admin', 'statistician'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['title', 'questionnaire'],
      properties: { title: { type: 'string', minLength: 1, maxLength: 300 }, questionnaire: { type: ['object', 'string'] }, settings: SETTINGS_SCHEMA },
    },
    async handler({ db, body, user }) {
      const b = body as { title: string; questionnaire: unknown; settings?: Record<string, unknown> };
      const q = questionnaireFrom(b.questionnaire);
      const survey = await db.transaction(async (tx) => {
        const s = await tx.query<{ id: string }>('INSERT INTO surveys (title, settings, created_by) VALUES ($1, $2, $3) RETURNING id', [b.title, JSON.stringify(b.settings ?? {}), user.id]);
        const id = s.rows[0].id;
        await tx.query('INSERT INTO questionnaire_versions (survey_id, version, questionnaire_id, definition, published_by) VALUES ($1, $2, $3, $4, $5)', [id, q.version, q.id, JSON.stringify(q), user.id]);
        await audit(tx, user, 'create', 'survey', id, { questionnaire: q.id, version: q.version });
        return id;
      });
      return { status: 201, body: { survey: await surveyOr404(db, survey), questionnaire: { id: q.id, version: q.version } } };
    },
  },
  {
    method: 'get',
    path: '/surveys',
    tag: 'surveys',
    summary: 'List surveys',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator', 'analyst'],
    async handler({ db }) {
      const r = await db.query(`SELECT ${SURVEY_FIELDS}, (SELECT json_agg(json_build_object('id', v.questionnaire_id, 'version', v.version) ORDER BY v.published_at) FROM questionnaire_versions v WHERE v.survey_id = s.id) AS questionnaires FROM surveys s ORDER BY s.created_at`);
      return { body: { surveys: r.rows } };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId',
    tag: 'surveys',
    summary: 'Show a survey',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator', 'analyst'],
    async handler({ db, params }) {
      const survey = await surveyOr404(db, params.surveyId);
      const v = await db.query('SELECT questionnaire_id AS id, version, published_at AS "publishedAt" FROM questionnaire_versions WHERE survey_id = $1 ORDER BY published_at', [params.surveyId]);
      return { body: { survey, questionnaires: v.rows } };
    },
  },
  {
    method: 'patch',
    path: '/surveys/:surveyId',
    tag: 'surveys',
    summary: 'Change the state or settings of a survey',
    roles: ['admin', 'statistician'],
    body: { type: 'object', additionalProperties: false, properties: { state: { enum: [...STATES] }, settings: SETTINGS_SCHEMA, title: { type: 'string', minLength: 1 } } },
    async handler({ db, params, body, user }) {
      const b = body as { state?: string; settings?: Record<string, unknown>; title?: string };
      await db.transaction(async (tx) => {
        const r = await tx.query<{ state: string }>('SELECT state FROM surveys WHERE id = $1 FOR UPDATE', [params.surveyId]);
        if (!r.rows[0]) throw new HttpProblem(404, 'not-found', `no survey ${params.surveyId}`);
        const from = r.rows[0].state;
        if (b.state && b.state !== from && !TRANSITIONS[from].includes(b.state)) throw new HttpProblem(409, 'illegal-transition', `a survey in ${from} cannot go to ${b.state}`);
        await tx.query('UPDATE surveys SET state = COALESCE($2, state), settings = COALESCE($3, settings), title = COALESCE($4, title) WHERE id = $1', [params.surveyId, b.state ?? null, b.settings ? JSON.stringify(b.settings) : null, b.title ?? null]);
        await audit(tx, user, 'update', 'survey', params.surveyId, { from, ...b });
      });
      return { body: { survey: await surveyOr404(db, params.surveyId) } };
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/questionnaires',
    tag: 'surveys',
    summary: 'Publish a questionnaire version',
    roles: ['admin', 'statistician'],
    body: { type: 'object', additionalProperties: false, required: ['questionnaire'], properties: { questionnaire: { type: ['object', 'string'] } } },
    async handler({ db, params, body, user }) {
      await surveyOr404(db, params.surveyId);
      const q = questionnaireFrom((body as { questionnaire: unknown }).questionnaire);
      await db.transaction(async (tx) => {
        const first = await tx.query<{ questionnaire_id: string }>('SELECT questionnaire_id FROM questionnaire_versions WHERE survey_id = $1 LIMIT 1', [params.surveyId]);
        if (first.rows[0] && first.rows[0].questionnaire_id !== q.id) throw new HttpProblem(409, 'other-questionnaire', `this survey fields questionnaire "${first.rows[0].questionnaire_id}", not "${q.id}"`);
        const r = await tx.query('INSERT INTO questionnaire_versions (survey_id, version, questionnaire_id, definition, published_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [params.surveyId, q.version, q.id, JSON.stringify(q), user.id]);
        // Published versions are immutable: the same version number cannot be published twice.
        if (!r.rowCount) throw new HttpProblem(409, 'version-exists', `version ${q.version} is already published; publish a new version number`);
        await audit(tx, user, 'publish', 'questionnaire', `${params.surveyId}/${q.version}`, { id: q.id });
      });
      return { status: 201, body: { questionnaire: { id: q.id, version: q.version } } };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/questionnaires/:version',
    tag: 'surveys',
    summary: 'Get a questionnaire version',
    textParams: ['version'],
    roles: ['admin', 'statistician', 'supervisor', 'enumerator', 'analyst'],
    async handler({ db, params }) {
      const r = await db.query<{ definition: unknown }>('SELECT definition FROM questionnaire_versions WHERE survey_id = $1 AND version = $2', [params.surveyId, params.version]);
      if (!r.rows[0]) throw new HttpProblem(404, 'not-found', `no version ${params.version} of survey ${params.surveyId}`);
      return { body: { questionnaire: r.rows[0].definition } };
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/assignments',
    tag: 'assignments',
    summary: 'Assign cases to enumerators',
    roles: ['admin', 'statistician', 'supervisor'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['assignments'],
      properties: {
        assignments: {
          type: 'array',
          minItems: 1,
          maxItems: 5000,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['enumeratorId'],
            properties: { enumeratorId: { type: 'string', format: 'uuid' }, case: { type: 'object' }, quota: { type: 'integer', minimum: 1, maximum: 1000 } },
          },
        },
      },
    },
    async handler({ db, params, body, user }) {
      await surveyOr404(db, params.surveyId);
      const list = (body as { assignments: { enumeratorId: string; case?: unknown; quota?: number }[] }).assignments;
      const ids = await db.transaction(async (tx) => {
        const out: string[] = [];
        for (const a of list) {
          const e = await tx.query<{ role: string; supervisor_id: string | null }>('SELECT role, supervisor_id FROM users WHERE id = $1', [a.enumeratorId]);
          if (e.rows[0]?.role !== 'enumerator') throw new HttpProblem(422, 'not-an-enumerator', `user ${a.enumeratorId} is not an enumerator`);
          if (user.role === 'supervisor' && e.rows[0].supervisor_id !== user.id) throw new HttpProblem(403, 'not-your-team', `enumerator ${a.enumeratorId} is not in your team`);
          const r = await tx.query<{ id: string }>('INSERT INTO assignments (survey_id, enumerator_id, case_data, quota) VALUES ($1, $2, $3, $4) RETURNING id', [params.surveyId, a.enumeratorId, JSON.stringify(a.case ?? {}), a.quota ?? 1]);
          out.push(r.rows[0].id);
        }
        await audit(tx, user, 'assign', 'survey', params.surveyId, { count: out.length });
        return out;
      });
      return { status: 201, body: { assignments: ids } };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/assignments',
    tag: 'assignments',
    summary: 'List assignments',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator'],
    async handler({ db, params, user }) {
      const base = `SELECT a.id, a.enumerator_id AS "enumeratorId", a.case_data AS "case", a.quota, a.created_at AS "createdAt",
        (SELECT count(*)::int FROM submissions s WHERE s.assignment_id = a.id AND NOT s.superseded) AS submitted
        FROM assignments a JOIN users u ON u.id = a.enumerator_id WHERE a.survey_id = $1`;
      const r =
        user.role === 'enumerator'
          ? await db.query(`${base} AND a.enumerator_id = $2 ORDER BY a.created_at`, [params.surveyId, user.id])
          : user.role === 'supervisor'
            ? await db.query(`${base} AND u.supervisor_id = $2 ORDER BY a.created_at`, [params.surveyId, user.id])
            : await db.query(`${base} ORDER BY a.created_at`, [params.surveyId]);
      return { body: { assignments: r.rows } };
    },
  },
];

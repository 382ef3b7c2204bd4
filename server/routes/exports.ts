import { stringify } from 'csv-stringify';
import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { codebookOf, columnsOf, flattenInterview, levelsOf, type CompiledQuestionnaire } from '../../questionnaires/index.js';
import { compiledVersion } from '../questionnaire-cache.js';
import type { Database } from '../db/index.js';
import type { Role } from '../auth/users.js';

/** Roles that may see direct identifiers in exports; analysts never do. */
const SEE_IDENTIFIERS: readonly Role[] = ['admin', 'statistician'];
const STATES = ['completed', 'supervisor_approved', 'rejected', 'hq_approved'];

async function latestVersion(db: Database, surveyId: string): Promise<CompiledQuestionnaire> {
  const r = await db.query<{ version: string }>('SELECT version FROM questionnaire_versions WHERE survey_id = $1 ORDER BY published_at DESC LIMIT 1', [surveyId]);
  if (!r.rows[0]) throw new HttpProblem(404, 'not-found', `no survey ${surveyId}`);
  return (await compiledVersion(db, surveyId, r.rows[0].version))!;
}

function statesOf(query: Record<string, string>): string[] {
  const states = (query.states ?? 'supervisor_approved,hq_approved').split(',').map((s) => s.trim());
  const bad = states.find((s) => !STATES.includes(s));
  if (bad) throw new HttpProblem(400, 'bad-parameter', `unknown state "${bad}" in states`);
  return states;
}

/** Approved interviews as one CSV per level, and the codebook. */
export const exportRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/surveys/:surveyId/export',
    tag: 'exports',
    summary: 'List the export tables',
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, user }) {
      const q = await latestVersion(db, params.surveyId);
      const withIds = SEE_IDENTIFIERS.includes(user.role);
      return {
        body: {
          levels: levelsOf(q).map((l) => ({ name: l.name, keys: l.keys, columns: columnsOf(l, withIds).map((c) => c.name), href: `/api/v1/surveys/${params.surveyId}/export/${l.name}.csv` })),
          identifiersIncluded: withIds,
        },
      };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/export/codebook.json',
    tag: 'exports',
    summary: 'Get the codebook',
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, user }) {
      const q = await latestVersion(db, params.surveyId);
      const withIds = SEE_IDENTIFIERS.includes(user.role);
      return { body: { questionnaire: { id: q.source.id, version: q.source.version }, variables: codebookOf(q).filter((v) => withIds || !v.identifier) } };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/export/:level.csv',
    tag: 'exports',
    summary: 'Export one level as CSV',
    textParams: ['level'],
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, user, query, res }) {
      const q = await latestVersion(db, params.surveyId);
      const level = levelsOf(q).find((l) => l.name === params.level);
      if (!level) throw new HttpProblem(404, 'not-found', `no level "${params.level}" (levels: ${levelsOf(q).map((l) => l.name).join(', ')})`);
      const states = statesOf(query);
      const withIds = SEE_IDENTIFIERS.includes(user.role);
      const columns = [...level.keys, ...columnsOf(level, withIds).map((c) => c.name)];
      res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${level.name}.csv"`);
      const csv = stringify({ header: true, columns });
      csv.pipe(res);
      // Page through the interviews so memory stays flat whatever the survey size.
      const page = 500;
      for (let offset = 0; ; offset += page) {
        const r = await db.query<{ interview_id: string; answers: Record<string, unknown> | string }>(
          `SELECT interview_id, answers FROM submissions WHERE survey_id = $1 AND NOT superseded AND state = ANY($2) ORDER BY received_at, instance_id LIMIT ${page} OFFSET ${offset}`,
          [params.surveyId, states],
        );
        for (const row of r.rows) {
          const answers = typeof row.answers === 'string' ? JSON.parse(row.answers) : row.answers;
          for (const out of flattenInterview(level, row.interview_id, answers, withIds)) {
            if (!csv.write(out)) await new Promise((resolve) => csv.once('drain', resolve));
          }
        }
        if (r.rows.length < page) break;
      }
      csv.end();
      await new Promise((resolve) => res.once('finish', resolve));
      return undefined;
    },
  },
];

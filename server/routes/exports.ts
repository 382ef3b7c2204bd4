import { stringify } from 'csv-stringify';
import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { codebookOf, columnsOf, flattenInterview, levelsOf, type CompiledQuestionnaire } from '../../questionnaires/index.js';
import { compiledVersion } from '../questionnaire-cache.js';
import type { Database } from '../db/index.js';
import type { Role } from '../auth/users.js';
import { InputError } from '../../common/errors.js';
import { computeIndicators, shippedCatalogue } from '../../analysis/index.js';
import { datasetZip, surveyDataset, type SurveyDesignSettings } from '../survey-dataset.js';

async function surveySettings(db: Database, surveyId: string): Promise<{ design?: SurveyDesignSettings }> {
  const r = await db.query<{ settings: Record<string, unknown> | string }>('SELECT settings FROM surveys WHERE id = $1', [surveyId]);
  if (!r.rows[0]) throw new HttpProblem(404, 'not-found', `no survey ${surveyId}`);
  const settings = typeof r.rows[0].settings === 'string' ? JSON.parse(r.rows[0].settings) : r.rows[0].settings;
  return settings ?? {};
}

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
  {
    method: 'get',
    path: '/surveys/:surveyId/export/dataset.zip',
    tag: 'exports',
    summary: 'Export the survey dataset (design.json, codebook.json, one CSV per level) as a zip',
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, user, query, res }) {
      const q = await latestVersion(db, params.surveyId);
      const { dataset, rows } = await surveyDataset(db, params.surveyId, q, { withIdentifiers: SEE_IDENTIFIERS.includes(user.role), states: statesOf(query), settings: await surveySettings(db, params.surveyId) });
      const zip = await datasetZip(dataset, rows);
      res.status(200).type('application/zip').setHeader('Content-Disposition', `attachment; filename="${q.source.id}-${q.source.version}-dataset.zip"`);
      res.end(zip);
      return undefined;
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/indicators',
    tag: 'exports',
    summary: 'The indicator catalogue on the approved interviews, by group (?compare=hh_migration_status&by=region)',
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, query }) {
      const q = await latestVersion(db, params.surveyId);
      const settings = await surveySettings(db, params.surveyId);
      if (!settings.design?.weights) throw new HttpProblem(409, 'no-design', 'the survey settings name no design: PATCH settings.design with at least "weights" (a column of the assignments\' case data)');
      const { dataset } = await surveyDataset(db, params.surveyId, q, { withIdentifiers: false, states: statesOf(query), settings });
      try {
        const report = computeIndicators(dataset, shippedCatalogue(), {
          compare: query.compare || undefined,
          reference: query.reference || undefined,
          by: query.by ? query.by.split(',').map((b) => b.trim()).filter(Boolean) : [],
        });
        // Suppressed estimates are not served: the API is for analysts (no restricted tier).
        return { body: { ...report, rows: report.rows.map((r) => (r.flags.includes('suppressed') ? { ...r, estimate: null, se: null, ci: null, cv: null, difference: null } : r)) } };
      } catch (err) {
        if (err instanceof InputError) throw new HttpProblem(422, err.code, err.message);
        throw err;
      }
    },
  },
];

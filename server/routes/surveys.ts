import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import {
  compileQuestionnaire,
  composeQuestionnaire,
  CompositionError,
  LIBRARY_MODULES,
  libraryItem,
  libraryQuestionnaires,
  QuestionnaireError,
  readAttachmentCsv,
  readXlsformWorkbook,
  xlsformToQuestionnaire,
  XlsformError,
  type Questionnaire,
} from '../../questionnaires/index.js';
import { audit } from '../queries/audit.js';
import {
  fieldedQuestionnaireId,
  insertQuestionnaireVersion,
  insertSurvey,
  listSurveys,
  lockSurveyState,
  questionnaireDefinition,
  questionnaireVersions,
  surveyById,
  updateSurvey,
} from '../queries/surveys.js';
import { insertAssignment, insertVisit, listAssignments, lockAssignment } from '../queries/assignments.js';
import { DISPOSITION_CODES } from '../../common/dispositions.js';
import { userById } from '../queries/users.js';
import { CASE_FIELD_ROLES, surveyLocalCurrency } from '../survey-dataset.js';
import { exchangeRatesOf, putExchangeRates } from '../queries/exchange-rates.js';
import { MAX_RATE_FILE_BYTES, parseExchangeRates } from '../../analysis/index.js';
import { InputError } from '../../common/errors.js';
import { importAssignments, type AssignmentImport } from '../services/assignments-import.js';
import { caseOutcomes, fieldworkProgress } from '../services/progress.js';
import { drawSample } from '../services/sample-draw.js';
import { closeListing, screeningStatus, startScreening, type ScreeningStart } from '../services/screening.js';
import { attachedWeights, surveyWeights, type WeightsRequest } from '../services/weights.js';
import { stringify } from 'csv-stringify/sync';
import { neutraliseFormula } from '../spreadsheet-safety.js';

const COLUMN = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.]{0,63}$' } as const;

/** Survey settings as stored: free-form, but the declared roles of case-data fields must be known roles and the design a known shape. */
const SETTINGS_SCHEMA = {
  type: 'object',
  properties: {
    // The price basis of the survey's money figures (`current prices, June 2026`); the currency is the questionnaire's local_currency.
    money: { type: 'object', additionalProperties: false, properties: { priceBasis: { type: 'string', minLength: 1, maxLength: 200 } } },
    caseFields: { type: 'object', propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_.]{0,63}$' }, additionalProperties: { enum: [...CASE_FIELD_ROLES] } },
    // The sample design of the dataset (docs: README "Survey settings"): columns of the household file,
    // from the case data or the questionnaire. Unknown keys are refused (a `weight` for `weights` would
    // otherwise be ignored and the weights silently taken from a column named "weight").
    design: {
      type: 'object',
      additionalProperties: false,
      properties: {
        weights: COLUMN,
        strata: COLUMN,
        ids: { type: 'array', items: COLUMN, minItems: 1, maxItems: 3 },
        fpc: { type: 'array', items: COLUMN, minItems: 1, maxItems: 3 },
        nest: { type: 'boolean' },
        lonelyPsu: { enum: ['fail', 'remove', 'certainty', 'adjust', 'average'] },
        variableMap: { type: 'object', propertyNames: COLUMN, additionalProperties: COLUMN },
      },
    },
  },
} as const;

const STATES = ['draft', 'fieldwork', 'closed'] as const;
const TRANSITIONS: Record<string, string[]> = { draft: ['fieldwork'], fieldwork: ['closed'], closed: ['fieldwork'] };
/** Reopening a closed survey (late interviews, a revisit) is an admin's decision, and is audited as such. */
const ADMIN_ONLY: Record<string, string> = { 'closed>fieldwork': 'reopening a closed survey' };

/** A questionnaire given inline or as a library id; it must compile. */
function questionnaireFrom(value: unknown): Questionnaire {
  const q = typeof value === 'string' ? libraryItem(value) : value;
  if (!q) throw new HttpProblem('unknown-questionnaire', `no library questionnaire "${String(value)}"`);
  try {
    compileQuestionnaire(q);
  } catch (err) {
    if (err instanceof QuestionnaireError) throw new HttpProblem('invalid-questionnaire', 'the questionnaire does not compile', { errors: err.problems });
    throw err;
  }
  return q as Questionnaire;
}

async function surveyOr404(db: Parameters<RouteSpec['handler']>[0]['db'], id: string) {
  const survey = await surveyById(db, id);
  if (!survey) throw new HttpProblem('not-found', `no survey ${id}`);
  return survey;
}

/** Surveys, their questionnaire versions and assignments. */
export const surveyRoutes: RouteSpec[] = [
  {
    method: 'get',
    path: '/library',
    tag: 'surveys',
    summary: 'List the library questionnaires and modules a survey can start from',
    roles: ['admin', 'statistician'],
    async handler() {
      const describe = (q: Questionnaire, kind: 'questionnaire' | 'module') => ({
        id: q.id,
        version: q.version,
        title: q.title,
        kind,
        settings: q.settings ?? {},
      });
      return { body: { library: [...libraryQuestionnaires().map((q) => describe(q, 'questionnaire')), ...LIBRARY_MODULES.map((m) => describe(m, 'module'))] } };
    },
  },
  {
    method: 'post',
    path: '/compose',
    tag: 'surveys',
    summary:
      "Compose library modules into a host questionnaire (the CLI's questionnaire compose): the questionnaire, or every clash and missing binding listed",
    roles: ['admin', 'statistician'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['host', 'modules'],
      properties: {
        host: { type: 'string', minLength: 1, maxLength: 100 },
        modules: { type: 'array', maxItems: 30, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 100 } },
        // Module name -> host name for the bound items whose names differ (members -> persons, age -> q_age).
        mapping: { type: 'object', maxProperties: 100, propertyNames: COLUMN, additionalProperties: COLUMN },
        id: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$' },
        title: { type: 'string', minLength: 1, maxLength: 300 },
      },
    },
    async handler({ body }) {
      const b = body as { host: string; modules: string[]; mapping?: Record<string, string>; id?: string; title?: string };
      const host = libraryItem(b.host);
      const missing = [b.host, ...b.modules].filter((id) => !libraryItem(id));
      if (!host || missing.length)
        throw new HttpProblem('unknown-questionnaire', `not in the library: ${missing.join(', ')}`, {
          errors: missing.map((id) => ({ path: id === b.host ? 'host' : `modules ${id}`, message: `no library questionnaire or module "${id}"` })),
        });
      if (b.modules.length === 0) throw new HttpProblem('invalid-body', 'pick at least one module to add', { errors: [{ path: 'modules', message: 'empty' }] });
      try {
        const q = composeQuestionnaire(
          host,
          b.modules.map((id) => libraryItem(id)!),
          { mapping: b.mapping ?? {}, ...(b.id ? { id: b.id } : {}), ...(b.title ? { title: b.title } : {}) },
        );
        const compiled = compileQuestionnaire(q);
        return {
          body: {
            questionnaire: q,
            summary: {
              questions: compiled.fields.filter((f) => f.item.kind === 'question').length,
              rosters: compiled.fields.filter((f) => f.item.kind === 'roster').map((f) => f.name),
            },
          },
        };
      } catch (err) {
        if (err instanceof CompositionError)
          throw new HttpProblem('invalid-questionnaire', `the modules do not fit the host: ${err.problems.length} problem(s)`, {
            errors: err.problems.map((p) => ({ path: 'compose', message: p })),
          });
        if (err instanceof QuestionnaireError)
          throw new HttpProblem('invalid-questionnaire', 'the composed questionnaire does not compile', { errors: err.problems });
        throw err;
      }
    },
  },
  {
    method: 'post',
    path: '/xlsform',
    tag: 'surveys',
    summary: 'Convert an XLSForm workbook (and its CSV attachments) to a questionnaire, with the warnings of what was left aside',
    roles: ['admin', 'statistician'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['workbook'],
      properties: {
        // The .xlsx or .xls file in base64; attachments by file name (choices of select_one_from_file, pulldata data).
        workbook: { type: 'string', minLength: 4 },
        fileName: { type: 'string', maxLength: 200 },
        attachments: {
          type: 'object',
          maxProperties: 20,
          propertyNames: { pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$' },
          additionalProperties: { type: 'string' },
        },
      },
    },
    async handler({ body }) {
      const b = body as { workbook: string; fileName?: string; attachments?: Record<string, string> };
      const warnings: string[] = [];
      try {
        const model = await readXlsformWorkbook(new Uint8Array(Buffer.from(b.workbook, 'base64')));
        const q = xlsformToQuestionnaire(
          model,
          (b.fileName ?? 'form').replace(/\.xlsx?$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_') || 'form',
          (w) => warnings.push(w),
          (name) =>
            b.attachments && Object.hasOwn(b.attachments, name) ? readAttachmentCsv(name, new Uint8Array(Buffer.from(b.attachments[name], 'base64'))) : null,
        );
        compileQuestionnaire(q);
        return { body: { questionnaire: q, warnings } };
      } catch (err) {
        if (err instanceof XlsformError)
          throw new HttpProblem('xlsform-unsupported', err.message, {
            errors: err.problems.map((p) => ({ path: p.where ?? 'workbook', message: p.message })),
            warnings,
          });
        if (err instanceof QuestionnaireError)
          throw new HttpProblem('invalid-questionnaire', 'the workbook converts to a questionnaire that does not compile', { errors: err.problems, warnings });
        throw err;
      }
    },
  },
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
        const id = await insertSurvey(tx, b.title, b.settings ?? {}, user.id);
        await insertQuestionnaireVersion(tx, id, q, q, user.id);
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
    async handler({ db, user }) {
      // Enumerators see the surveys where they hold cases (nothing else is theirs to do).
      return { body: { surveys: await listSurveys(db, user.role === 'enumerator' ? user.id : undefined) } };
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
      return { body: { survey, questionnaires: await questionnaireVersions(db, params.surveyId) } };
    },
  },
  {
    method: 'patch',
    path: '/surveys/:surveyId',
    tag: 'surveys',
    summary: 'Change the state or settings of a survey',
    roles: ['admin', 'statistician'],
    body: {
      type: 'object',
      additionalProperties: false,
      properties: { state: { enum: [...STATES] }, settings: SETTINGS_SCHEMA, title: { type: 'string', minLength: 1 } },
    },
    async handler({ db, params, body, user }) {
      const b = body as { state?: string; settings?: Record<string, unknown>; title?: string };
      await db.transaction(async (tx) => {
        const from = await lockSurveyState(tx, params.surveyId);
        if (!from) throw new HttpProblem('not-found', `no survey ${params.surveyId}`);
        if (b.state && b.state !== from && !TRANSITIONS[from].includes(b.state))
          throw new HttpProblem('illegal-transition', `a survey in ${from} cannot go to ${b.state}`);
        const restricted = b.state && ADMIN_ONLY[`${from}>${b.state}`];
        if (restricted && user.role !== 'admin') throw new HttpProblem('illegal-transition', `${restricted} is for an admin`);
        await updateSurvey(tx, params.surveyId, b);
        await audit(tx, user, 'update', 'survey', params.surveyId, { from, ...b });
      });
      return { body: { survey: await surveyOr404(db, params.surveyId) } };
    },
  },
  {
    method: 'put',
    path: '/surveys/:surveyId/exchange-rates',
    tag: 'surveys',
    summary: 'Replace the exchange-rate table (CSV text: currency,period,to_local,to_usd) that converts every amount before sums and ratios',
    roles: ['admin', 'statistician'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['csv'],
      properties: { csv: { type: 'string', minLength: 1, maxLength: MAX_RATE_FILE_BYTES } },
    },
    async handler({ db, params, body, user }) {
      await surveyOr404(db, params.surveyId);
      const csv = (body as { csv: string }).csv;
      const local = await surveyLocalCurrency(db, params.surveyId);
      let rates;
      try {
        rates = parseExchangeRates(csv, local, 'exchange-rates.csv');
      } catch (err) {
        if (err instanceof InputError) throw new HttpProblem('bad-exchange-rates', err.message, { where: err.where });
        throw err;
      }
      const currencies = [...new Set(rates.map((r) => r.currency))].sort();
      await db.transaction(async (tx) => {
        await putExchangeRates(tx, params.surveyId, rates, csv, user.id);
        await audit(tx, user, 'update', 'exchange-rates', params.surveyId, { rows: rates.length, currencies });
      });
      return { body: { localCurrency: local, rates: rates.length, currencies } };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/exchange-rates',
    tag: 'surveys',
    summary: 'The exchange-rate table of the survey, as CSV',
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, res }) {
      await surveyOr404(db, params.surveyId);
      const stored = await exchangeRatesOf(db, params.surveyId);
      if (!stored) throw new HttpProblem('not-found', `survey ${params.surveyId} has no exchange-rate table yet (PUT one)`);
      res.status(200).type('text/csv; charset=utf-8').send(stored.csv);
      return undefined;
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
        const fielded = await fieldedQuestionnaireId(tx, params.surveyId);
        if (fielded && fielded !== q.id) throw new HttpProblem('other-questionnaire', `this survey fields questionnaire "${fielded}", not "${q.id}"`);
        // Published versions are immutable: the same version number cannot be published twice.
        if (!(await insertQuestionnaireVersion(tx, params.surveyId, q, q, user.id)))
          throw new HttpProblem('version-exists', `version ${q.version} is already published; publish a new version number`);
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
      const definition = await questionnaireDefinition(db, params.surveyId, params.version);
      if (definition === undefined) throw new HttpProblem('not-found', `no version ${params.version} of survey ${params.surveyId}`);
      return { body: { questionnaire: definition } };
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
          const e = await userById(tx, a.enumeratorId);
          if (e?.role !== 'enumerator') throw new HttpProblem('not-an-enumerator', `user ${a.enumeratorId} is not an enumerator`);
          if (user.role === 'supervisor' && e.supervisor_id !== user.id)
            throw new HttpProblem('not-your-team', `enumerator ${a.enumeratorId} is not in your team`);
          out.push(await insertAssignment(tx, params.surveyId, a.enumeratorId, a.case ?? {}, a.quota ?? 1));
        }
        await audit(tx, user, 'assign', 'survey', params.surveyId, { count: out.length });
        return out;
      });
      return { status: 201, body: { assignments: ids } };
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/assignments/import',
    tag: 'assignments',
    summary: 'Assign the cases of a sample file (CSV) to enumerators, with a preview and every problem by row',
    roles: ['admin', 'statistician', 'supervisor'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['csv'],
      properties: {
        csv: { type: 'string', minLength: 1 },
        enumeratorColumn: { type: 'string', maxLength: 64 },
        enumerators: { type: 'array', minItems: 1, maxItems: 500, items: { type: 'string', maxLength: 64 } },
        groupBy: { type: 'string', maxLength: 64 },
        quotaColumn: { type: 'string', maxLength: 64 },
        dryRun: { type: 'boolean' },
      },
    },
    async handler({ db, params, body, user }) {
      await surveyOr404(db, params.surveyId);
      return importAssignments(db, user, params.surveyId, body as AssignmentImport);
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/assignments/:assignmentId/visits',
    tag: 'assignments',
    summary: 'Record a visit to a case that gave no (complete) interview, with its AAPOR disposition (refused, no one at home, vacant ...)',
    roles: ['admin', 'supervisor', 'enumerator'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'code', 'visitedAt'],
      properties: {
        id: { type: 'string', format: 'uuid' },
        code: { enum: [...DISPOSITION_CODES] },
        note: { type: 'string', maxLength: 2000 },
        visitedAt: { type: 'string', format: 'date-time' },
      },
    },
    async handler({ db, params, body, user }) {
      const b = body as { id: string; code: string; note?: string; visitedAt: string };
      const survey = await surveyOr404(db, params.surveyId);
      if (survey.state !== 'fieldwork') throw new HttpProblem('survey-not-in-fieldwork', `the survey is ${survey.state}, not in fieldwork`);
      return db.transaction(async (tx) => {
        const a = await lockAssignment(tx, params.assignmentId, params.surveyId);
        if (!a) throw new HttpProblem('not-found', `no case ${params.assignmentId} in this survey`);
        if (user.role === 'enumerator' && a.enumerator_id !== user.id) throw new HttpProblem('not-your-assignment', 'this case is not yours');
        if (user.role === 'supervisor' && a.supervisor_id !== user.id) throw new HttpProblem('not-your-team', "this case is not your team's");
        const stored = await insertVisit(tx, {
          id: b.id,
          assignmentId: params.assignmentId,
          surveyId: params.surveyId,
          enumeratorId: a.enumerator_id,
          code: b.code,
          note: b.note ?? '',
          visitedAt: b.visitedAt,
        });
        if (stored) await audit(tx, user, 'visit', 'assignment', params.assignmentId, { code: b.code });
        return { status: stored ? 201 : 200, body: { stored, visit: { id: b.id, code: b.code } } };
      });
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/cases.csv',
    tag: 'exports',
    summary:
      'Every case with its outcome (interviewed, AAPOR disposition, pending) and the result the weights read (respondent, nonrespondent, ineligible, unknown)',
    roles: ['admin', 'statistician'],
    async handler({ db, params, res }) {
      await surveyOr404(db, params.surveyId);
      const { columns, rows } = await caseOutcomes(db, params.surveyId);
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', 'attachment; filename="cases.csv"')
        .send(stringify(rows, { header: true, columns, cast: { string: neutraliseFormula } }));
      return undefined;
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/progress',
    tag: 'assignments',
    summary:
      'Fieldwork progress by enumerator, team or a case field (ea, region, status): cases, interviews by state, response rate, reviews waiting, interview length',
    roles: ['admin', 'statistician', 'supervisor'],
    async handler({ db, params, user, query }) {
      await surveyOr404(db, params.surveyId);
      return { body: await fieldworkProgress(db, user, params.surveyId, query.by || 'enumerator') };
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/sample/draw',
    tag: 'assignments',
    summary: 'Draw the sample as `mdsurvey sample select` does: EAs from a frame, or households from the listing of the drawn EAs (same seed, same result)',
    roles: ['admin', 'statistician'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['design', 'frame', 'seed'],
      properties: {
        design: { type: 'object' },
        frame: { type: 'string', minLength: 1 },
        listing: { type: 'string', minLength: 1 },
        seed: { type: 'integer', minimum: 0, maximum: 2147483647 },
      },
    },
    async handler({ db, params, body, user }) {
      await surveyOr404(db, params.surveyId);
      try {
        const r = drawSample(body as { design: unknown; frame: string; listing?: string; seed: number });
        await audit(db, user, 'draw', 'survey', params.surveyId, { stage: r.stage, selected: r.selected, seed: (body as { seed: number }).seed });
        return { body: r };
      } catch (err) {
        if (err instanceof InputError) throw new HttpProblem('invalid-body', err.message, { errors: [{ path: err.where ?? 'sample', message: err.message }] });
        throw err;
      }
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/screening',
    tag: 'sample',
    summary:
      'Draw the EAs of the two-phase screening sample from a frame and the design, create the listing survey and one listing case per EA (a whole EA to one enumerator, in turn)',
    roles: ['admin', 'statistician'],
    body: {
      type: 'object',
      additionalProperties: false,
      required: ['design', 'frame', 'seed', 'enumerators'],
      properties: {
        design: { type: 'object' },
        frame: { type: 'string', minLength: 1 },
        seed: { type: 'integer', minimum: 0, maximum: 2147483647 },
        enumerators: { type: 'array', minItems: 1, maxItems: 500, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 64 } },
      },
    },
    async handler({ db, params, body, user }) {
      return startScreening(db, user, params.surveyId, body as ScreeningStart);
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/screening',
    tag: 'sample',
    summary:
      'Show the screening sample: every drawn EA with its listing, and once its listing is closed the households drawn per screening status against the quotas',
    roles: ['admin', 'statistician', 'supervisor'],
    async handler({ db, params }) {
      await surveyOr404(db, params.surveyId);
      return { body: { screening: await screeningStatus(db, params.surveyId) } };
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/screening/units/:unit/close',
    tag: 'sample',
    summary: "Close an EA's listing and draw its households by screening status with the design's quotas, creating their interview cases",
    roles: ['admin', 'statistician', 'supervisor'],
    textParams: ['unit'],
    async handler({ db, params, user }) {
      await surveyOr404(db, params.surveyId);
      return { status: 201, body: await closeListing(db, user, params.surveyId, params.unit) };
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/weights',
    tag: 'sample',
    summary:
      'Compute the weights from the cases and their outcomes (nonresponse classes, post-stratification, trimming) with the Kish table of each step; attached, they become the dataset weights',
    roles: ['admin', 'statistician'],
    body: {
      type: 'object',
      additionalProperties: false,
      properties: {
        designWeight: COLUMN,
        classes: { type: 'array', maxItems: 5, uniqueItems: true, items: COLUMN },
        poststratify: {
          type: 'object',
          additionalProperties: false,
          required: ['variable', 'totals'],
          properties: { variable: COLUMN, totals: { type: 'string', minLength: 1, maxLength: 1000000 } },
        },
        trim: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'number', minimum: 0 } },
        attach: { type: 'boolean' },
      },
    },
    async handler({ db, params, body, user }) {
      await surveyOr404(db, params.surveyId);
      return { body: await surveyWeights(db, user, params.surveyId, body as WeightsRequest) };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/weights',
    tag: 'sample',
    summary: 'Show the weights attached to the survey (steps, Kish table) and whether outcomes changed since they were computed',
    roles: ['admin', 'statistician'],
    async handler({ db, params }) {
      await surveyOr404(db, params.surveyId);
      return { body: await attachedWeights(db, params.surveyId) };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/assignments',
    tag: 'assignments',
    summary: 'List assignments',
    roles: ['admin', 'statistician', 'supervisor', 'enumerator'],
    async handler({ db, params, user }) {
      const scope = user.role === 'enumerator' ? { enumeratorId: user.id } : user.role === 'supervisor' ? { supervisorId: user.id } : {};
      return { body: { assignments: await listAssignments(db, params.surveyId, scope) } };
    },
  },
];

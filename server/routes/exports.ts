import { stringify } from 'csv-stringify';
import type { RouteSpec } from '../http/route.js';
import { HttpProblem } from '../http/problem.js';
import { columnsOf, flattenInterview, levelsOf, type CompiledQuestionnaire, type FieldDef } from '../../questionnaires/index.js';
import { compiledVersion } from '../questionnaire-cache.js';
import type { Database } from '../db/index.js';
import { InputError } from '../../common/errors.js';
import {
  DEFAULT_THRESHOLDS,
  annexHtml,
  annexWorkbook,
  indicatorWorkbook,
  tablePreset,
  tabulationWorkbook,
  TABULATION_VARIABLES,
  monitoringWorkbook,
  parseFormula,
  parseMonitoringPlan,
  publishedRows,
  shippedCatalogue,
  subsetColumns,
  ESTIMATE_SPEC_SCHEMA,
  specNames,
  type EstimateSpec,
} from '../../analysis/index.js';
import { datasetZipStream, FORMULA_NOTE, surveyDatasetDescription, type SurveySettings } from '../survey-dataset.js';
import { allows } from '../auth/policy.js';
import { APPROVED_STATES, isSubmissionState } from '../../common/lifecycle.js';
import type { User } from '../auth/users.js';
import { approvedInterviewPages, approvedInterviewTextPages, caseFieldNames } from '../queries/submissions.js';
import { latestVersionOf, surveySettingsOf } from '../queries/surveys.js';
import { estimatesOnSubmissions, type HouseholdColumn } from '../queries/estimates.js';
import { subsetToSql } from '../../io/sql-estimate.js';
import { neutraliseFormula } from '../spreadsheet-safety.js';
import {
  computeIndicatorsOffLoop,
  computeMonitoringOffLoop,
  computeRegressionOffLoop,
  computeReportOffLoop,
  computeTabulationOffLoop,
  writePublicUseOffLoop,
} from '../workers/indicators.js';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { printPdfOffLoop } from '../../io/print-pdf.js';
import yazl from 'yazl';
import { planFromWorkbook } from '../../io/monitoring-plan.js';
import { exchangeRatesOf } from '../queries/exchange-rates.js';

async function surveySettings(db: Database, surveyId: string): Promise<SurveySettings> {
  const settings = await surveySettingsOf(db, surveyId);
  if (!settings) throw new HttpProblem('not-found', `no survey ${surveyId}`);
  return settings as SurveySettings;
}

/** Whether the user's exports carry identifiers (the policy's restricted tier); analysts never do. */
const withIdentifiers = (user: User) => allows(user, 'export.identifiers');

async function latestVersion(db: Database, surveyId: string): Promise<CompiledQuestionnaire> {
  const version = await latestVersionOf(db, surveyId);
  if (!version) throw new HttpProblem('not-found', `no survey ${surveyId}`);
  return (await compiledVersion(db, surveyId, version))!;
}

/** The review states asked for (default: approved); interviews not yet approved are for HQ only, never analysts. */
function statesOf(query: Record<string, string>, user: User): string[] {
  const states = (query.states ?? APPROVED_STATES.join(',')).split(',').map((s) => s.trim());
  const bad = states.find((s) => !isSubmissionState(s));
  if (bad) throw new HttpProblem('bad-parameter', `unknown state "${bad.slice(0, 40)}" in states`);
  const unapproved = states.filter((s) => !(APPROVED_STATES as readonly string[]).includes(s));
  if (unapproved.length && !allows(user, 'export.unapproved'))
    throw new HttpProblem('approved-only', `a ${user.role} may read approved interviews only (not ${unapproved.join(', ')})`);
  return states;
}

/** A file name safe in a Content-Disposition header: letters, digits, dot, dash, underscore. */
const safeFileName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 150);

/**
 * Variables an analyst may group by (`compare`, `by`): declared in the analyst's codebook and not
 * identifying (no identifier, nothing computed from one, no undeclared case data, no free-text answer),
 * or a derived variable of the indicator catalogue.
 */
function groupingAllowed(codebook: { variables: { variable: string; identifier: boolean; type: string }[] }, name: string): boolean {
  if (shippedCatalogue().derived.some((d) => d.name === name)) return true;
  const v = codebook.variables.find((x) => x.variable === name);
  return v !== undefined && !v.identifier && v.type !== 'text';
}

const NAME = '^[A-Za-z_][A-Za-z0-9_.]{0,99}$';
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const LANGUAGES = ['en', 'fr', 'es'];
const languageOf = (l: string) => {
  if (!LANGUAGES.includes(l)) throw new HttpProblem('bad-parameter', `language must be one of ${LANGUAGES.join(', ')}`);
  return l;
};
const NAME_RE = new RegExp(NAME);
const NO_DESIGN = 'the survey settings name no design: PATCH settings.design with at least "weights" (a column of the assignments\' case data)';

/** Runs analysis code; its InputErrors (unknown variable, bad plan, too few cases ...) become 422 problems. */
async function analysed<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof InputError) throw new HttpProblem('invalid-analysis-input', err.message, { inputCode: err.code });
    throw err;
  }
}

/**
 * What the worker needs to analyse a survey's approved interviews at the analyst tier: the latest
 * questionnaire, the dataset's design and codebook, the case-data columns and the exchange rates. A survey
 * whose settings name no design is a 409 (`what` says which, e.g. a monitoring round).
 */
async function analysisJob(db: Database, surveyId: string, states: string[], what = '') {
  const q = await latestVersion(db, surveyId);
  const settings = await surveySettings(db, surveyId);
  if (!settings.design?.weights) throw new HttpProblem('no-design', `${what}${NO_DESIGN}`);
  const { design, codebook, caseColumns } = await surveyDatasetDescription(db, surveyId, q, { withIdentifiers: false, states, settings });
  const exchangeRates = (await exchangeRatesOf(db, surveyId))?.rates ?? [];
  return { q, codebook, design, job: { kind: 'start' as const, definition: q.source, design, codebook, caseColumns, exchangeRates, options: {} } };
}
const REGRESSION_BODY = {
  type: 'object',
  additionalProperties: false,
  required: ['formula'],
  properties: {
    formula: { type: 'string', minLength: 3, maxLength: 2000 },
    family: { enum: ['gaussian', 'quasibinomial', 'linear', 'logistic'] },
    level: { type: 'string', pattern: NAME },
    where: { type: 'string', minLength: 1, maxLength: 2000 },
    factors: { type: 'array', items: { type: 'string', pattern: NAME }, maxItems: 50 },
    tests: { type: 'array', maxItems: 20, items: { type: 'array', minItems: 1, maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 300 } } },
    margins: { type: 'string', pattern: NAME },
  },
};

const NUMERIC_QUESTION = new Set(['integer', 'decimal', 'year']);
/**
 * The household columns an in-database estimate reads, each as a number or as text: weights and
 * variables as numbers; strata, PSUs and domains as text; a subset's columns as numbers when they are
 * numeric questions, else as text. A name that is neither a household question nor a case-data field is
 * a 422; so is an amount as a variable (its values are in several currencies: /indicators converts them
 * with the survey's exchange rates first).
 */
function householdColumns(
  fields: ReadonlyMap<string, FieldDef>,
  caseNames: Set<string>,
  wanted: { name: string; as: 'number' | 'text'; role: string }[],
): HouseholdColumn[] {
  const out = new Map<string, HouseholdColumn>();
  for (const w of wanted) {
    if (w.name === 'interview_id') continue;
    const field = fields.get(w.name);
    if (field?.item.kind === 'question' && field.item.type === 'amount' && w.as === 'number')
      throw new HttpProblem(
        'invalid-analysis-input',
        `${w.role} "${w.name}" is an amount, in the currencies the households reported: /indicators converts amounts with the survey's exchange rates before any sum`,
      );
    if (!field && !caseNames.has(w.name))
      throw new HttpProblem(
        'invalid-analysis-input',
        `${w.role} "${w.name.slice(0, 64)}" is neither a household question of the questionnaire nor a field of the case data`,
      );
    const prior = out.get(w.name);
    // Read as a number wherever one role needs a number (a key is the number's text).
    if (!prior || (prior.as === 'text' && w.as === 'number')) out.set(w.name, { name: w.name, source: field ? 'answers' : 'case', as: w.as });
  }
  return [...out.values()];
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
      const withIds = withIdentifiers(user);
      return {
        body: {
          levels: levelsOf(q).map((l) => ({
            name: l.name,
            keys: l.keys,
            columns: columnsOf(l, withIds).map((c) => c.name),
            href: `/api/v1/surveys/${params.surveyId}/export/${l.name}.csv`,
          })),
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
      const withIds = withIdentifiers(user);
      // The dataset's codebook: the questionnaire's variables and the sample's case data (design variables ...).
      const settings = await surveySettings(db, params.surveyId);
      const { codebook } = await surveyDatasetDescription(db, params.surveyId, q, { withIdentifiers: withIds, states: [...APPROVED_STATES], settings });
      return {
        body: {
          questionnaire: { id: q.source.id, version: q.source.version },
          identifiersIncluded: withIds,
          csvFormulaGuard: FORMULA_NOTE,
          variables: codebook.variables.filter((v) => withIds || !v.identifier),
        },
      };
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
      if (!level)
        throw new HttpProblem(
          'not-found',
          `no level "${params.level}" (levels: ${levelsOf(q)
            .map((l) => l.name)
            .join(', ')})`,
        );
      const states = statesOf(query, user);
      const withIds = withIdentifiers(user);
      const columns = [...level.keys, ...columnsOf(level, withIds).map((c) => c.name)];
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .setHeader('Content-Disposition', `attachment; filename="${safeFileName(level.name)}.csv"`);
      // Meant for spreadsheets: text that would run as a formula is neutralised (the codebook says so).
      const csv = stringify({ header: true, columns, cast: { string: neutraliseFormula } });
      csv.pipe(res);
      for await (const page of approvedInterviewPages(db, params.surveyId, states)) {
        for (const row of page) {
          for (const out of flattenInterview(level, row.interview_id, row.answers, withIds)) {
            if (!csv.write(out)) await new Promise((resolve) => csv.once('drain', resolve));
          }
        }
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
      const stream = await datasetZipStream(db, params.surveyId, q, {
        withIdentifiers: withIdentifiers(user),
        states: statesOf(query, user),
        settings: await surveySettings(db, params.surveyId),
        spreadsheet: true,
      });
      res
        .status(200)
        .type('application/zip')
        .setHeader('Content-Disposition', `attachment; filename="${safeFileName(`${q.source.id}-${q.source.version}-dataset`)}.zip"`);
      stream.on('error', (err) => res.destroy(err));
      stream.pipe(res);
      await new Promise((resolve) => res.once('close', resolve));
      return undefined;
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/indicators',
    tag: 'exports',
    summary: 'The indicator catalogue on the approved interviews, by group (?compare=hh_migration_status&by=region)',
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, query, user, res }) {
      const states = statesOf(query, user);
      const { q, codebook, job } = await analysisJob(db, params.surveyId, states);
      const compare = query.compare || undefined;
      const by = query.by
        ? query.by
            .split(',')
            .map((b) => b.trim())
            .filter(Boolean)
        : [];
      // Grouping variables become labels in the answer: only declared, non-identifying ones.
      for (const [what, name] of [...(compare ? [['compare', compare]] : []), ...by.map((b) => ['by', b])]) {
        if (!groupingAllowed(codebook, name))
          throw new HttpProblem(
            'not-a-grouping-variable',
            `${what} "${name.slice(0, 64)}" is not a declared, non-identifying variable of this survey (identifiers, free text and undeclared case data cannot group estimates)`,
          );
      }
      const options = {
        compare,
        reference: query.reference || undefined,
        by,
        pAdjust: query.pAdjust === 'holm' ? ('holm' as const) : ('none' as const),
        ...(query.language ? { language: languageOf(query.language) } : {}),
      };
      const report = await analysed(() => computeIndicatorsOffLoop({ ...job, options }, approvedInterviewTextPages(db, params.surveyId, states)));
      // Suppressed estimates are not served: the API is for analysts (no restricted tier).
      const published = { ...report, rows: publishedRows(report.rows) };
      if (query.format === 'xlsx') {
        res
          .status(200)
          .type(XLSX_TYPE)
          .setHeader('Content-Disposition', `attachment; filename="${safeFileName(`${q.source.id}-indicators`)}.xlsx"`)
          .send(Buffer.from(await indicatorWorkbook(published, true)));
        return undefined;
      }
      return { body: published };
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/estimates',
    tag: 'exports',
    summary:
      "Means and totals of household variables by domains and in subsets, computed inside the database (one GROUP BY over the interviews' answers and case data; only cells leave it), as `mdsurvey estimate --spec`; for the restricted tier (admin, statistician)",
    roles: ['admin', 'statistician'],
    body: ESTIMATE_SPEC_SCHEMA,
    async handler({ db, params, query, body, user }) {
      // Unsuppressed figures on any subset: for those who may read the microdata itself. Analysts'
      // figures go through disclosure control (/indicators, /tables).
      if (!withIdentifiers(user)) throw new HttpProblem('forbidden', 'in-database estimates are for the restricted tier; analysts use /indicators and /tables');
      const states = statesOf(query, user);
      const q = await latestVersion(db, params.surveyId);
      const d = (await surveySettings(db, params.surveyId)).design;
      if (!d?.weights) throw new HttpProblem('no-design', NO_DESIGN);
      if ((d.ids?.length ?? 0) > 1 || d.fpc?.length)
        throw new HttpProblem(
          'invalid-analysis-input',
          'in-database estimates take a design with weights, strata and one stage of PSUs (no fpc): export the dataset and run mdsurvey estimate for this design',
        );
      const entries = (body as EstimateSpec).estimates.map((e, k) => {
        if (e.ratio !== undefined || e.quantile !== undefined)
          throw new HttpProblem(
            'invalid-analysis-input',
            `/estimates/${k}: in-database estimates are means and totals; ratios and quantiles need the dataset (mdsurvey estimate)`,
          );
        return { name: e.name ?? `estimate ${k + 1}`, means: specNames(e.mean), totals: specNames(e.total), by: specNames(e.by), subset: e.subset };
      });
      const psu = d.ids?.[0] ?? 'interview_id';
      const subsetNames = await analysed(() => entries.flatMap((e) => (e.subset ? subsetToSql(e.subset).columns : [])));
      const fields = new Map(levelsOf(q)[0].fields.map((f) => [f.name, f]));
      const numericQuestion = (name: string) => {
        const f = fields.get(name);
        return f?.item.kind === 'calculate' || (f?.item.kind === 'question' && NUMERIC_QUESTION.has(f.item.type));
      };
      const columns = householdColumns(fields, new Set(await caseFieldNames(db, params.surveyId)), [
        { name: d.weights, as: 'number', role: 'the weights' },
        ...(d.strata ? [{ name: d.strata, as: 'text' as const, role: 'the strata' }] : []),
        { name: psu, as: 'text', role: 'the PSU ids' },
        ...entries.flatMap((e) => [
          ...[...e.means, ...e.totals].map((name) => ({ name, as: 'number' as const, role: 'variable' })),
          ...e.by.map((name) => ({ name, as: 'text' as const, role: 'by' })),
        ]),
        ...subsetNames.map((name) => ({ name, as: numericQuestion(name) ? ('number' as const) : ('text' as const), role: 'subset column' })),
      ]);
      const design = { weights: d.weights, strata: d.strata, psu, nest: d.nest, lonelyPsu: d.lonelyPsu };
      try {
        const r = await analysed(() => estimatesOnSubmissions(db, params.surveyId, states, columns, design, entries));
        return { body: { design: { ...r.design, states }, results: entries.map((e, k) => ({ name: e.name, ...r.results[k] })) } };
      } catch (err) {
        const e = err as { code?: string; message?: string };
        // A value read as a number that is not one, a subset comparing text with a number: the database's words.
        if (e.code === '22P02' || e.code === '42883' || e.code === '42804')
          throw new HttpProblem('invalid-analysis-input', `the database cannot compute this: ${String(e.message).slice(0, 300)}`);
        throw err;
      }
    },
  },
  {
    method: 'post',
    path: '/surveys/:surveyId/regress',
    tag: 'exports',
    summary:
      'A design-based linear or logistic regression on the approved interviews (R svyglm): coefficients, Wald tests of terms, predicted margins by group',
    roles: ['admin', 'statistician', 'analyst'],
    body: REGRESSION_BODY,
    async handler({ db, params, body, user }) {
      const b = body as {
        formula: string;
        family?: 'gaussian' | 'quasibinomial' | 'linear' | 'logistic';
        level?: string;
        where?: string;
        factors?: string[];
        tests?: string[][];
        margins?: string;
      };
      const states = statesOf({}, user);
      const { formula, whereColumns } = await analysed(() => ({
        formula: parseFormula(b.formula, 'formula'),
        whereColumns: b.where ? subsetColumns(b.where) : [],
      }));
      const { codebook, design, job } = await analysisJob(db, params.surveyId, states);
      // Every variable the model reads must be declared and non-identifying (deny by default).
      const names = [
        formula.response,
        ...[...formula.variables.values()].map((v) => v.column),
        ...(b.margins ? [b.margins] : []),
        ...(b.factors ?? []),
        ...whereColumns,
      ];
      for (const name of names)
        if (!groupingAllowed(codebook, name))
          throw new HttpProblem(
            'not-an-analysis-variable',
            `"${name.slice(0, 64)}" is not a declared, non-identifying variable of this survey (identifiers, free text and undeclared case data cannot enter a model)`,
          );
      const family = b.family === 'linear' ? 'gaussian' : b.family === 'logistic' ? 'quasibinomial' : (b.family ?? 'gaussian');
      const regression = {
        formula: b.formula,
        family,
        datasetLevel: b.level ?? design.designLevel,
        ...(b.where ? { where: b.where } : {}),
        ...(b.factors ? { factors: b.factors } : {}),
        ...(b.tests ? { tests: b.tests } : {}),
        ...(b.margins ? { margins: b.margins } : {}),
        minCases: DEFAULT_THRESHOLDS.minCases,
      };
      return { body: await analysed(() => computeRegressionOffLoop({ ...job, regression }, approvedInterviewTextPages(db, params.surveyId, states))) };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/tables',
    tag: 'exports',
    summary:
      'A weighted table of the approved interviews (?rows=&cols=&by=&level=&universe= or ?preset=), counts and percentages with se, the Rao-Scott test, disclosure control; ?format=xlsx',
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, query, user, res }) {
      const states = statesOf(query, user);
      let preset: ReturnType<typeof tablePreset> | undefined;
      try {
        preset = query.preset ? tablePreset(query.preset) : undefined;
      } catch (err) {
        if (err instanceof InputError) throw new HttpProblem('bad-parameter', err.message);
        throw err;
      }
      const rows = query.rows || preset?.rows;
      const cols = query.cols || preset?.cols;
      const by = query.by || preset?.by;
      if (!rows || !cols) throw new HttpProblem('bad-parameter', 'give rows and cols, or a preset');
      for (const [what, v] of [
        ['rows', rows],
        ['cols', cols],
        ['by', by],
        ['level', query.level],
      ] as const)
        if (v !== undefined && v !== '' && !NAME_RE.test(v)) throw new HttpProblem('bad-parameter', `${what} must be a variable name`);
      if (query.universe && query.universe.length > 2000) throw new HttpProblem('bad-parameter', 'universe is longer than 2000 characters');
      const universeColumns = await analysed(() => (query.universe ? subsetColumns(query.universe) : []));
      const { q, codebook, design, job } = await analysisJob(db, params.surveyId, states);
      // Rows, columns, by and the universe's variables: declared and non-identifying, or the tables' own.
      for (const name of [rows, cols, ...(by ? [by] : []), ...universeColumns])
        if (!TABULATION_VARIABLES.includes(name) && !groupingAllowed(codebook, name))
          throw new HttpProblem(
            'not-a-grouping-variable',
            `"${name.slice(0, 64)}" is not a declared, non-identifying variable of this survey (identifiers, free text and undeclared case data cannot make a table)`,
          );
      const language = query.language ? languageOf(query.language) : undefined;
      const tabulation = {
        level: query.level || preset?.level || design.designLevel,
        rows,
        cols,
        ...(by ? { by } : {}),
        ...(query.universe || preset?.universe ? { universe: query.universe || preset?.universe } : {}),
        ...(preset?.title ? { title: preset.title } : {}),
        ...(preset?.ageBreaks ? { grouping: { ageBreaks: preset.ageBreaks } } : {}),
        ...(language ? { language } : {}),
      };
      const tab = await analysed(() => computeTabulationOffLoop({ ...job, tabulation }, approvedInterviewTextPages(db, params.surveyId, states)));
      if (query.format === 'xlsx') {
        const labels = Object.fromEntries(codebook.variables.map((v) => [v.variable, v.label[language ?? 'en'] ?? v.label.en ?? v.variable]));
        res
          .status(200)
          .type(XLSX_TYPE)
          .setHeader('Content-Disposition', `attachment; filename="${safeFileName(`${q.source.id}-table-${rows}-${cols}`)}.xlsx"`)
          .send(Buffer.from(await tabulationWorkbook(tab, labels, true)));
        return undefined;
      }
      return { body: tab };
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/export/public.zip',
    tag: 'exports',
    summary:
      'The public-use microdata of the approved interviews: anonymised CSV and .dta per level, design, codebook, svyset/svydesign and the disclosure report',
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, query, user, res }) {
      const language = query.language ? languageOf(query.language) : 'en';
      const states = statesOf({}, user);
      const { q, job } = await analysisJob(db, params.surveyId, states);
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mdsurvey-public-'));
      try {
        const { files } = await analysed(() =>
          writePublicUseOffLoop({ ...job, publicUse: { dir, language } }, approvedInterviewTextPages(db, params.surveyId, states)),
        );
        const zip = new yazl.ZipFile();
        for (const f of files) zip.addFile(path.join(dir, f), f);
        zip.end();
        res
          .status(200)
          .type('application/zip')
          .setHeader('Content-Disposition', `attachment; filename="${safeFileName(`${q.source.id}-${q.source.version}-public-use`)}.zip"`);
        const out = zip.outputStream as NodeJS.ReadableStream;
        out.on('error', (err) => res.destroy(err as Error));
        out.pipe(res);
        await new Promise((resolve) => res.once('close', resolve));
        return undefined;
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
    },
  },
  {
    method: 'get',
    path: '/surveys/:surveyId/report',
    tag: 'exports',
    summary: 'The Migration Profile statistical annex of the approved interviews (?format=xlsx|html|pdf|json, ?language=en|fr|es)',
    roles: ['admin', 'statistician', 'analyst'],
    async handler({ db, params, query, user, res }) {
      const format = query.format || 'html';
      if (!['xlsx', 'html', 'pdf', 'json'].includes(format)) throw new HttpProblem('bad-parameter', 'format must be xlsx, html, pdf or json');
      const language = (query.language ? languageOf(query.language) : 'en') as 'en' | 'fr' | 'es';
      const states = statesOf({}, user);
      const { q, job } = await analysisJob(db, params.surveyId, states);
      const annex = await analysed(() => computeReportOffLoop({ ...job, report: { language } }, approvedInterviewTextPages(db, params.surveyId, states)));
      if (format === 'json') return { body: annex };
      const name = safeFileName(`${q.source.id}-migration-profile-${language}`);
      if (format === 'xlsx') {
        res
          .status(200)
          .type(XLSX_TYPE)
          .setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`)
          .send(Buffer.from(await annexWorkbook(annex)));
        return undefined;
      }
      const html = annexHtml(annex);
      if (format === 'html') {
        res.status(200).type('text/html; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${name}.html"`).send(html);
        return undefined;
      }
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mdsurvey-report-'));
      try {
        await fsp.writeFile(path.join(dir, 'annex.html'), html);
        const problem = await printPdfOffLoop(path.join(dir, 'annex.html'), path.join(dir, 'annex.pdf'));
        if (problem) throw new HttpProblem('pdf-unavailable', `the PDF cannot be printed on this server: ${problem}; download the HTML and print it`);
        res
          .status(200)
          .type('application/pdf')
          .setHeader('Content-Disposition', `attachment; filename="${name}.pdf"`)
          .send(await fsp.readFile(path.join(dir, 'annex.pdf')));
        return undefined;
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
      }
    },
  },
  {
    method: 'post',
    path: '/monitoring',
    tag: 'exports',
    summary: 'The monitoring matrix of a plan whose rounds are surveys (JSON plan, or {"xlsx": base64 workbook}); ?format=xlsx for the workbook',
    roles: ['admin', 'statistician', 'analyst'],
    body: { type: 'object' },
    async handler({ db, body, query, user, res }) {
      const plan = await analysed(async () => {
        const b = body as { xlsx?: unknown };
        const value = typeof b.xlsx === 'string' ? await planFromWorkbook(Buffer.from(b.xlsx, 'base64'), 'plan.xlsx') : body;
        return parseMonitoringPlan(value, shippedCatalogue(), 'plan');
      });
      const states = statesOf({}, user);
      const rounds: Parameters<typeof computeMonitoringOffLoop>[0] = [];
      for (const [k, r] of plan.rounds.entries()) {
        if (!r.survey) throw new HttpProblem('invalid-analysis-input', `plan: /rounds/${k} (${r.id}) names no survey: over the API every round is a survey id`);
        const { codebook, job } = await analysisJob(db, r.survey, states, `round ${r.id}: `);
        if (plan.compare && !groupingAllowed(codebook, plan.compare))
          throw new HttpProblem(
            'not-a-grouping-variable',
            `compare "${plan.compare.slice(0, 64)}" is not a declared, non-identifying variable of the survey of round ${r.id}`,
          );
        rounds.push({
          job: { ...job, roundId: r.id },
          pages: approvedInterviewTextPages(db, r.survey, states),
        });
      }
      const report = await analysed(() => computeMonitoringOffLoop(rounds, plan));
      if (query.format === 'xlsx') {
        res
          .status(200)
          .type(XLSX_TYPE)
          .setHeader('Content-Disposition', `attachment; filename="${safeFileName(`monitoring-${plan.title}`)}.xlsx"`)
          .send(Buffer.from(await monitoringWorkbook(report)));
        return undefined;
      }
      return { body: report };
    },
  },
];

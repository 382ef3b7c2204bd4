import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { Database } from '../db/index.js';
import type { User } from '../auth/users.js';
import { HttpProblem } from '../http/problem.js';
import { InputError } from '../../common/errors.js';
import { computeWeights, parseTotalsCsv, type WeightingSteps } from '../../sampling/index.js';
import { audit } from '../queries/audit.js';
import { putSurveyWeights, setCaseField, surveyWeightsOf } from '../queries/screening.js';
import { surveySettingsOf, updateSurvey } from '../queries/surveys.js';
import { caseOutcomes } from './progress.js';
import { tableOf } from './sample-draw.js';

/** The case-data field the final weights are written to, and the dataset's weights once attached. */
export const FINAL_WEIGHT = 'final_weight';

/** What HQ asks of the weights (the steps of `mdsurvey weights`, on the survey's own cases and outcomes). */
export interface WeightsRequest {
  /** Case field holding the design weight (default design_weight, as the second-stage draw writes it). */
  designWeight?: string;
  /** Nonresponse adjustment within classes of these case fields ([] : one class); omitted: no adjustment. */
  classes?: string[];
  /** Post-stratification to population totals of a case field (CSV text: a header, then category,total). */
  poststratify?: { variable: string; totals: string };
  /** Trimming bounds [lower, upper] of a weight (the total is kept). */
  trim?: [number, number];
  /** Write the final weights into the cases and make them the dataset's weights; else a preview. */
  attach?: boolean;
}

/** A fingerprint of every case's result: when it changes (a late interview), the attached weights are out of date. */
function outcomesHash(rows: Record<string, unknown>[]): string {
  const h = createHash('sha256');
  for (const r of [...rows].sort((a, b) => String(a.case).localeCompare(String(b.case)))) h.update(`${String(r.case)}:${String(r.result)}\n`);
  return h.digest('hex');
}

/**
 * Weights at HQ: the survey's cases with a design weight (from the second-stage draw, or an imported
 * sample), their outcomes (interviews and AAPOR dispositions), then nonresponse adjustment by classes,
 * post-stratification and trimming, the same code as `mdsurvey weights`, with the Kish table after
 * each step. Attached, the final weights go into each case's data and become the dataset's weights, so
 * `/indicators` and the exports use them. The same cases and outcomes always give the same weights.
 */
export async function surveyWeights(db: Database, user: User, surveyId: string, b: WeightsRequest) {
  const designWeight = b.designWeight ?? 'design_weight';
  const { rows: all } = await caseOutcomes(db, surveyId);
  const rows = all.filter((r) => typeof r[designWeight] === 'number');
  if (rows.length === 0)
    throw new HttpProblem(
      'no-sample',
      `no case of this survey carries a design weight ("${designWeight}"): draw the households (or import a sample with one) first`,
    );
  const fields = new Set(Object.keys(rows[0]));
  const unknown = [...(b.classes ?? []), ...(b.poststratify ? [b.poststratify.variable] : [])].filter((c) => !fields.has(c));
  if (unknown.length)
    throw new HttpProblem('invalid-body', `not case fields: ${unknown.join(', ')}`, {
      errors: unknown.map((c) => ({ path: c, message: `no case field "${c}" (fields: ${[...fields].join(', ')})` })),
    });
  const steps: WeightingSteps = {};
  try {
    if (b.classes) steps.nonresponse = { disposition: 'result', classes: b.classes };
    if (b.poststratify) steps.poststratify = parseTotalsCsv(b.poststratify.totals, b.poststratify.variable, 'totals');
    if (b.trim) steps.trim = b.trim;
    const columns = ['case', 'result', designWeight, ...new Set([...(b.classes ?? []), ...(b.poststratify ? [b.poststratify.variable] : [])])];
    const table = tableOf(stringify(rows, { header: true, columns }), [designWeight]);
    const { weights, report } = computeWeights(
      table,
      Float64Array.from(rows, (r) => r[designWeight] as number),
      steps,
    );
    const respondents = rows.filter((r) => r.result === 'respondent').length;
    const result = {
      cases: rows.length,
      respondents,
      steps: report.steps,
      nonresponseClasses: report.nonresponseClasses,
      achieved: report.achieved,
      weightColumn: FINAL_WEIGHT,
      attached: false,
    };
    if (!b.attach) return result;
    const stored = { ...result, attached: true, outcomes: outcomesHash(rows) };
    await db.transaction(async (tx) => {
      await setCaseField(
        tx,
        surveyId,
        FINAL_WEIGHT,
        rows.map((r, i) => ({ id: String(r.case), value: weights[i] })),
      );
      const settings = (await surveySettingsOf(tx, surveyId)) ?? {};
      const design = { ...(settings.design as Record<string, unknown> | undefined), weights: FINAL_WEIGHT };
      const caseFields = { ...(settings.caseFields as Record<string, string> | undefined), [FINAL_WEIGHT]: 'design' };
      await updateSurvey(tx, surveyId, { settings: { ...settings, design, caseFields } });
      await putSurveyWeights(tx, surveyId, { designWeight, ...b, attach: undefined }, stored, rows.length, user.id);
      await audit(tx, user, 'weights', 'survey', surveyId, { cases: rows.length, respondents, steps: report.steps.map((s) => s.step) });
    });
    return { ...result, attached: true };
  } catch (err) {
    if (err instanceof InputError)
      throw new HttpProblem('invalid-analysis-input', err.message, { errors: [{ path: err.where ?? 'weights', message: err.message }] });
    throw err;
  }
}

/** The weights attached to a survey, and whether outcomes changed since (a late interview or visit). */
export async function attachedWeights(db: Database, surveyId: string) {
  const stored = await surveyWeightsOf(db, surveyId);
  if (!stored) return { attached: null };
  const report = stored.report as { outcomes?: string };
  const { rows } = await caseOutcomes(db, surveyId);
  const designWeight = (stored.steps as { designWeight?: string }).designWeight ?? 'design_weight';
  const current = outcomesHash(rows.filter((r) => typeof r[designWeight] === 'number'));
  return { attached: { ...stored, outdated: report.outcomes !== current } };
}

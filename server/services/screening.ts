import { stringify } from 'csv-stringify/sync';
import type { Database } from '../db/index.js';
import type { User } from '../auth/users.js';
import { HttpProblem } from '../http/problem.js';
import { InputError } from '../../common/errors.js';
import { parseSampleDesign, selectHouseholds, selectSample, type SampleDesign, type SelectedRow } from '../../sampling/index.js';
import { compileQuestionnaire, dotmListing, flattenInterview, levelsOf, type Questionnaire } from '../../questionnaires/index.js';
import { audit } from '../queries/audit.js';
import { insertAssignment } from '../queries/assignments.js';
import { listUsers } from '../queries/users.js';
import {
  insertQuestionnaireVersion,
  insertSurvey,
  latestVersionOf,
  questionnaireDefinition,
  surveyById,
  surveySettingsOf,
  updateSurvey,
} from '../queries/surveys.js';
import {
  closeScreeningUnit,
  insertScreeningSample,
  insertScreeningUnit,
  listingInterviews,
  screeningSampleOf,
  screeningUnits,
  type ScreeningUnitRow,
} from '../queries/screening.js';
import { compiledVersion } from '../questionnaire-cache.js';
import { tableOf } from './sample-draw.js';

/**
 * The two-phase screening sample of a DotM survey, run by the server (issue 17):
 * 1. the statistician uploads the EA frame and the design; the server draws the EAs (`sample select`),
 *    creates the survey's listing survey (the library's listing and screening questionnaire, with the
 *    household survey's thresholds) and one listing case per EA, a whole EA to one enumerator;
 * 2. enumerators list and screen every household of their EA in the offline app;
 * 3. when an EA's listing is closed, the server draws its households by screening status with the
 *    design's quotas (reproducible: the EA's own stream of the seed), reports shortfalls, and creates
 *    the interview cases with pi1, pi2 and the design weight in their case data, declared as design
 *    variables in the survey's settings; the household head's name stays an identifier.
 */

/** Case-data fields the draw writes, and their roles (settings.caseFields): design variables, or the screening stratum. */
const DRAWN_FIELD_ROLES: Record<string, 'design' | 'variable'> = {
  stratum_h: 'design',
  pi1: 'design',
  w1: 'design',
  certainty: 'design',
  n_h: 'design',
  N_h: 'design',
  status_s: 'variable',
  M_s: 'design',
  m_s: 'design',
  pi2: 'design',
  pi: 'design',
  design_weight: 'design',
};

function badInput(err: unknown): never {
  if (err instanceof InputError) throw new HttpProblem('invalid-body', err.message, { errors: [{ path: err.where ?? 'sample', message: err.message }] });
  throw err;
}

/** The levels of the listing questionnaire that carry the design's household id and screening status. */
function listingLevelCheck(design: SampleDesign, listing: Questionnaire): void {
  const second = design.stages[1];
  if (!second)
    throw new HttpProblem('invalid-body', 'a screening sample needs a design with two stages: EAs, then households from the listing by screening status', {
      errors: [{ path: 'design /stages/1', message: 'missing' }],
    });
  const q = compileQuestionnaire(listing);
  const wanted = [second.id, ...(second.by ? [second.by] : [])];
  const ok = levelsOf(q).some((l) => wanted.every((w) => l.fields.some((f) => f.name === w)));
  if (!ok)
    throw new HttpProblem('invalid-body', `the listing questionnaire has no roster with both ${wanted.map((w) => `"${w}"`).join(' and ')}`, {
      errors: [{ path: 'design /stages/1', message: `the listing questionnaire "${listing.id}" lists households with hh and screened` }],
    });
}

export interface ScreeningStart {
  design: unknown;
  frame: string;
  seed: number;
  /** Enumerators who list, in turn: each drawn EA goes whole to one of them. */
  enumerators: string[];
}

/** Draws the EAs of a survey's screening sample and creates its listing survey and cases. */
export async function startScreening(db: Database, user: User, surveyId: string, b: ScreeningStart) {
  const survey = await surveyById(db, surveyId);
  if (!survey) throw new HttpProblem('not-found', `no survey ${surveyId}`);
  let design: SampleDesign;
  try {
    design = parseSampleDesign(b.design, 'design');
  } catch (err) {
    badInput(err);
  }
  // The listing questionnaire asks with the household survey's thresholds (emigration years, months abroad ...).
  const version = await latestVersionOf(db, surveyId);
  const hostSettings = ((version ? await questionnaireDefinition(db, surveyId, version) : undefined) as Questionnaire | undefined)?.settings ?? {};
  const listingQ: Questionnaire = {
    ...dotmListing,
    settings: Object.fromEntries(Object.entries(dotmListing.settings ?? {}).map(([k, v]) => [k, hostSettings[k] ?? v])),
  };
  listingLevelCheck(design, listingQ);
  const team = new Map(
    (await listUsers(db, user.role === 'supervisor' ? user.id : undefined)).filter((u) => u.role === 'enumerator' && !u.disabled).map((u) => [u.username, u]),
  );
  const unknown = b.enumerators.filter((e) => !team.has(e));
  if (unknown.length)
    throw new HttpProblem('invalid-body', `not active enumerators: ${unknown.join(', ')}`, {
      errors: unknown.map((e) => ({ path: 'enumerators', message: `"${e}" is not an active enumerator` })),
    });
  const first = design.stages[0];
  let rows: SelectedRow[];
  let strata: unknown;
  try {
    const selection = selectSample({ ...design, stages: [first] }, tableOf(b.frame, first.size ? [first.size] : []), b.seed);
    rows = selection.rows;
    strata = selection.strata;
  } catch (err) {
    badInput(err);
  }
  if (rows.length === 0) throw new HttpProblem('invalid-body', 'no EA was drawn', { errors: [{ path: 'frame', message: 'nothing was selected' }] });

  const settings = (await surveySettingsOf(db, surveyId)) ?? {};
  const result = await db.transaction(async (tx) => {
    if (await screeningSampleOf(tx, surveyId, true)) throw new HttpProblem('sample-exists', 'this survey already has its screening sample: it is drawn once');
    const listingSurveyId = await insertSurvey(
      tx,
      `${survey.title}: listing and screening`,
      { caseFields: { [first.id]: 'area', stratum_h: 'design' } },
      user.id,
    );
    await insertQuestionnaireVersion(tx, listingSurveyId, listingQ, listingQ, user.id);
    await updateSurvey(tx, listingSurveyId, { state: 'fieldwork' });
    await insertScreeningSample(tx, { surveyId, listingSurveyId, design, seed: b.seed, strata, userId: user.id });
    const perEnumerator: Record<string, number> = {};
    for (const [k, row] of rows.entries()) {
      const unit = String(row[first.id]);
      const enumerator = b.enumerators[k % b.enumerators.length];
      const assignment = await insertAssignment(tx, listingSurveyId, team.get(enumerator)!.id, { ...row, [first.id]: unit }, 1);
      await insertScreeningUnit(tx, { surveyId, unit, position: k, firstStage: row, listingAssignmentId: assignment });
      perEnumerator[enumerator] = (perEnumerator[enumerator] ?? 0) + 1;
    }
    // The household cases will carry the design variables: declared, so the dataset reads them (and
    // nothing else of the listing reaches analysts); the weights are the design weights until HQ computes final ones.
    const caseFields = { ...(settings.caseFields as Record<string, string> | undefined), ...DRAWN_FIELD_ROLES, [first.id]: 'design' };
    const designSettings = (settings.design as Record<string, unknown> | undefined) ?? {
      weights: 'design_weight',
      ...(first.strata ? { strata: 'stratum_h' } : {}),
      ids: [first.id],
    };
    await updateSurvey(tx, surveyId, { settings: { ...settings, caseFields, design: designSettings } });
    await audit(tx, user, 'draw', 'survey', surveyId, { stage: 'first', seed: b.seed, units: rows.length, listingSurveyId });
    return { listingSurveyId, perEnumerator };
  });
  return { status: 201, body: { ...result, units: rows.length, strata, csv: stringify(rows, { header: true, columns: Object.keys(rows[0]) }) } };
}

/** An EA as the sample page shows it: its listing case, what has been listed, and its second-stage draw once closed. */
async function describeUnits(db: Database, surveyId: string, units: ScreeningUnitRow[]) {
  const interviews = await listingInterviews(
    db,
    units.map((u) => u.listingAssignmentId),
  );
  const byCase = new Map<string, typeof interviews>();
  for (const i of interviews) byCase.set(i.assignment_id, [...(byCase.get(i.assignment_id) ?? []), i]);
  return units.map((u) => {
    const mine = byCase.get(u.listingAssignmentId) ?? [];
    const listed = mine.reduce((n, i) => n + (Array.isArray(i.answers.listing) ? i.answers.listing.length : 0), 0);
    return {
      unit: u.unit,
      stratum: u.firstStage.stratum_h,
      pi1: u.firstStage.pi1,
      enumerator: u.enumerator,
      listingAssignmentId: u.listingAssignmentId,
      listingInterviews: mine.map((i) => ({ interviewId: i.interview_id, state: i.state })),
      listed,
      closedAt: u.closedAt,
      report: u.report,
    };
  });
}

/** The screening sample of a survey with every EA's state; null when none is drawn yet. */
export async function screeningStatus(db: Database, surveyId: string) {
  const sample = await screeningSampleOf(db, surveyId);
  if (!sample) return null;
  const units = await describeUnits(db, surveyId, await screeningUnits(db, surveyId));
  const second = (sample.design as SampleDesign).stages[1]!;
  return { listingSurveyId: sample.listingSurveyId, design: sample.design, seed: sample.seed, strata: sample.strata, quotas: second.quotas, units };
}

/**
 * Closes the listing of one EA and draws its households: the listed rows of the current listing
 * interviews on its case (rejected ones are not read), the design's quotas per screening status, the
 * EA's own random stream; the interview cases go to the enumerator who listed the EA. Once closed, an
 * EA is not drawn again (409).
 */
export async function closeListing(db: Database, user: User, surveyId: string, unit: string) {
  const sample = await screeningSampleOf(db, surveyId);
  if (!sample) throw new HttpProblem('no-sample', 'this survey has no screening sample yet');
  const design = sample.design as SampleDesign;
  const second = design.stages[1]!;
  return db.transaction(async (tx) => {
    const [u] = await screeningUnits(tx, surveyId, unit, true);
    if (!u) throw new HttpProblem('not-found', `no EA "${unit}" in this survey's sample`);
    if (user.role === 'supervisor' && u.supervisorId !== user.id)
      throw new HttpProblem('not-your-team', `EA "${unit}" is listed by ${u.enumerator}, who is not in your team`);
    if (u.closedAt)
      throw new HttpProblem(
        'listing-closed',
        `the listing of EA "${unit}" was closed on ${new Date(u.closedAt).toISOString().slice(0, 10)}: its households are drawn`,
      );
    const interviews = await listingInterviews(tx, [u.listingAssignmentId]);
    if (interviews.length === 0) throw new HttpProblem('no-listing', `no listing of EA "${unit}" has been received (rejected listings are not read)`);
    // The listed households, flattened from the roster that carries the household id and status.
    const rows: Record<string, string | number>[] = [];
    const typedUnits = new Set<string>();
    for (const i of interviews) {
      const q = await compiledVersion(tx, sample.listingSurveyId, i.version);
      if (!q) continue;
      const level = levelsOf(q).find((l) => l.fields.some((f) => f.name === second.id) && (!second.by || l.fields.some((f) => f.name === second.by)));
      if (!level) continue;
      for (const r of flattenInterview(level, i.interview_id, i.answers, true)) {
        const { interview_id: listingInterview, ...rest } = r;
        if (rest[second.cluster] !== undefined && rest[second.cluster] !== '') typedUnits.add(String(rest[second.cluster]));
        rows.push({ ...rest, listing_interview_id: listingInterview, [second.cluster]: unit });
      }
    }
    if (rows.length === 0) throw new HttpProblem('no-listing', `the listing of EA "${unit}" has no household`);
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    let drawn;
    try {
      drawn = selectHouseholds(design, [u.firstStage], tableOf(stringify(rows, { header: true, columns }), []), sample.seed);
    } catch (err) {
      badInput(err);
    }
    const created: string[] = [];
    for (const row of drawn.rows) {
      // The frame's columns, the listing's (the head's name among them: undeclared, so an identifier) and the design's.
      const caseData = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== ''));
      created.push(await insertAssignment(tx, surveyId, u.enumeratorId, caseData, 1));
    }
    const report = {
      ...drawn.clusters[0],
      households: rows.length,
      created: created.length,
      listingInterviews: interviews.map((i) => i.interview_id),
      ...(typedUnits.size && [...typedUnits].some((t) => t !== unit) ? { typedUnits: [...typedUnits] } : {}),
    };
    await closeScreeningUnit(tx, surveyId, unit, user.id, report);
    await audit(tx, user, 'draw', 'survey', surveyId, { stage: 'households', unit, created: created.length, shortfalls: report.shortfalls });
    return { unit, report, assignments: created };
  });
}

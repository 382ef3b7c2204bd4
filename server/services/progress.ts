import type { Database } from '../db/index.js';
import type { User } from '../auth/users.js';
import { HttpProblem } from '../http/problem.js';
import { progressCases, progressInterviews } from '../queries/progress.js';
import { latestVisitCodes } from '../queries/assignments.js';
import { dispositionOf } from '../../common/dispositions.js';
import type { ProgressRow } from '../../common/progress.js';

/** What fieldwork progress is grouped by: who (enumerator, team) or where and what (a case-data field such as ea, region, status). */
export type ProgressGroup = 'enumerator' | 'team' | string;

const FIELD = /^[A-Za-z_][A-Za-z0-9_.]{0,63}$/;
const STATES = ['completed', 'supervisor_approved', 'rejected', 'hq_approved'];

const median = (xs: number[]) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const minutesOf = (p: Record<string, unknown> | null): number | null => {
  const start = typeof p?.start === 'string' ? Date.parse(p.start) : NaN;
  const end = typeof p?.end === 'string' ? Date.parse(p.end) : NaN;
  const m = (end - start) / 60_000;
  return Number.isFinite(m) && m >= 0 && m < 24 * 60 ? m : null;
};

/**
 * Fieldwork progress of a survey, grouped by enumerator, team or a case-data field: cases and quota,
 * interviews by review state, response rate, reviews waiting and their age, interview length from the
 * paradata (median and the suspiciously short ones). A supervisor sees their team only.
 */
export async function fieldworkProgress(
  db: Database,
  user: User,
  surveyId: string,
  by: ProgressGroup,
  now = Date.now(),
): Promise<{ by: string; rows: ProgressRow[]; total: ProgressRow; surveyMedianMinutes: number | null }> {
  if (!FIELD.test(by)) throw new HttpProblem('bad-parameter', `by must be enumerator, team or a case field (letters, digits, _ .); got "${by.slice(0, 40)}"`);
  const team = user.role === 'supervisor' ? user.id : null;
  const cases = await progressCases(db, surveyId, team);
  const interviews = await progressInterviews(db, surveyId, team);
  const visits = await latestVisitCodes(db, surveyId);
  const interviewed = new Set(interviews.map((i) => i.assignment_id).filter((x): x is string => !!x));
  const caseById = new Map(cases.map((c) => [c.id, c]));
  const keyOfCase = (c: { enumerator: string; team: string | null; case_data: Record<string, unknown> }) =>
    by === 'enumerator' ? c.enumerator : by === 'team' ? (c.team ?? '(no supervisor)') : String(c.case_data?.[by] ?? '(none)');
  type Group = { cases: number; quota: number; states: Record<string, number>; waiting: number[]; minutes: number[]; outcomes: Record<string, number> };
  const groups = new Map<string, Group>();
  const group = (k: string) => {
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { cases: 0, quota: 0, states: Object.fromEntries(STATES.map((s) => [s, 0])), waiting: [], minutes: [], outcomes: {} }));
    return g;
  };
  for (const c of cases) {
    const g = group(keyOfCase(c));
    g.cases++;
    g.quota += c.quota;
    const outcome = interviewed.has(c.id) ? 'interviewed' : (visits.get(c.id) ?? 'pending');
    g.outcomes[outcome] = (g.outcomes[outcome] ?? 0) + 1;
  }
  const allMinutes: number[] = [];
  for (const i of interviews) {
    const c = i.assignment_id ? caseById.get(i.assignment_id) : undefined;
    const g = group(c ? keyOfCase(c) : by === 'enumerator' ? i.enumerator : by === 'team' ? (i.team ?? '(no supervisor)') : '(no case)');
    g.states[i.state] = (g.states[i.state] ?? 0) + 1;
    if (i.state === 'completed') g.waiting.push((now - new Date(i.received_at).getTime()) / 3_600_000);
    const m = minutesOf(i.paradata);
    if (m !== null) {
      g.minutes.push(m);
      allMinutes.push(m);
    }
  }
  const surveyMedian = median(allMinutes);
  const rowOf = (key: string, g: Group): ProgressRow => {
    const n = Object.values(g.states).reduce((a, b) => a + b, 0);
    const notEligible = Object.entries(g.outcomes)
      .filter(([code]) => dispositionOf(code)?.eligibility === 'not-eligible')
      .reduce((a, [, k]) => a + k, 0);
    const eligible = g.cases - notEligible;
    return {
      key,
      cases: g.cases,
      quota: g.quota,
      interviews: n,
      states: g.states,
      responseRate: eligible > 0 ? (g.outcomes.interviewed ?? 0) / eligible : null,
      waitingReview: g.waiting.length,
      // A loop, not Math.max(...): a census-sized queue would overflow the call stack.
      oldestWaitingHours: g.waiting.length ? Math.round(g.waiting.reduce((a, b) => (b > a ? b : a), -Infinity) * 10) / 10 : null,
      medianMinutes: median(g.minutes),
      short: surveyMedian === null ? 0 : g.minutes.filter((m) => m < surveyMedian / 3).length,
      outcomes: g.outcomes,
      notEligible,
    };
  };
  const rows = [...groups].map(([k, g]) => rowOf(k, g)).sort((a, b) => a.key.localeCompare(b.key));
  const all: Group = { cases: 0, quota: 0, states: Object.fromEntries(STATES.map((s) => [s, 0])), waiting: [], minutes: allMinutes, outcomes: {} };
  for (const g of groups.values()) {
    all.cases += g.cases;
    all.quota += g.quota;
    for (const [o, n] of Object.entries(g.outcomes)) all.outcomes[o] = (all.outcomes[o] ?? 0) + n;
    for (const [s, n] of Object.entries(g.states)) all.states[s] = (all.states[s] ?? 0) + n;
    all.waiting.push(...g.waiting);
  }
  return { by, rows, total: rowOf('total', all), surveyMedianMinutes: surveyMedian };
}

/** What the weights' nonresponse step reads (`mdsurvey weights --nonresponse result`): the AAPOR eligibility of an outcome. */
function resultOf(outcome: string): 'respondent' | 'nonrespondent' | 'ineligible' | 'unknown' {
  if (outcome === 'interviewed') return 'respondent';
  const d = dispositionOf(outcome);
  if (!d) return 'unknown'; // not visited (AAPOR 3.11, not attempted): eligibility unknown
  return d.eligibility === 'eligible' ? 'nonrespondent' : d.eligibility === 'not-eligible' ? 'ineligible' : 'unknown';
}

/**
 * Every case of a survey with its outcome, the input of the weights: the case data (design variables
 * from the sample file), the current interview's id when there is one, the final outcome (interviewed,
 * an AAPOR disposition, or pending) and the `result` the nonresponse adjustment reads.
 */
export async function caseOutcomes(db: Database, surveyId: string): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const cases = await progressCases(db, surveyId, null);
  const interviews = await progressInterviews(db, surveyId, null);
  const visits = await latestVisitCodes(db, surveyId);
  const interviewOf = new Map<string, string>();
  for (const i of interviews) if (i.assignment_id && !interviewOf.has(i.assignment_id)) interviewOf.set(i.assignment_id, i.interview_id);
  const own = ['case', 'enumerator', 'interview_id', 'outcome', 'aapor', 'result'];
  const fields = [...new Set(cases.flatMap((c) => Object.keys(c.case_data ?? {})))].filter((f) => !own.includes(f));
  const rows = cases.map((c) => {
    const outcome = interviewOf.has(c.id) ? 'interviewed' : (visits.get(c.id) ?? 'pending');
    return {
      case: c.id,
      enumerator: c.enumerator,
      ...Object.fromEntries(fields.map((f) => [f, c.case_data?.[f] ?? ''])),
      interview_id: interviewOf.get(c.id) ?? '',
      outcome,
      aapor: outcome === 'interviewed' ? '1.1' : (dispositionOf(outcome)?.aapor ?? '3.11'),
      result: resultOf(outcome),
    };
  });
  return { columns: ['case', 'enumerator', ...fields, 'interview_id', 'outcome', 'aapor', 'result'], rows };
}

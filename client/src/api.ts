import type { SubmissionState } from '../../common/lifecycle.js';
import type { ProgressRow } from '../../common/progress.js';
import { forgetUser, rememberUser } from './session.js';
import type { MediaEntry, SendResult, UploadResult, VisitEntry } from './offline/interview-store.js';
/** Server health as returned by GET /api/v1/health. */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  database: { kind: 'pglite' | 'postgres'; status: 'up' | 'down' };
}

/** The signed-in user. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  role: 'admin' | 'statistician' | 'supervisor' | 'enumerator' | 'analyst';
}

/** An account as the admin manages it. */
export interface Account extends User {
  supervisorId: string | null;
  disabled: boolean;
}

export const listAccounts = async () => (await call<{ users: Account[] }>('GET', '/users')).users;
export const createAccount = async (a: { username: string; displayName?: string; password: string; role: User['role']; supervisorId?: string }) =>
  (await call<{ user: Account }>('POST', '/users', a)).user;
export const updateAccount = async (id: string, change: { displayName?: string; role?: User['role']; supervisorId?: string | null; disabled?: boolean }) =>
  (await call<{ user: Account }>('PATCH', `/users/${id}`, change)).user;
/** Resets a password; without one the server makes one up and gives it back, once. */
export const resetAccountPassword = async (id: string, password?: string) =>
  call<{ reset: true; password?: string }>('POST', `/users/${id}/password`, password ? { password } : {});
export const endAccountSessions = async (id: string) => (await call<{ sessionsEnded: number }>('DELETE', `/users/${id}/sessions`)).sessionsEnded;

/** A problem answer from the API (RFC 9457). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
  /** What the server listed as wrong (path and message), when it did. */
  errors?: { path: string; message: string }[];
}

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const res = await fetch(`/api/v1${path}`, {
    method,
    signal,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const e = new ApiError(res.status, data?.code ?? 'error', data?.detail ?? `the server answered ${res.status}`);
    if (Array.isArray(data?.errors)) e.errors = data.errors;
    throw e;
  }
  return data as T;
}

/** Fetches the server's health; rejects with a readable message when the server cannot be reached. */
export async function fetchHealth(signal?: AbortSignal): Promise<Health> {
  const res = await fetch('/api/v1/health', { signal, headers: { accept: 'application/json' } });
  if (!res.ok && res.status !== 503) throw new Error(`server answered ${res.status}`);
  return (await res.json()) as Health;
}

/** Signs in with a session cookie. */
export async function login(username: string, password: string): Promise<User> {
  const user = (await call<{ user: User }>('POST', '/auth/login', { username, password })).user;
  rememberUser(user);
  return user;
}

/** The signed-in user, or null. */
export async function me(): Promise<User | null> {
  try {
    const user = (await call<{ user: User }>('GET', '/auth/me')).user;
    rememberUser(user);
    return user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      forgetUser();
      return null;
    }
    throw err;
  }
}

/** Signs out. */
export async function logout(): Promise<void> {
  try {
    await call('POST', '/auth/logout', {});
  } finally {
    // Offline or not, the device forgets who was signed in: their interviews are locked until they sign in again.
    forgetUser();
  }
}

/** A survey as listed by the server. */
export interface Survey {
  id: string;
  title: string;
  state: 'draft' | 'fieldwork' | 'closed';
  questionnaires: { id: string; version: string }[] | null;
}

/** A case to visit. */
export interface Assignment {
  id: string;
  case: Record<string, unknown>;
  quota: number;
  submitted: number;
}

export const listSurveys = async () => (await call<{ surveys: Survey[] }>('GET', '/surveys')).surveys;

/** A survey as its page shows it: settings and questionnaire versions with the interviews that used each. */
export interface SurveyDetail {
  survey: Survey & { settings: Record<string, unknown> };
  questionnaires: { id: string; version: string; publishedAt: string; interviews: number }[];
}
export interface LibraryEntry {
  id: string;
  version: string;
  title: string | Record<string, string>;
  kind: 'questionnaire' | 'module';
  settings: Record<string, string | number | boolean>;
}
export interface AssignmentPreview {
  created: number;
  preview: { cases: number; perEnumerator: Record<string, number>; first: { row: number; enumerator: string; quota: number; case: Record<string, unknown> }[] };
  problems?: { row?: number; column?: string; message: string }[];
}
export const getSurvey = (id: string) => call<SurveyDetail>('GET', `/surveys/${id}`);
export const listLibrary = async () => (await call<{ library: LibraryEntry[] }>('GET', '/library')).library;
export const createSurvey = async (title: string, questionnaire: unknown) =>
  (await call<{ survey: Survey }>('POST', '/surveys', { title, questionnaire })).survey;
export const changeSurvey = (id: string, change: { state?: Survey['state']; settings?: Record<string, unknown>; title?: string }) =>
  call<{ survey: Survey }>('PATCH', `/surveys/${id}`, change);
export const publishQuestionnaire = (id: string, questionnaire: unknown) =>
  call<{ questionnaire: { id: string; version: string } }>('POST', `/surveys/${id}/questionnaires`, { questionnaire });
export const putExchangeRates = (id: string, csv: string) => call<unknown>('PUT', `/surveys/${id}/exchange-rates`, { csv });
export const convertXlsform = (workbook: string, fileName: string, attachments: Record<string, string>) =>
  call<{ questionnaire: { id: string; version: string; title: unknown }; warnings: string[] }>('POST', '/xlsform', { workbook, fileName, attachments });
export type { ProgressRow };
export const getProgress = (id: string, by: string, signal?: AbortSignal) =>
  call<{ by: string; rows: ProgressRow[]; total: ProgressRow; surveyMedianMinutes: number | null }>(
    'GET',
    `/surveys/${id}/progress?by=${encodeURIComponent(by)}`,
    undefined,
    signal,
  );
export interface DrawResult {
  stage: string;
  selected: number;
  csv: string;
  strata: { stratum: string; frameUnits: number; allocated: number; certainty: number; weightSum: number }[];
  shortfalls: { cluster: string; shortfalls: string[] }[];
  unlisted: string[];
}
export const drawSample = (id: string, body: { design: unknown; frame: string; listing?: string; seed: number }) =>
  call<DrawResult>('POST', `/surveys/${id}/sample/draw`, body);
export const importAssignments = (
  id: string,
  body: { csv: string; enumeratorColumn?: string; enumerators?: string[]; groupBy?: string; quotaColumn?: string; dryRun?: boolean },
) => call<AssignmentPreview>('POST', `/surveys/${id}/assignments/import`, body);
export const listAssignments = async (surveyId: string) => (await call<{ assignments: Assignment[] }>('GET', `/surveys/${surveyId}/assignments`)).assignments;
export const getQuestionnaire = async (surveyId: string, version: string) =>
  (await call<{ questionnaire: unknown }>('GET', `/surveys/${surveyId}/questionnaires/${encodeURIComponent(version)}`)).questionnaire;

/** Sends one submission; null when the network failed (the outbox retries). */
export async function sendSubmission(surveyId: string, submission: unknown): Promise<SendResult> {
  try {
    const res = await fetch(`/api/v1/surveys/${surveyId}/submissions`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(submission),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  } catch {
    return null;
  }
}

/** Uploads the file of a media answer (base64 in JSON, as every body); null when the network failed. */
export async function uploadMedia(m: MediaEntry): Promise<UploadResult> {
  try {
    const data = await new Promise<string>((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(m.blob);
    });
    const res = await fetch(`/api/v1/surveys/${m.surveyId}/submissions/${m.instanceId}/media/${encodeURIComponent(m.name)}`, {
      method: 'PUT',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contentType: m.contentType, data }),
    });
    const body = (await res.json().catch(() => null)) as { detail?: string } | null;
    return { status: res.status, detail: body?.detail };
  } catch {
    return null;
  }
}

/** Sends a visit of a case (its disposition); null when the network failed. */
export async function sendVisit(v: VisitEntry): Promise<UploadResult> {
  try {
    const res = await fetch(`/api/v1/surveys/${v.surveyId}/assignments/${v.assignmentId}/visits`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: v.id, code: v.code, note: v.note, visitedAt: v.visitedAt }),
    });
    const body = (await res.json().catch(() => null)) as { detail?: string } | null;
    return { status: res.status, detail: body?.detail };
  } catch {
    return null;
  }
}

/** Where a media answer's file can be downloaded from the server. */
export const mediaUrl = (surveyId: string, instanceId: string, name: string) =>
  `/api/v1/surveys/${surveyId}/submissions/${instanceId}/media/${encodeURIComponent(name)}`;

/** A submission the supervisor sent back, with the answers to correct. */
export interface ReturnedSubmission {
  instanceId: string;
  questionnaireVersion: string;
  enumeratorId: string;
  review: { comments: Record<string, string>; note?: string } | null;
  answers: Record<string, unknown>;
}

/** The enumerator's interviews the supervisor rejected (current versions only). */
export async function listReturned(surveyId: string): Promise<ReturnedSubmission[]> {
  const list = (await call<{ submissions: { instanceId: string }[] }>('GET', `/surveys/${surveyId}/submissions?state=rejected`)).submissions;
  return Promise.all(
    list.map(async (s) => (await call<{ submission: ReturnedSubmission }>('GET', `/surveys/${surveyId}/submissions/${s.instanceId}`)).submission),
  );
}

/** A submission as listed for review. */
export interface SubmissionSummary {
  instanceId: string;
  interviewId: string;
  questionnaireVersion: string;
  enumeratorName: string;
  state: SubmissionState;
  receivedAt: string;
}

/** Submissions of a survey in one review state (a supervisor sees the team's, HQ everyone's). */
export const listSubmissions = async (surveyId: string, state: string) =>
  (await call<{ submissions: SubmissionSummary[] }>('GET', `/surveys/${surveyId}/submissions?state=${encodeURIComponent(state)}`)).submissions;

/** One submission with its answers. */
export const getSubmission = async (surveyId: string, instanceId: string) =>
  (
    await call<{ submission: SubmissionSummary & { answers: Record<string, unknown>; review: { comments: Record<string, string>; note?: string } | null } }>(
      'GET',
      `/surveys/${surveyId}/submissions/${instanceId}`,
    )
  ).submission;

/** Approves or rejects a submission, with comments per question path and a note. */
export const reviewSubmission = async (surveyId: string, instanceId: string, action: 'approve' | 'reject', comments: Record<string, string>, note: string) =>
  call<{ state: string }>('POST', `/surveys/${surveyId}/submissions/${instanceId}/review`, { action, comments, ...(note ? { note } : {}) });

export type { MonitoringReport, MonitoringRow } from '../../analysis/monitoring.js';

/** The monitoring matrix of a plan whose rounds are surveys (POST /monitoring). */
export const computeMonitoring = (plan: unknown) => call<import('../../analysis/monitoring.js').MonitoringReport>('POST', '/monitoring', plan);

/** The same matrix as a workbook. */
export async function monitoringWorkbookBlob(plan: unknown): Promise<Blob> {
  const res = await fetch('/api/v1/monitoring?format=xlsx', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(plan),
  });
  if (!res.ok) {
    const data = await res.json().catch(() => null);
    throw new ApiError(res.status, data?.code ?? 'error', data?.detail ?? `the server answered ${res.status}`);
  }
  return res.blob();
}

export type { IndicatorReport, IndicatorRow, DatasetTabulation, WeightedTable, WeightedEntry } from '../../analysis/index.js';

const query = (params: Record<string, string | undefined>) =>
  new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();

/** The indicator catalogue on a survey's approved interviews (published rows only). */
export const getIndicators = (surveyId: string, params: { compare?: string; by?: string; language?: string }, signal?: AbortSignal) =>
  call<import('../../analysis/index.js').IndicatorReport>('GET', `/surveys/${surveyId}/indicators?${query(params)}`, undefined, signal);

/** A weighted table of a survey (withheld entries come back blank). */
export const getTable = (
  surveyId: string,
  params: { rows?: string; cols?: string; by?: string; level?: string; preset?: string; language?: string },
  signal?: AbortSignal,
) => call<import('../../analysis/index.js').DatasetTabulation>('GET', `/surveys/${surveyId}/tables?${query(params)}`, undefined, signal);

/** The analyst's codebook of a survey. */
export const getCodebook = (surveyId: string) =>
  call<{ variables: { variable: string; level: string; type: string; label: Record<string, string>; identifier: boolean }[] }>(
    'GET',
    `/surveys/${surveyId}/export/codebook.json`,
  );

/** Address of a download (the session cookie goes with it). */
export const downloadUrl = (path: string, params: Record<string, string | undefined> = {}) => {
  const q = query(params);
  return `/api/v1${path}${q ? `?${q}` : ''}`;
};

/** An EA of the screening sample: its listing and, once its listing is closed, its households drawn. */
export interface ScreeningUnit {
  unit: string;
  stratum?: string;
  pi1: number;
  enumerator: string;
  listingAssignmentId: string;
  listingInterviews: { interviewId: string; state: string }[];
  listed: number;
  closedAt: string | null;
  report: { listed: Record<string, number>; selected: Record<string, number>; shortfalls: string[]; created: number; typedUnits?: string[] } | null;
}
export interface Screening {
  listingSurveyId: string;
  seed: number;
  quotas: Record<string, number>;
  strata: DrawResult['strata'];
  units: ScreeningUnit[];
}
export const getScreening = async (surveyId: string) => (await call<{ screening: Screening | null }>('GET', `/surveys/${surveyId}/screening`)).screening;
export const startScreening = (surveyId: string, body: { design: unknown; frame: string; seed: number; enumerators: string[] }) =>
  call<{ listingSurveyId: string; units: number; perEnumerator: Record<string, number> }>('POST', `/surveys/${surveyId}/screening`, body);
export const closeListing = (surveyId: string, unit: string) =>
  call<{ unit: string; report: NonNullable<ScreeningUnit['report']> }>('POST', `/surveys/${surveyId}/screening/units/${encodeURIComponent(unit)}/close`, {});

/** Kish's summary of a set of weights after a step. */
export interface WeightStep {
  step: string;
  diagnostics: { n: number; positive: number; sum: number; min: number; max: number; ratio: number; cv: number; deffWeighting: number; effectiveN: number };
}
export interface WeightsResult {
  cases: number;
  respondents: number;
  steps: WeightStep[];
  nonresponseClasses?: { class: string; respondents: number; nonrespondents: number; ineligible: number; unknown: number; factor: number }[];
  attached: boolean;
}
export const computeWeights = (
  surveyId: string,
  body: { classes?: string[]; poststratify?: { variable: string; totals: string }; trim?: [number, number]; attach?: boolean },
) => call<WeightsResult>('POST', `/surveys/${surveyId}/weights`, body);
export const getWeights = (surveyId: string) =>
  call<{ attached: null | { steps: unknown; report: WeightsResult; cases: number; computedAt: string; outdated: boolean } }>(
    'GET',
    `/surveys/${surveyId}/weights`,
  );

/** Library modules composed into a host questionnaire (as `questionnaire compose`); a misfit is a 422 listing every clash. */
export const composeModules = (body: { host: string; modules: string[]; mapping?: Record<string, string> }) =>
  call<{ questionnaire: unknown; summary: { questions: number; rosters: string[] } }>('POST', '/compose', body);

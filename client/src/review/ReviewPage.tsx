import { QUEUE_OF_LEVEL, type SubmissionState } from '../../../common/lifecycle.js';
import { useEffect, useMemo, useState } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router-dom';
import { compileQuestionnaire, textIn, type FieldDef } from '../../../questionnaires/compile-questionnaire.js';
import { FormState, type Row } from '../../../questionnaires/form-state.js';
import { interpolate } from '../interview/ItemView.js';
import type { Questionnaire } from '../../../questionnaires/format.js';
import {
  ApiError,
  getQuestionnaire,
  getSubmission,
  listSubmissions,
  listSurveys,
  me,
  mediaUrl,
  reviewSubmission,
  type SubmissionSummary,
  type Survey,
  type User,
} from '../api.js';

/** The review state a role works on: supervisors first review completed interviews, HQ the approved ones. */
function queueOf(user: User): SubmissionState | null {
  if (user.role === 'supervisor') return QUEUE_OF_LEVEL.first;
  if (user.role === 'statistician' || user.role === 'admin') return QUEUE_OF_LEVEL.hq;
  return null;
}

/** Interviews waiting for this user's review, per survey. */
export function ReviewListPage() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const [queues, setQueues] = useState<{ survey: Survey; submissions: SubmissionSummary[] }[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const message = (useLocation().state as { message?: string } | null)?.message;
  useEffect(() => {
    (async () => {
      const u = await me();
      setUser(u);
      const state = u ? queueOf(u) : null;
      if (!state) return;
      const surveys = await listSurveys();
      // HQ also gives the first review to interviews of enumerators who have no supervisor.
      const orphans = async (id: string) =>
        state === QUEUE_OF_LEVEL.hq ? (await listSubmissions(id, QUEUE_OF_LEVEL.first)).filter((x) => (x as { noSupervisor?: boolean }).noSupervisor) : [];
      setQueues(
        await Promise.all(
          surveys.map(async (survey) => ({ survey, submissions: [...(await orphans(survey.id)), ...(await listSubmissions(survey.id, state))] })),
        ),
      );
    })().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);
  if (error)
    return (
      <p className="bad" role="alert">
        {error}
      </p>
    );
  if (user === undefined) return <p role="status">Loading…</p>;
  if (user === null)
    return (
      <p>
        <Link to="/login">Sign in</Link> to review interviews.
      </p>
    );
  if (!queueOf(user)) return <p>Reviewing interviews is for supervisors and headquarters (statisticians).</p>;
  return (
    <section>
      <h1>Review</h1>
      {message && (
        <p className="good" role="status" data-testid="review-message">
          {message}
        </p>
      )}
      <p>
        {user.role === 'supervisor'
          ? 'Completed interviews of your team, waiting for your first review.'
          : 'Interviews approved by supervisors, waiting for headquarters.'}
      </p>
      {queues === null && <p role="status">Loading…</p>}
      {queues?.map(({ survey, submissions }) => (
        <div key={survey.id}>
          <h2>{survey.title}</h2>
          {submissions.length === 0 ? (
            <p data-testid="review-empty">Nothing to review.</p>
          ) : (
            <div className="table-scroll">
              <table className="review-list">
                <thead>
                  <tr>
                    <th>Interview</th>
                    <th>Enumerator</th>
                    <th>Received</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {submissions.map((s) => (
                    <tr key={s.instanceId} data-testid="review-row">
                      <td>{s.interviewId.slice(0, 8)}</td>
                      <td>{s.enumeratorName}</td>
                      <td>{new Date(s.receivedAt).toLocaleString()}</td>
                      <td>
                        <Link to={`/review/${survey.id}/${s.instanceId}`}>Review</Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      ))}
    </section>
  );
}

/** A question's answer as the enumerator saw it: choice labels, amounts with their currency. */
function shown(field: FieldDef, answer: unknown, language: string, fallback: string): string {
  if (answer === undefined || answer === null || answer === '') return '—';
  const label = (v: unknown) => {
    const c = field.choices?.find((x) => x.value === String(v));
    return c ? textIn(c.label, language, fallback) : String(v);
  };
  if (Array.isArray(answer)) return answer.map(label).join(', ');
  if (typeof answer === 'object') {
    const a = answer as { amount?: number; currency?: string };
    return `${a.amount ?? ''} ${a.currency ?? ''}`.trim();
  }
  return label(answer);
}

interface Line {
  path: string;
  label: string;
  answer: string;
  /** A media answer: the file's name, downloadable from the server. */
  media?: string;
  /** What the questionnaire's checks say of the answer (a constraint it breaks, a required answer missing). */
  problem?: string;
  depth: number;
  heading?: boolean;
}

/** Every relevant question of an interview in order, roster rows under their own heading. */
function linesOf(state: FormState, language: string): Line[] {
  const q = state.questionnaire;
  const fallback = q.source.languages.default;
  const out: Line[] = [];
  const walk = (scope: number, row: Row, depth: number) => {
    for (const i of q.fieldsOfScope.get(scope) ?? []) {
      const f = q.fields[i];
      if (!row.relevant[f.slot]) continue;
      if (f.item.kind === 'question') {
        out.push({
          path: state.pathOf(f, row, 'index'),
          label: interpolate(textIn(f.item.label, language, fallback), state, row),
          answer: shown(f, row.answers[f.slot], language, fallback),
          ...(['image', 'audio', 'video', 'file'].includes(f.item.type) && typeof row.answers[f.slot] === 'string' && row.answers[f.slot]
            ? { media: row.answers[f.slot] as string }
            : {}),
          problem: row.problems[f.slot]?.message,
          depth,
        });
      } else if (f.item.kind === 'roster') {
        const title = textIn(f.item.label, language, fallback) || f.name;
        state.rowsOf(f.index, row).forEach((r, n) => {
          // A row is named by its first text answer (the member's name), as the enumerator saw it.
          const first = (q.fieldsOfScope.get(f.index) ?? []).map((i) => q.fields[i]).find((x) => x.item.kind === 'question' && x.item.type === 'text');
          const name = first ? r.values[first.slot] : null;
          out.push({
            path: `${state.pathOf(f, row, 'index')}#${n}`,
            label: `${title} ${n + 1}${typeof name === 'string' && name ? `: ${name}` : ''}`,
            answer: '',
            depth,
            heading: true,
          });
          walk(f.index, r, depth + 1);
        });
      }
    }
  };
  walk(-1, state.root, 0);
  return out;
}

/** One interview: every answer, a comment box per question, approve or reject. */
export function ReviewPage() {
  const { surveyId = '', instanceId = '' } = useParams();
  const navigate = useNavigate();
  const [state, setState] = useState<FormState | null>(null);
  const [submission, setSubmission] = useState<SubmissionSummary | null>(null);
  const [comments, setComments] = useState<Record<string, string>>({});
  const [note, setNote] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    (async () => {
      const s = await getSubmission(surveyId, instanceId);
      const def = await getQuestionnaire(surveyId, s.questionnaireVersion);
      const form = new FormState(compileQuestionnaire(def as Questionnaire, { trusted: true }), { enumerator: s.enumeratorName });
      form.load(s.answers);
      // What the questionnaire's checks say of the answers (constraints, required answers).
      form.evaluateAll();
      setSubmission(s);
      setState(form);
    })().catch((err: unknown) => setStatus(err instanceof Error ? err.message : String(err)));
  }, [surveyId, instanceId]);
  const language = state?.questionnaire.source.languages.default ?? 'en';
  const lines = useMemo(() => (state ? linesOf(state, language) : []), [state, language]);
  const decide = async (action: 'approve' | 'reject') => {
    setBusy(true);
    setStatus(action === 'approve' ? 'Approving…' : 'Sending back…');
    try {
      const written = Object.fromEntries(Object.entries(comments).filter(([, v]) => v.trim()));
      const r = await reviewSubmission(surveyId, instanceId, action, written, note.trim());
      navigate('/review', { state: { message: `Interview ${action === 'approve' ? 'approved' : 'sent back'} (${r.state}).` } });
    } catch (err) {
      setStatus(err instanceof ApiError ? err.message : String(err));
      setBusy(false);
    }
  };
  if (!state || !submission) return <p role="status">{status ?? 'Loading…'}</p>;
  return (
    <section>
      <p>
        <Link to="/review">Back to the list</Link>
      </p>
      <h1>Interview {submission.interviewId.slice(0, 8)}</h1>
      <p>
        By {submission.enumeratorName}, received {new Date(submission.receivedAt).toLocaleString()}. Write a comment at any answer to correct; the enumerator
        sees it at the question.
      </p>
      <table className="review">
        <tbody>
          {lines.map((l) =>
            l.heading ? (
              <tr key={l.path}>
                <th colSpan={3} style={{ paddingLeft: `${l.depth}em` }}>
                  {l.label}
                </th>
              </tr>
            ) : (
              <tr key={l.path} data-question={l.path}>
                <td style={{ paddingLeft: `${l.depth}em` }}>{l.label}</td>
                <td>
                  {l.media ? (
                    <a href={mediaUrl(surveyId, instanceId, l.media)} data-testid="media-link">
                      {l.answer}
                    </a>
                  ) : (
                    l.answer
                  )}
                  {l.problem && (
                    <span className="bad" data-testid="answer-problem">
                      {' '}
                      ({l.problem})
                    </span>
                  )}
                </td>
                <td>
                  <input
                    aria-label={`Comment on ${l.path}`}
                    value={comments[l.path] ?? ''}
                    onChange={(e) => setComments({ ...comments, [l.path]: e.target.value })}
                  />
                </td>
              </tr>
            ),
          )}
        </tbody>
      </table>
      <label htmlFor="review-note" className="block">
        Note to the enumerator
      </label>
      <textarea id="review-note" className="block" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
      <p>
        <button type="button" disabled={busy} onClick={() => decide('approve')}>
          Approve
        </button>{' '}
        <button type="button" disabled={busy} onClick={() => decide('reject')}>
          Send back for correction
        </button>
      </p>
      {status && (
        <p role="status" aria-live="polite">
          {status}
        </p>
      )}
    </section>
  );
}

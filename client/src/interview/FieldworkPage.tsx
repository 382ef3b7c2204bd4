import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { getQuestionnaire, listAssignments, listReturned, listSurveys, sendSubmission, sendVisit, uploadMedia, type Assignment, type Survey } from '../api.js';
import { interviewStore } from '../offline/store-instance.js';
import { deviceUser, userKey } from '../session.js';
import type { Draft, MediaEntry, OutboxEntry, SentEntry, VisitEntry } from '../offline/interview-store.js';
import { DISPOSITIONS } from '../../../common/dispositions.js';

/** Fields that find a household, shown first when a case has them (the EA, the household, its head, its address). */
const LABEL_FIRST = ['ea', 'hh', 'head_name', 'address', 'dwelling', 'status', 'status_s'];

/**
 * What finds a household: its text fields and whole-number ids (EA, household, head, address, screening
 * status), those above first, at most six; not the design's probabilities and weights, nor the listing's
 * keys, ids and screening answers.
 */
export function caseLabel(data: Record<string, unknown>): string {
  const design = /^(pi\d*|w\d*|weight|design_weight|final_weight|certainty|n_h|N_h|M_s|m_s|households|fpc\d*|l_.*|.*_key|.*_id)$/i;
  const rank = (k: string) => (LABEL_FIRST.includes(k) ? LABEL_FIRST.indexOf(k) : LABEL_FIRST.length);
  return Object.entries(data)
    .filter(([k, v]) => !design.test(k) && (typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))))
    .sort(([a], [b]) => rank(a) - rank(b))
    .slice(0, 6)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(' · ');
}

const PAGE = 50;

/** The outcome of a visit without an interview: an AAPOR disposition and a note. */
function VisitForm({ onSave }: { onSave: (code: string, note: string) => void }) {
  const [code, setCode] = useState<string>(DISPOSITIONS[3].code);
  const [note, setNote] = useState('');
  return (
    <form
      className="visit"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(code, note.trim());
      }}
    >
      <label>
        Result of the visit{' '}
        <select value={code} onChange={(e) => setCode(e.target.value)}>
          {DISPOSITIONS.map((d) => (
            <option key={d.code} value={d.code}>
              {d.label}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        Note <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
      </label>{' '}
      <button type="submit">Save the visit</button>
    </form>
  );
}

/** The cases of a survey: labelled by what finds the household, searchable, 50 at a time. */
function CaseList({
  assignments,
  visits,
  onStart,
  onVisit,
}: {
  assignments: Assignment[];
  visits: VisitEntry[];
  onStart: (a: Assignment) => void;
  onVisit: (a: Assignment, code: string, note: string) => void;
}) {
  const [visiting, setVisiting] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [shown, setShown] = useState(PAGE);
  const [open, setOpen] = useState(false);
  const q = query.trim().toLowerCase();
  const lastVisit = (id: string) => {
    const v = visits
      .filter((x) => x.assignmentId === id)
      .sort((x, y) => x.visitedAt.localeCompare(y.visitedAt))
      .at(-1);
    if (!v) return '';
    const label = DISPOSITIONS.find((d) => d.code === v.code)?.label ?? v.code;
    return `${label}${v.sent ? '' : v.error ? ` (refused by the server: ${v.error})` : ' (not sent yet)'}`;
  };
  const matching = assignments.filter((a) => (!open || a.submitted < a.quota) && (!q || caseLabel(a.case).toLowerCase().includes(q)));
  return (
    <>
      {assignments.length > 10 && (
        <div className="filters">
          <label>
            Find a case <input type="search" value={query} onChange={(e) => (setQuery(e.target.value), setShown(PAGE))} placeholder="EA, address, status" />
          </label>{' '}
          <label>
            <input type="checkbox" checked={open} onChange={(e) => setOpen(e.target.checked)} /> only cases still to interview
          </label>
          <p className="hint">
            {matching.length} of {assignments.length} cases
          </p>
        </div>
      )}
      <ul className="cases">
        {matching.slice(0, shown).map((a) => {
          // A case whose quota is filled takes no new interview (the server refuses it with 409); a
          // returned interview is corrected from "In progress" instead.
          const full = a.submitted >= a.quota;
          return (
            <li key={a.id} data-case={a.id}>
              {caseLabel(a.case) || 'Case'} ({a.submitted}/{a.quota}){lastVisit(a.id) && <span className="hint"> — last visit: {lastVisit(a.id)}</span>}
              {full ? (
                <span className="hint"> — quota reached</span>
              ) : (
                <>
                  {' '}
                  <button type="button" onClick={() => onStart(a)}>
                    Start interview
                  </button>{' '}
                  <button type="button" className="link" onClick={() => setVisiting(visiting === a.id ? null : a.id)}>
                    No interview: record the visit
                  </button>
                </>
              )}
              {visiting === a.id && (
                <VisitForm
                  onSave={(code, note) => {
                    setVisiting(null);
                    onVisit(a, code, note);
                  }}
                />
              )}
            </li>
          );
        })}
      </ul>
      {matching.length > shown && (
        <button type="button" className="link" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, matching.length - shown)} more
        </button>
      )}
    </>
  );
}

/** The enumerator's desk: cases to visit, interviews in progress, waiting to be sent, sent. */
export function FieldworkPage() {
  const navigate = useNavigate();
  const [surveys, setSurveys] = useState<(Survey & { assignments: Assignment[] })[] | null>(null);
  const [offline, setOffline] = useState(false);
  const [drafts, setDrafts] = useState<Draft[]>([]);
  const [outbox, setOutbox] = useState<OutboxEntry[]>([]);
  const [sent, setSent] = useState<SentEntry[]>([]);
  const [status, setStatus] = useState('');
  const [media, setMedia] = useState<MediaEntry[]>([]);
  const [visits, setVisits] = useState<VisitEntry[]>([]);

  const refresh = useCallback(async () => {
    const store = await interviewStore();
    setDrafts(await store.listDrafts());
    setOutbox(await store.listOutbox());
    setSent(await store.listSent());
    setMedia((await store.listMedia()).filter((m) => !m.uploaded));
    setVisits(await store.listVisits());
  }, []);

  const flush = useCallback(
    async (now = false) => {
      const store = await interviewStore();
      const r = await store.flush(sendSubmission, Date.now(), { ignoreBackoff: now, upload: uploadMedia, sendVisit });
      setStatus(r.sent ? `${r.sent} interview${r.sent === 1 ? '' : 's'} sent` : r.waiting ? `${r.waiting} waiting for a connection` : '');
      await refresh();
    },
    [refresh],
  );

  useEffect(() => {
    (async () => {
      try {
        const list = (await listSurveys()).filter((s) => s.state === 'fieldwork');
        const withCases = await Promise.all(list.map(async (s) => ({ ...s, assignments: await listAssignments(s.id) })));
        localStorage.setItem(userKey('mdsurvey-cases'), JSON.stringify(withCases));
        setSurveys(withCases);
        // Interviews the supervisor sent back become correction drafts (a new version naming the old one),
        // on the device of the enumerator who made them: never on a supervisor's.
        const store = await interviewStore();
        // Each survey's current questionnaire is kept on the device now, while there is a connection: an
        // enumerator who goes out of coverage before starting an interview can still start one.
        for (const s of withCases) {
          const v = s.questionnaires?.at(-1)?.version;
          if (v && s.assignments.length && !(await store.getQuestionnaire(s.id, v))) await store.saveQuestionnaire(s.id, v, await getQuestionnaire(s.id, v));
        }
        const drafts = await store.listDrafts();
        const user = deviceUser();
        for (const s of user?.role === 'enumerator' ? withCases : []) {
          for (const r of (await listReturned(s.id)).filter((x) => x.enumeratorId === user!.id)) {
            if (drafts.some((d) => d.submission.deprecatedId === r.instanceId)) continue;
            const q = s.questionnaires?.find((x) => x.version === r.questionnaireVersion);
            if (!q) continue;
            const instanceId = crypto.randomUUID();
            await store.addCorrectionDraft({
              instanceId,
              surveyId: s.id,
              title: `Returned for correction (${r.instanceId.slice(0, 8)})`,
              review: r.review ?? { comments: {} },
              submission: {
                instanceId,
                deprecatedId: r.instanceId,
                questionnaire: q,
                answers: r.answers,
                paradata: { start: new Date().toISOString(), correcting: r.instanceId },
              },
            });
          }
        }
        await refresh();
      } catch {
        setOffline(true);
        setSurveys(JSON.parse(localStorage.getItem(userKey('mdsurvey-cases')) ?? '[]'));
        await refresh().catch(() => undefined);
      }
      await flush();
    })();
    const online = () => void flush(true);
    window.addEventListener('online', online);
    const timer = setInterval(() => void flush(), 30_000);
    return () => {
      window.removeEventListener('online', online);
      clearInterval(timer);
    };
  }, [flush]);

  const reopen = async (instanceId: string, surveyId: string) => {
    await (await interviewStore()).reopen(instanceId);
    navigate(`/surveys/${surveyId}/interviews/${instanceId}`);
  };

  const start = async (survey: Survey, assignment?: Assignment) => {
    const q = survey.questionnaires?.at(-1);
    if (!q) return;
    const instanceId = crypto.randomUUID();
    const store = await interviewStore();
    await store.saveDraft({
      instanceId,
      surveyId: survey.id,
      title: assignment ? String(assignment.case.address ?? assignment.case.ea ?? 'Case') : 'New interview',
      submission: {
        instanceId,
        questionnaire: q,
        answers: {},
        ...(assignment ? { assignmentId: assignment.id } : {}),
        paradata: { start: new Date().toISOString() },
      },
    });
    navigate(`/surveys/${survey.id}/interviews/${instanceId}`);
  };

  const exportRescue = async () => {
    const store = await interviewStore();
    const bySurvey = [...new Set([...outbox.map((o) => o.surveyId), ...drafts.map((d) => d.surveyId)])];
    for (const surveyId of bySurvey) {
      const file = await store.rescueFile(surveyId);
      const url = URL.createObjectURL(new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `unsent-interviews-${surveyId}-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      URL.revokeObjectURL(url);
    }
  };

  return (
    <section>
      <h1>Fieldwork</h1>
      {offline && (
        <p className="bad" role="status">
          No connection: showing the cases saved on this device.
        </p>
      )}
      <p role="status" aria-live="polite" data-testid="outbox-status">
        {status}
      </p>
      {surveys === null && <p role="status">Loading…</p>}
      {surveys?.map((s) => (
        <div key={s.id} className="card wide">
          <h2>{s.title}</h2>
          <CaseList
            assignments={s.assignments}
            visits={visits}
            onStart={(a) => void start(s, a)}
            onVisit={(a, code, note) =>
              void (async () => {
                const store = await interviewStore();
                await store.addVisit({ id: crypto.randomUUID(), surveyId: s.id, assignmentId: a.id, code, note, visitedAt: new Date().toISOString() });
                await flush(true);
              })()
            }
          />
          <button type="button" onClick={() => void start(s)}>
            New interview without a case
          </button>
        </div>
      ))}
      <h2>In progress ({drafts.length})</h2>
      <ul>
        {drafts.map((d) => (
          <li key={d.instanceId}>
            <Link to={`/surveys/${d.surveyId}/interviews/${d.instanceId}`}>{d.title ?? d.instanceId}</Link> — saved {new Date(d.updatedAt).toLocaleString()}
            {d.review && ' (returned by the supervisor)'}
          </li>
        ))}
      </ul>
      <h2>Waiting to be sent ({outbox.length})</h2>
      <ul data-testid="outbox">
        {outbox.map((o) => (
          <li key={o.instanceId}>
            {o.title ?? o.instanceId} — {o.status === 'failed' ? `refused: ${o.lastError}` : o.lastError ? `will retry (${o.lastError})` : 'queued'}
            {o.status === 'failed' && (
              <>
                {' '}
                <button type="button" onClick={() => void reopen(o.instanceId, o.surveyId)}>
                  Open to correct
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void flush(true)}>
        Send now
      </button>{' '}
      <button type="button" onClick={() => void exportRescue()} disabled={!outbox.length && !drafts.length}>
        Export my unsent interviews to a file
      </button>
      {media.length > 0 && (
        <p data-testid="media-waiting">
          Files (photos, recordings) waiting to be sent: {media.filter((m) => !m.error).length}
          {media.some((m) => m.error) && (
            <span className="bad">
              {' '}
              — refused by the server:{' '}
              {media
                .filter((m) => m.error)
                .map((m) => `${m.name} (${m.error})`)
                .join('; ')}
            </span>
          )}
        </p>
      )}
      <h2>Sent ({sent.length})</h2>
      <ul data-testid="sent">
        {sent.map((s) => (
          <li key={s.instanceId}>
            {s.title ?? s.instanceId} — {new Date(s.sentAt).toLocaleString()}
          </li>
        ))}
      </ul>
    </section>
  );
}

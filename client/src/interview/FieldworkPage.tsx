import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { getQuestionnaire, listAssignments, listReturned, listSurveys, sendSubmission, sendVisit, uploadMedia, type Assignment, type Survey } from '../api.js';
import { interviewStore } from '../offline/store-instance.js';
import { deviceLanguage, deviceUser, setDeviceLanguage, userKey } from '../session.js';
import { INTERFACE_LANGUAGES, interfaceText, type InterfaceKey } from '../../../questionnaires/interface-text.js';
import type { Draft, MediaEntry, OutboxEntry, SentEntry, VisitEntry } from '../offline/interview-store.js';
import { DISPOSITIONS, dispositionLabel } from '../../../common/dispositions.js';

type Say = (key: InterfaceKey, vars?: Record<string, string | number>) => string;
const LANGUAGE_NAMES: Record<string, string> = { en: 'English', fr: 'Français', es: 'Español' };

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
function VisitForm({ onSave, t, language }: { onSave: (code: string, note: string) => void; t: Say; language: string }) {
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
        {t('visitResult')}{' '}
        <select value={code} onChange={(e) => setCode(e.target.value)}>
          {DISPOSITIONS.map((d) => (
            <option key={d.code} value={d.code}>
              {dispositionLabel(d.code, language)}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        {t('note')} <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
      </label>{' '}
      <button type="submit">{t('saveVisit')}</button>
    </form>
  );
}

/** The cases of a survey: labelled by what finds the household, searchable, 50 at a time. */
function CaseList({
  assignments,
  visits,
  onStart,
  onVisit,
  t,
  language,
}: {
  assignments: Assignment[];
  visits: VisitEntry[];
  onStart: (a: Assignment) => void;
  onVisit: (a: Assignment, code: string, note: string) => void;
  t: Say;
  language: string;
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
    const label = dispositionLabel(v.code, language);
    return `${label}${v.sent ? '' : ` ${v.error ? t('refusedByServer', { error: v.error }) : t('notSentYet')}`}`;
  };
  const matching = assignments.filter((a) => (!open || a.submitted < a.quota) && (!q || caseLabel(a.case).toLowerCase().includes(q)));
  return (
    <>
      {assignments.length > 10 && (
        <div className="filters">
          <label>
            {t('findCase')} <input type="search" value={query} onChange={(e) => (setQuery(e.target.value), setShown(PAGE))} placeholder={t('findCaseHint')} />
          </label>{' '}
          <label>
            <input type="checkbox" checked={open} onChange={(e) => setOpen(e.target.checked)} /> {t('onlyOpen')}
          </label>
          <p className="hint">{t('casesShown', { n: matching.length, total: assignments.length })}</p>
        </div>
      )}
      <ul className="cases">
        {matching.slice(0, shown).map((a) => {
          // A case whose quota is filled takes no new interview (the server refuses it with 409); a
          // returned interview is corrected from "In progress" instead.
          const full = a.submitted >= a.quota;
          return (
            <li key={a.id} data-case={a.id}>
              {caseLabel(a.case) || 'Case'} ({a.submitted}/{a.quota})
              {lastVisit(a.id) && <span className="hint"> — {t('lastVisit', { what: lastVisit(a.id) })}</span>}
              {full ? (
                <span className="hint"> — {t('quotaReached')}</span>
              ) : (
                <>
                  {' '}
                  <button type="button" onClick={() => onStart(a)}>
                    {t('startInterview')}
                  </button>{' '}
                  <button type="button" className="link" onClick={() => setVisiting(visiting === a.id ? null : a.id)}>
                    {t('recordVisit')}
                  </button>
                </>
              )}
              {visiting === a.id && (
                <VisitForm
                  t={t}
                  language={language}
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
          {t('showMore', { n: Math.min(PAGE, matching.length - shown) })}
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
  // The interface language chosen on this device (English until one is chosen); kept for the interview pages too.
  const [language, setLanguage] = useState(() => (INTERFACE_LANGUAGES.includes(deviceLanguage()) ? deviceLanguage() : 'en'));
  const t = interfaceText(language);
  const say = useRef(t);
  say.current = t;

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
      setStatus(r.sent ? say.current('sentCount', { n: r.sent }) : r.waiting ? say.current('waitingCount', { n: r.waiting }) : '');
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
      <h1>{t('fieldwork')}</h1>
      <label className="block">
        {t('language')}{' '}
        <select
          value={language}
          onChange={(e) => {
            setDeviceLanguage(e.target.value);
            setLanguage(e.target.value);
          }}
        >
          {INTERFACE_LANGUAGES.map((l) => (
            <option key={l} value={l}>
              {LANGUAGE_NAMES[l] ?? l}
            </option>
          ))}
        </select>
      </label>
      {offline && (
        <p className="bad" role="status">
          {t('noConnection')}
        </p>
      )}
      <p role="status" aria-live="polite" data-testid="outbox-status">
        {status}
      </p>
      {surveys === null && <p role="status">{t('loading')}</p>}
      {surveys?.map((s) => (
        <div key={s.id} className="card wide">
          <h2>{s.title}</h2>
          <CaseList
            assignments={s.assignments}
            visits={visits}
            t={t}
            language={language}
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
            {t('newInterview')}
          </button>
        </div>
      ))}
      <h2>{t('inProgress', { n: drafts.length })}</h2>
      <ul>
        {drafts.map((d) => (
          <li key={d.instanceId}>
            <Link to={`/surveys/${d.surveyId}/interviews/${d.instanceId}`}>{d.title ?? d.instanceId}</Link> —{' '}
            {t('savedAt', { when: new Date(d.updatedAt).toLocaleString(language) })}
            {d.review && ` ${t('returnedMark')}`}
          </li>
        ))}
      </ul>
      <h2>{t('waitingToSend', { n: outbox.length })}</h2>
      <ul data-testid="outbox">
        {outbox.map((o) => (
          <li key={o.instanceId}>
            {o.title ?? o.instanceId} —{' '}
            {o.status === 'failed' ? t('refused', { error: o.lastError ?? '' }) : o.lastError ? t('willRetry', { error: o.lastError }) : t('queued')}
            {o.status === 'failed' && (
              <>
                {' '}
                <button type="button" onClick={() => void reopen(o.instanceId, o.surveyId)}>
                  {t('openToCorrect')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void flush(true)}>
        {t('sendNow')}
      </button>{' '}
      <button type="button" onClick={() => void exportRescue()} disabled={!outbox.length && !drafts.length}>
        {t('exportUnsent')}
      </button>
      {media.length > 0 && (
        <p data-testid="media-waiting">
          {t('mediaWaiting', { n: media.filter((m) => !m.error).length })}
          {media.some((m) => m.error) && (
            <span className="bad">
              {' '}
              — {t('mediaRefused')}{' '}
              {media
                .filter((m) => m.error)
                .map((m) => `${m.name} (${m.error})`)
                .join('; ')}
            </span>
          )}
        </p>
      )}
      <h2>{t('sentList', { n: sent.length })}</h2>
      <ul data-testid="sent">
        {sent.map((s) => (
          <li key={s.instanceId}>
            {s.title ?? s.instanceId} — {new Date(s.sentAt).toLocaleString(language)}
          </li>
        ))}
      </ul>
    </section>
  );
}

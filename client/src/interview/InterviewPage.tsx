import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { compileQuestionnaire, textIn, type CompiledQuestionnaire } from '../../../questionnaires/compile-questionnaire.js';
import { FormState } from '../../../questionnaires/form-state.js';
import { InputError } from '../../../common/errors.js';
import type { Questionnaire } from '../../../questionnaires/format.js';
import { getQuestionnaire, mediaUrl, sendSubmission, sendVisit, uploadMedia } from '../api.js';
import { interviewStore } from '../offline/store-instance.js';
import { deviceLanguage, deviceUser, setDeviceLanguage } from '../session.js';
import type { Draft } from '../offline/interview-store.js';
import { ItemView } from './ItemView.js';
import { CountryLists } from './QuestionInput.js';
import { extensionOf, MediaContext, type MediaAccess } from './media.js';
import { interfaceText } from '../../../questionnaires/interface-text.js';

/** The test-only latency log, or null when nobody measures. */
function latencyLog(): number[] | null {
  const log = (window as unknown as { __mdsurveyInputLatency?: unknown }).__mdsurveyInputLatency;
  return Array.isArray(log) ? (log as number[]) : null;
}

/** Top-level items grouped into sections: every group or roster is one, loose questions between them another. */
function sectionsOf(q: CompiledQuestionnaire): { title: string; items: number[] }[] {
  const out: { title: string; items: number[] }[] = [];
  let loose: number[] = [];
  const lang = q.source.languages.default;
  for (const i of q.fieldsOfScope.get(-1) ?? []) {
    const f = q.fields[i];
    if (f.parent !== -1) continue;
    // Calculations and metadata are never shown: they make no section of their own.
    if (f.item.kind === 'calculate' || f.item.kind === 'metadata') continue;
    if (f.item.kind === 'group' || f.item.kind === 'roster') {
      if (loose.length) out.push({ title: looseTitle(q, loose), items: loose });
      loose = [];
      out.push({ title: textIn(f.item.label, lang, lang) || f.name, items: [i] });
    } else loose.push(i);
  }
  if (loose.length) out.push({ title: looseTitle(q, loose), items: loose });
  return out;
}

/** Questions outside any group are named after the first of them (not "Section 3"). */
function looseTitle(q: CompiledQuestionnaire, items: number[]): string {
  const lang = q.source.languages.default;
  const first = items.map((i) => q.fields[i]).find((f) => f.item.kind === 'question' || f.item.kind === 'note');
  const label = first && 'label' in first.item ? textIn(first.item.label, lang, lang).replace(/\$\{[^}]*\}/g, '…') : '';
  if (!label) return 'Questions';
  return label.length > 40 ? `${label.slice(0, 38).trimEnd()}…` : label;
}

/** Filling one interview: one section at a time, every answer autosaved to the device. */
export function InterviewPage() {
  const { surveyId = '', instanceId = '' } = useParams();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [state, setState] = useState<FormState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [section, setSection] = useState(0);
  // Sections whose unanswered required questions are pointed out: left, checked, or after a completion attempt.
  const [checked, setChecked] = useState<ReadonlySet<number>>(new Set());
  const [language, setLanguage] = useState('');
  const [, setVersion] = useState(0);
  const [saved, setSaved] = useState<'saved' | 'saving'>('saved');
  const [completing, setCompleting] = useState<string | null>(null);
  const [inputErrors, setInputErrors] = useState<Record<string, string>>({});
  const [toFix, setToFix] = useState<{ path: string; message: string; label: string; section: number }[]>([]);
  // Input-to-render latency of answers, measured only when a test asks for it by setting
  // window.__mdsurveyInputLatency to an array (tests/e2e/latency.test.ts, bench/input-latency.mjs).
  const pendingInput = useRef<number | null>(null);
  useEffect(() => {
    const t0 = pendingInput.current;
    if (t0 === null) return;
    pendingInput.current = null;
    requestAnimationFrame(() => latencyLog()?.push(performance.now() - t0));
  });
  const timing = useRef<{ section: number; since: number; sections: Record<string, number>; changes: number }>({
    section: 0,
    since: Date.now(),
    sections: {},
    changes: 0,
  });

  useEffect(() => {
    (async () => {
      const store = await interviewStore();
      const d = await store.getDraft(instanceId);
      if (!d) throw new Error('this interview is not on this device');
      const { id: qid, version } = d.submission.questionnaire;
      let def = await store.getQuestionnaire(surveyId, version);
      if (!def) {
        def = await getQuestionnaire(surveyId, version);
        await store.saveQuestionnaire(surveyId, version, def);
      }
      const compiled = compileQuestionnaire(def as Questionnaire, { trusted: true });
      if (compiled.source.id !== qid) throw new Error('questionnaire mismatch');
      // The metadata `enumerator` records who is signed in on this device (the server knows them too).
      const s = new FormState(compiled, { enumerator: deviceUser()?.username ?? '' });
      s.load(d.submission.answers);
      const p = (d.submission.paradata ?? {}) as { sections?: Record<string, number>; changes?: number };
      timing.current.sections = p.sections ?? {};
      timing.current.changes = p.changes ?? 0;
      // The language chosen on this device, when the questionnaire has it; else the questionnaire's default.
      const preferred = deviceLanguage();
      const start = compiled.source.languages.available.includes(preferred) ? preferred : compiled.source.languages.default;
      if (start !== compiled.source.languages.default) s.setLanguage(start);
      setLanguage(start);
      setDraft(d);
      setState(s);
    })().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [surveyId, instanceId]);

  const sections = useMemo(() => (state ? sectionsOf(state.questionnaire) : []), [state]);

  const completed = useRef(false);
  const save = useCallback(async () => {
    if (!state || !draft || completed.current) return; // a completed interview is in the outbox, not a draft
    const t = timing.current;
    const name = sections[t.section]?.title ?? 'section';
    t.sections[name] = (t.sections[name] ?? 0) + (Date.now() - t.since);
    t.since = Date.now();
    const paradata = { ...(draft.submission.paradata ?? {}), sections: t.sections, changes: t.changes };
    const next: Draft = { ...draft, submission: { ...draft.submission, answers: state.answers(), paradata }, updatedAt: Date.now() };
    await (await interviewStore()).saveDraft(next);
    if (!saveTimer.current) setSaved('saved');
  }, [state, draft, sections]);

  // Saves are coalesced while typing (one per 250 ms) and forced when the page is hidden or closed,
  // so every answer reaches IndexedDB without a save per keystroke.
  const saveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const saveSoon = useCallback(() => {
    setSaved('saving');
    if (saveTimer.current) clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(() => {
      saveTimer.current = null;
      void save();
    }, 250);
  }, [save]);
  useEffect(() => {
    const flushNow = () => {
      if (saveTimer.current) {
        clearTimeout(saveTimer.current);
        saveTimer.current = null;
        void save();
      }
    };
    const onHide = () => document.visibilityState === 'hidden' && flushNow();
    window.addEventListener('pagehide', flushNow);
    document.addEventListener('visibilitychange', onHide);
    return () => {
      window.removeEventListener('pagehide', flushNow);
      document.removeEventListener('visibilitychange', onHide);
      flushNow();
    };
  }, [save]);
  const changed = useCallback(() => {
    timing.current.changes++;
    setVersion((v) => v + 1);
    saveSoon();
  }, [saveSoon]);
  // Files of media answers: kept on the device with the interview; a corrected interview's earlier files are on the server.
  const deprecatedId = draft?.submission.deprecatedId;
  const media = useMemo<MediaAccess>(
    () => ({
      async save(blob, contentType, previous) {
        const store = await interviewStore();
        const name = `${crypto.randomUUID()}.${extensionOf(contentType)}`;
        await store.saveMedia({ name, instanceId, surveyId, blob, contentType });
        if (previous) await store.dropMedia(previous, instanceId);
        return name;
      },
      async url(name) {
        const m = await (await interviewStore()).getMedia(name);
        if (m) return URL.createObjectURL(m.blob);
        return deprecatedId ? mediaUrl(surveyId, deprecatedId, name) : null;
      },
    }),
    [surveyId, instanceId, deprecatedId],
  );

  if (error)
    return (
      <p className="bad" role="alert">
        {error}
      </p>
    );
  if (!state || !draft) return <p role="status">Opening the interview…</p>;
  const q = state.questionnaire;
  const fallback = q.source.languages.default;
  const t = interfaceText(language);
  // A section none of whose items applies (no emigrant, no roster row) is skipped.
  const applies = (k: number) => sections[k]?.items.some((i) => state.root.relevant[q.fields[i].slot]) ?? false;
  const step = (dir: 1 | -1): number | null => {
    for (let k = section + dir; k >= 0 && k < sections.length; k += dir) if (applies(k)) return k;
    return null;
  };
  const goTo = (k: number) => {
    void save();
    setChecked((c) => new Set(c).add(section));
    timing.current.section = k;
    setSection(k);
    window.scrollTo(0, 0);
  };
  const complete = async () => {
    setChecked(new Set(sections.map((_, k) => k)));
    state.complete();
    const problems = state.problems();
    if (problems.length) {
      setCompleting(t('stillNeedAttention', { n: problems.length, list: '' }).replace(/[:：]\s*$/, ''));
      // Each problem links to its question: the section it is in, then the question itself.
      setToFix(
        problems.slice(0, 20).map((p) => {
          // Problems name roster rows by position (members[0].age); the form finds a row by position as [#0].
          const located = state.locate(p.path.replace(/\[(\d+)\]/g, '[#$1]'));
          let f = located.field;
          while (f.parent !== -1) f = q.fields[f.parent];
          const label = located.field.item;
          return {
            path: p.path,
            message: p.message,
            label: ('label' in label ? textIn(label.label, language, fallback) : '') || p.path,
            section: sections.findIndex((s) => s.items.includes(f.index)),
          };
        }),
      );
      setVersion((v) => v + 1);
      return;
    }
    const end = new Date().toISOString();
    const store = await interviewStore();
    if (saveTimer.current) {
      clearTimeout(saveTimer.current);
      saveTimer.current = null;
    }
    await save();
    completed.current = true;
    const d = (await store.getDraft(instanceId))!;
    await store.saveDraft({ ...d, submission: { ...d.submission, answers: state.answers(), paradata: { ...(d.submission.paradata ?? {}), end } } });
    await store.complete(instanceId);
    await store.flush(sendSubmission, Date.now(), { upload: uploadMedia, sendVisit });
    navigate('/fieldwork');
  };
  return (
    <MediaContext.Provider value={media}>
      <section className="interview">
        <div className="interview-bar">
          <h1>{textIn(q.source.title, language, fallback)}</h1>
          <label>
            {t('language')}{' '}
            <select
              value={language}
              onChange={(e) => {
                setDeviceLanguage(e.target.value);
                setLanguage(e.target.value);
                state.setLanguage(e.target.value);
                setVersion((v) => v + 1);
              }}
            >
              {q.source.languages.available.map((l) => (
                <option key={l} value={l}>
                  {q.source.languages.names?.[l] ?? l}
                </option>
              ))}
            </select>
          </label>
          <span role="status" className="hint" data-testid="save-status">
            {saved === 'saved' ? t('saved') : t('saving')}
          </span>
        </div>
        <nav aria-label="Sections" className="sections">
          <progress max={sections.length} value={section + 1} aria-label={t('sectionOf', { n: section + 1, total: sections.length })} />
          <ol>
            {sections.map((s, k) => (
              <li key={s.title + k}>
                <button
                  type="button"
                  className={k === section ? 'current' : 'link'}
                  aria-current={k === section ? 'step' : undefined}
                  disabled={!applies(k) && k !== section}
                  onClick={() => goTo(k)}
                >
                  {s.title}
                  {!applies(k) && <span className="hint"> {t('doesNotApply')}</span>}
                </button>
              </li>
            ))}
          </ol>
        </nav>
        {draft.review && (draft.review.note || Object.keys(draft.review.comments).length > 0) && (
          <p className="review-comment">{t('returned', { note: draft.review.note ?? '' })}</p>
        )}
        <div className="section-body">
          {sections[section]?.items.map((i) => (
            <ItemView
              key={i}
              state={state}
              index={i}
              row={state.root}
              language={language}
              review={draft.review?.comments}
              showRequired={checked.has(section)}
              inputErrors={inputErrors}
              onAnswer={(path, value) => {
                if (latencyLog()) pendingInput.current = performance.now();
                try {
                  state.setAnswer(path, value);
                } catch (err) {
                  // An answer the question cannot take as typed (12.7 for a whole number): said at the question; the
                  // earlier answer is cleared, so what the field shows and what is kept never differ.
                  if (!(err instanceof InputError && err.code === 'bad-answer')) return;
                  setInputErrors((e) => ({ ...e, [path]: err.message.replace(`${path}: `, '') }));
                  state.setAnswer(path, '');
                  changed();
                  return;
                }
                if (inputErrors[path]) setInputErrors(({ [path]: _gone, ...rest }) => rest);
                changed();
              }}
              onAddRow={(roster, parent) => {
                const key = state.addRow(roster, parent);
                changed();
                return key;
              }}
              onRemoveRow={(roster, key, parent) => {
                state.removeRow(roster, key, parent);
                changed();
              }}
            />
          ))}
        </div>
        <div className="interview-nav">
          <button type="button" disabled={step(-1) === null} onClick={() => goTo(step(-1)!)}>
            {t('previous')}
          </button>
          <button type="button" className="link" disabled={checked.has(section)} onClick={() => setChecked((c) => new Set(c).add(section))}>
            {t('showUnanswered')}
          </button>
          {step(1) !== null ? (
            <button type="button" onClick={() => goTo(step(1)!)}>
              {t('next')}
            </button>
          ) : (
            <button type="button" onClick={() => void complete()}>
              {t('complete')}
            </button>
          )}
        </div>
        {completing && (
          <div className="bad" role="alert">
            <p>{completing}</p>
            <ul data-testid="to-fix">
              {toFix.map((p) => (
                <li key={p.path}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => {
                      if (p.section >= 0) goTo(p.section);
                      // After the section renders: the question, scrolled to and focused.
                      setTimeout(() => {
                        const el = document.querySelector<HTMLElement>(`[data-question="${CSS.escape(p.path.split(/[.[]/)[0])}"]`);
                        el?.scrollIntoView({ block: 'center' });
                        el?.querySelector<HTMLElement>('input, select, textarea')?.focus();
                      }, 50);
                    }}
                  >
                    {p.label.replace(/\$\{[^}]*\}/g, '…')}
                  </button>
                  : {p.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        <CountryLists
          language={language}
          fallback={fallback}
          hostCountry={typeof q.source.settings?.host_country === 'string' ? q.source.settings.host_country : undefined}
        />
      </section>
    </MediaContext.Provider>
  );
}

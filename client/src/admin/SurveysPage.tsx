import { useCallback, useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import {
  changeSurvey,
  ApiError,
  composeModules,
  convertXlsform,
  createSurvey,
  drawSample,
  getQuestionnaire,
  getSurvey,
  importAssignments,
  listAccounts,
  listLibrary,
  listSurveys,
  publishQuestionnaire,
  putExchangeRates,
  type Account,
  type AssignmentPreview,
  type DrawResult,
  type LibraryEntry,
  type Survey,
  type SurveyDetail,
} from '../api.js';
import { deviceUser } from '../session.js';
import { problemText, usePageActions, type PageStatus } from './page-status.js';

const titleOf = (t: string | Record<string, string>) => (typeof t === 'string' ? t : (t.en ?? Object.values(t)[0] ?? ''));
const base64 = (file: Blob) =>
  new Promise<string>((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });

function Status({ status }: { status: PageStatus | null }) {
  return (
    <p role="status" aria-live="polite" className={status?.bad ? 'bad' : 'hint'} data-testid="survey-status">
      {status?.text ?? ''}
    </p>
  );
}

/** Surveys (statistician, admin): the list, and a new survey from the library or from an XLSForm workbook. */
export function SurveysPage() {
  const navigate = useNavigate();
  const [surveys, setSurveys] = useState<Survey[] | null>(null);
  const [library, setLibrary] = useState<LibraryEntry[]>([]);
  const [status, setStatus] = useState<PageStatus | null>(null);
  const [title, setTitle] = useState('');
  const [source, setSource] = useState<'library' | 'xlsform' | 'compose'>('library');
  const [hostId, setHostId] = useState('example-lfs-core');
  const [modules, setModules] = useState<string[]>([]);
  const [mapping, setMapping] = useState('');
  const [composed, setComposed] = useState<{ questionnaire: unknown; summary: { questions: number; rosters: string[] } } | null>(null);
  const [clashes, setClashes] = useState<string[]>([]);
  const [libraryId, setLibraryId] = useState('dotm-household');
  const [workbook, setWorkbook] = useState<File | null>(null);
  const [attachments, setAttachments] = useState<File[]>([]);
  const [warnings, setWarnings] = useState<string[]>([]);
  useEffect(() => {
    listSurveys().then(setSurveys, (err: unknown) => setStatus({ text: problemText(err), bad: true }));
    listLibrary().then(setLibrary, () => undefined);
  }, []);
  /** The host with the modules, as `questionnaire compose` makes it: the questionnaire, or every clash (shown, and thrown). */
  const runCompose = async () => {
    setClashes([]);
    setComposed(null);
    if (modules.length === 0) throw new Error('pick at least one module to add');
    const pairs: Record<string, string> = {};
    for (const pair of mapping
      .split(/[,\n]/)
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [from, to] = pair.split('=').map((x) => x.trim());
      if (!from || !to) throw new Error(`the mapping takes module=host pairs, got "${pair}"`);
      pairs[from] = to;
    }
    try {
      const r = await composeModules({ host: hostId, modules, mapping: pairs });
      setComposed(r);
      return r;
    } catch (err) {
      if (err instanceof ApiError && err.errors) setClashes(err.errors.map((e) => e.message));
      throw err;
    }
  };
  const create = async () => {
    setWarnings([]);
    try {
      let questionnaire: unknown = libraryId;
      if (source === 'xlsform') {
        if (!workbook) throw new Error('choose the XLSForm workbook (.xlsx or .xls)');
        setStatus({ text: 'Converting the workbook…' });
        const files: Record<string, string> = {};
        for (const f of attachments) files[f.name] = await base64(f);
        const r = await convertXlsform(await base64(workbook), workbook.name, files);
        setWarnings(r.warnings);
        questionnaire = r.questionnaire;
      }
      if (source === 'compose') questionnaire = (await runCompose()).questionnaire;
      setStatus({ text: 'Creating the survey…' });
      const survey = await createSurvey(title.trim(), questionnaire);
      navigate(`/surveys/${survey.id}/setup`);
    } catch (err) {
      setStatus({ text: problemText(err), bad: true });
    }
  };
  return (
    <section className="surveys">
      <h1>Surveys</h1>
      <Status status={status} />
      <ul data-testid="survey-list">
        {(surveys ?? []).map((s) => (
          <li key={s.id}>
            <Link to={`/surveys/${s.id}/setup`}>{s.title}</Link> — {s.state}
            {s.questionnaires?.length ? `, ${s.questionnaires.at(-1)!.id} version ${s.questionnaires.at(-1)!.version}` : ''}
          </li>
        ))}
        {surveys?.length === 0 && <li>No survey yet.</li>}
      </ul>
      <form
        className="new-survey"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h2>New survey</h2>
        <label>
          Title <input required aria-required="true" value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <fieldset>
          <legend>Questionnaire</legend>
          <label>
            <input type="radio" name="source" checked={source === 'library'} onChange={() => setSource('library')} /> From the library
          </label>{' '}
          <label>
            <input type="radio" name="source" checked={source === 'xlsform'} onChange={() => setSource('xlsform')} /> From an XLSForm workbook
          </label>{' '}
          <label>
            <input type="radio" name="source" checked={source === 'compose'} onChange={() => setSource('compose')} /> By composing modules into a host
          </label>
          {source === 'compose' ? (
            <div className="compose">
              <label className="block">
                Host questionnaire{' '}
                <select value={hostId} onChange={(e) => (setHostId(e.target.value), setComposed(null))}>
                  {library.map((q) => (
                    <option key={q.id} value={q.id}>
                      {titleOf(q.title)} ({q.id})
                    </option>
                  ))}
                </select>
              </label>
              <fieldset>
                <legend>Modules to add</legend>
                {library
                  .filter((q) => q.kind === 'module')
                  .map((m) => (
                    <label key={m.id} className="check">
                      <input
                        type="checkbox"
                        checked={modules.includes(m.id)}
                        onChange={(e) => (setModules((x) => (e.target.checked ? [...x, m.id] : x.filter((y) => y !== m.id))), setComposed(null))}
                      />{' '}
                      {titleOf(m.title)} ({m.id})
                    </label>
                  ))}
              </fieldset>
              <label className="block">
                Names in the host (module=host, comma-separated; e.g. members=persons, age=q_age){' '}
                <input value={mapping} onChange={(e) => (setMapping(e.target.value), setComposed(null))} size={40} />
              </label>
              <button
                type="button"
                onClick={() =>
                  void runCompose().then(
                    (r) => setStatus({ text: `Composed: ${r.summary.questions} questions; rosters ${r.summary.rosters.join(', ') || 'none'}.` }),
                    (err: unknown) => setStatus({ text: problemText(err), bad: true }),
                  )
                }
              >
                Compose and check
              </button>
              {clashes.length > 0 && (
                <ul className="bad" data-testid="compose-clashes">
                  {clashes.map((c) => (
                    <li key={c}>{c}</li>
                  ))}
                </ul>
              )}
              {composed && <p data-testid="compose-result">The modules fit: {composed.summary.questions} questions.</p>}
            </div>
          ) : source === 'library' ? (
            <label className="block">
              Library questionnaire{' '}
              <select value={libraryId} onChange={(e) => setLibraryId(e.target.value)}>
                {library.map((q) => (
                  <option key={q.id} value={q.id}>
                    {titleOf(q.title)} ({q.id}, {q.kind})
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <>
              <label className="block">
                Workbook (.xlsx, .xls) <input type="file" accept=".xlsx,.xls" onChange={(e) => setWorkbook(e.target.files?.[0] ?? null)} />
              </label>
              <label className="block">
                Attachments (CSV files of select_one_from_file and pulldata){' '}
                <input type="file" accept=".csv" multiple onChange={(e) => setAttachments([...(e.target.files ?? [])])} />
              </label>
            </>
          )}
        </fieldset>
        <button type="submit">Create the survey</button>
        {warnings.length > 0 && (
          <details open>
            <summary>{warnings.length} things the workbook has that the questionnaire leaves aside</summary>
            <ul>
              {warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          </details>
        )}
      </form>
    </section>
  );
}

/**
 * One survey's setup: its questionnaire settings (published as a new version), the design and price
 * basis of its dataset, the exchange-rate file, the sample's cases assigned from a CSV with a preview,
 * and its state (fieldwork, closed, reopened by an admin).
 */
export function SurveySetupPage() {
  const { surveyId = '' } = useParams();
  const me = deviceUser();
  const [detail, setDetail] = useState<SurveyDetail | null>(null);
  const [questionnaire, setQuestionnaire] = useState<{ version: string; settings?: Record<string, string | number | boolean> } | null>(null);
  const [drawn, setDrawn] = useState('');
  const load = useCallback(async () => {
    const d = await getSurvey(surveyId);
    setDetail(d);
    const latest = d.questionnaires.at(-1);
    if (latest)
      setQuestionnaire((await getQuestionnaire(surveyId, latest.version)) as { version: string; settings?: Record<string, string | number | boolean> });
  }, [surveyId]);
  const { status, setStatus, act, fail } = usePageActions(load);
  useEffect(() => void load().catch(fail), [load]);
  if (!detail) return <Status status={status ?? { text: 'Loading the survey…' }} />;
  const s = detail.survey;
  return (
    <section className="survey-setup">
      <h1>{s.title}</h1>
      <p>
        State: <strong data-testid="survey-state">{s.state}</strong>{' '}
        {s.state === 'draft' && (
          <button type="button" onClick={() => void act(async () => (await changeSurvey(s.id, { state: 'fieldwork' }), 'Fieldwork has started.'))}>
            Start fieldwork
          </button>
        )}
        {s.state === 'fieldwork' && (
          <button
            type="button"
            onClick={() => {
              if (window.confirm('Close the survey? Enumerators can no longer send interviews; only an admin can reopen it.'))
                void act(async () => (await changeSurvey(s.id, { state: 'closed' }), 'The survey is closed.'));
            }}
          >
            Close the survey
          </button>
        )}
        {s.state === 'closed' && me?.role === 'admin' && (
          <button type="button" onClick={() => void act(async () => (await changeSurvey(s.id, { state: 'fieldwork' }), 'The survey is in fieldwork again.'))}>
            Reopen for fieldwork
          </button>
        )}
      </p>
      <Status status={status} />
      <h2>Questionnaire versions</h2>
      <div className="table-scroll">
        <table className="versions">
          <thead>
            <tr>
              <th scope="col">Questionnaire</th>
              <th scope="col">Version</th>
              <th scope="col">Published</th>
              <th scope="col">Interviews</th>
            </tr>
          </thead>
          <tbody>
            {detail.questionnaires.map((v) => (
              <tr key={v.version} data-version={v.version}>
                <td>{v.id}</td>
                <td>{v.version}</td>
                <td>{new Date(v.publishedAt).toLocaleDateString()}</td>
                <td>{v.interviews}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {questionnaire && (
        <QuestionnaireSettings
          current={questionnaire}
          onPublish={(settings, version) =>
            act(async () => {
              const r = await publishQuestionnaire(s.id, { ...questionnaire, version, settings });
              return `Version ${r.questionnaire.version} is published; new interviews use it.`;
            })
          }
        />
      )}
      <DatasetSettings
        settings={s.settings}
        onSave={(settings) => act(async () => (await changeSurvey(s.id, { settings }), 'The design and price basis are saved.'))}
        onRates={(csv) => act(async () => (await putExchangeRates(s.id, csv), 'The exchange-rate table is replaced.'))}
      />
      <DrawSample surveyId={s.id} onDrawn={(csv) => setDrawn(csv)} />
      <AssignFromSample
        key={`${drawn.length}:${drawn.slice(-64)}`}
        surveyId={s.id}
        initialCsv={drawn}
        onDone={(n) => setStatus({ text: `${n} cases assigned.` })}
      />
    </section>
  );
}

/** The questionnaire's settings (local currency, host country, thresholds, roster caps): changed, they publish a new version. */
function QuestionnaireSettings({
  current,
  onPublish,
}: {
  current: { version: string; settings?: Record<string, string | number | boolean> };
  onPublish: (settings: Record<string, string | number | boolean>, version: string) => Promise<void>;
}) {
  const known: Record<string, string> = {
    host_country: 'Host country (ISO 3166 alpha-3)',
    local_currency: 'Local currency (ISO 4217)',
    abroad_months: 'Months abroad to count as an emigrant',
    max_roster_rows: 'Most rows of a roster',
  };
  const [values, setValues] = useState<Record<string, string>>(() => {
    const out: Record<string, string> = {};
    for (const k of new Set([...Object.keys(known), ...Object.keys(current.settings ?? {})]))
      out[k] = current.settings?.[k] === undefined ? '' : String(current.settings[k]);
    return out;
  });
  const [version, setVersion] = useState(() => {
    const m = /^(.*?)(\d+)$/.exec(current.version);
    return m ? `${m[1]}${Number(m[2]) + 1}` : `${current.version}-2`;
  });
  return (
    <form
      className="questionnaire-settings"
      onSubmit={(e) => {
        e.preventDefault();
        const settings: Record<string, string | number | boolean> = {};
        for (const [k, v] of Object.entries(values)) {
          if (v.trim() === '') continue;
          const before = current.settings?.[k];
          settings[k] =
            typeof before === 'number' || /^(abroad_months|max_roster_rows)$/.test(k) ? Number(v) : typeof before === 'boolean' ? v === 'true' : v.trim();
        }
        void onPublish(settings, version.trim());
      }}
    >
      <h2>Questionnaire settings</h2>
      {Object.keys(values).map((k) => (
        <label key={k} className="block">
          {known[k] ?? k} <input value={values[k]} onChange={(e) => setValues({ ...values, [k]: e.target.value })} data-setting={k} />
        </label>
      ))}
      <label className="block">
        New version <input required value={version} onChange={(e) => setVersion(e.target.value)} />
      </label>
      <button type="submit">Publish the new version</button>
    </form>
  );
}

/** The design of the survey's dataset (column names), its price basis, and the exchange-rate file. */
function DatasetSettings({
  settings,
  onSave,
  onRates,
}: {
  settings: Record<string, unknown>;
  onSave: (s: Record<string, unknown>) => Promise<void>;
  onRates: (csv: string) => Promise<void>;
}) {
  const design = (settings.design ?? {}) as { weights?: string; strata?: string; ids?: string[]; lonelyPsu?: string };
  const [weights, setWeights] = useState(design.weights ?? '');
  const [strata, setStrata] = useState(design.strata ?? '');
  const [ids, setIds] = useState((design.ids ?? []).join(', '));
  const [lonely, setLonely] = useState(design.lonelyPsu ?? 'adjust');
  const [priceBasis, setPriceBasis] = useState(((settings.money as { priceBasis?: string } | undefined)?.priceBasis ?? '') as string);
  return (
    <form
      className="dataset-settings"
      onSubmit={(e) => {
        e.preventDefault();
        const d: Record<string, unknown> = { lonelyPsu: lonely };
        if (weights.trim()) d.weights = weights.trim();
        if (strata.trim()) d.strata = strata.trim();
        const list = ids
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean);
        if (list.length) d.ids = list;
        void onSave({ ...settings, design: d, ...(priceBasis.trim() ? { money: { priceBasis: priceBasis.trim() } } : {}) });
      }}
    >
      <h2>Sample design of the dataset</h2>
      <p className="hint">Columns of the case data (from the sample file) or of the questionnaire.</p>
      <label className="block">
        Weight column <input value={weights} onChange={(e) => setWeights(e.target.value)} placeholder="design_weight" />
      </label>
      <label className="block">
        Stratum column <input value={strata} onChange={(e) => setStrata(e.target.value)} placeholder="stratum_h" />
      </label>
      <label className="block">
        Cluster columns (first stage first) <input value={ids} onChange={(e) => setIds(e.target.value)} placeholder="ea" />
      </label>
      <label className="block">
        A stratum with one PSU{' '}
        <select value={lonely} onChange={(e) => setLonely(e.target.value)}>
          <option value="adjust">adjust (centre at the grand mean)</option>
          <option value="average">average</option>
          <option value="remove">remove</option>
          <option value="certainty">certainty</option>
          <option value="fail">fail</option>
        </select>
      </label>
      <label className="block">
        Price basis of the amounts <input value={priceBasis} onChange={(e) => setPriceBasis(e.target.value)} placeholder="current prices, June 2026" />
      </label>
      <button type="submit">Save the design</button>
      <label className="block">
        Exchange-rate file (CSV: currency, period, to_local, to_usd){' '}
        <input type="file" accept=".csv" onChange={(e) => void e.target.files?.[0]?.text().then(onRates)} />
      </label>
    </form>
  );
}

/** The draw of `mdsurvey sample select` on the server: EAs from the frame, or households from the listing; the selection can be assigned at once. */
function DrawSample({ surveyId, onDrawn }: { surveyId: string; onDrawn: (csv: string) => void }) {
  const [design, setDesign] = useState<unknown>(null);
  const [frame, setFrame] = useState('');
  const [listing, setListing] = useState('');
  const [seed, setSeed] = useState('2026');
  const [result, setResult] = useState<DrawResult | null>(null);
  // One download link per draw (made once, let go when the next draw replaces it), not one per render.
  const download = useMemo(() => (result ? URL.createObjectURL(new Blob([result.csv], { type: 'text/csv' })) : null), [result]);
  useEffect(() => () => void (download && URL.revokeObjectURL(download)), [download]);
  const [error, setError] = useState<string | null>(null);
  const draw = async () => {
    setError(null);
    try {
      const r = await drawSample(surveyId, { design, frame, ...(listing ? { listing } : {}), seed: Number(seed) });
      setResult(r);
      onDrawn(r.csv);
    } catch (err) {
      setError(problemText(err));
    }
  };
  return (
    <div className="draw">
      <h2>Draw the sample</h2>
      <label className="block">
        Design (design.json){' '}
        <input
          type="file"
          accept=".json"
          onChange={(e) =>
            void e.target.files?.[0]?.text().then((t) => {
              try {
                setDesign(JSON.parse(t));
              } catch {
                setError('the design file is not JSON');
              }
            })
          }
        />
      </label>
      <label className="block">
        Frame of EAs (CSV) <input type="file" accept=".csv" onChange={(e) => void e.target.files?.[0]?.text().then(setFrame)} />
      </label>
      <label className="block">
        Listing of the drawn EAs (CSV, for the households){' '}
        <input type="file" accept=".csv" onChange={(e) => void e.target.files?.[0]?.text().then(setListing)} />
      </label>
      <label className="block">
        Seed <input inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} size={8} />
      </label>
      <button type="button" disabled={!design || !frame} onClick={() => void draw()}>
        Draw
      </button>
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      {result && (
        <div data-testid="draw-result">
          <p>
            {result.selected} {result.stage === 'households' ? 'households' : 'first-stage units'} drawn (seed {seed}); below, ready to assign.{' '}
            <a href={download ?? undefined} download={result.stage === 'households' ? 'households.csv' : 'eas.csv'}>
              Download the selection
            </a>
          </p>
          <div className="table-scroll">
            <table className="versions">
              <thead>
                <tr>
                  <th scope="col">Stratum</th>
                  <th scope="col">Frame units</th>
                  <th scope="col">Drawn</th>
                  <th scope="col">Certainty</th>
                  <th scope="col">Sum of 1/π</th>
                </tr>
              </thead>
              <tbody>
                {result.strata.map((s) => (
                  <tr key={s.stratum}>
                    <td>{s.stratum}</td>
                    <td>{s.frameUnits}</td>
                    <td>{s.allocated}</td>
                    <td>{s.certainty}</td>
                    <td>{s.weightSum.toFixed(1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {result.shortfalls.length > 0 && (
            <p className="bad">
              Quota shortfalls (all listed households taken): {result.shortfalls.map((c) => `${c.cluster} (${c.shortfalls.join(', ')})`).join('; ')}
            </p>
          )}
          {result.unlisted.length > 0 && <p className="bad">Drawn units with no listed household: {result.unlisted.join(', ')}</p>}
        </div>
      )}
    </div>
  );
}

/** The sample's cases from a CSV (sample select's output): previewed with every problem by row, then assigned. */
function AssignFromSample({ surveyId, initialCsv, onDone }: { surveyId: string; initialCsv: string; onDone: (n: number) => void }) {
  const [csv, setCsv] = useState(initialCsv);
  const [mode, setMode] = useState<'column' | 'turn'>('turn');
  const [column, setColumn] = useState('enumerator');
  const [team, setTeam] = useState<Account[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [groupBy, setGroupBy] = useState('ea');
  const [preview, setPreview] = useState<AssignmentPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listAccounts().then(
      (a) => setTeam(a.filter((u) => u.role === 'enumerator' && !u.disabled)),
      () => undefined,
    );
  }, []);
  const body = (dryRun: boolean) => ({
    csv,
    dryRun,
    ...(mode === 'column' ? { enumeratorColumn: column } : { enumerators: chosen, ...(groupBy.trim() ? { groupBy: groupBy.trim() } : {}) }),
  });
  const run = async (dryRun: boolean) => {
    setError(null);
    try {
      const r = await importAssignments(surveyId, body(dryRun));
      setPreview(r);
      if (!dryRun) {
        onDone(r.created);
        setCsv('');
      }
    } catch (err) {
      setError(problemText(err));
    }
  };
  return (
    <div className="assign">
      <h2>Assign the sample</h2>
      <label className="block">
        Sample file (CSV, e.g. the output of <code>mdsurvey sample select</code>){' '}
        <input type="file" accept=".csv" onChange={(e) => void e.target.files?.[0]?.text().then((t) => (setCsv(t), setPreview(null)))} />
      </label>
      <fieldset>
        <legend>Enumerators</legend>
        <label>
          <input type="radio" name="assign-mode" checked={mode === 'turn'} onChange={() => setMode('turn')} /> In turn, a whole
        </label>{' '}
        <input aria-label="Group column" value={groupBy} onChange={(e) => setGroupBy(e.target.value)} size={8} /> to one of:
        <div className="choices">
          {team.map((u) => (
            <label key={u.id}>
              <input
                type="checkbox"
                checked={chosen.includes(u.username)}
                onChange={(e) => setChosen(e.target.checked ? [...chosen, u.username] : chosen.filter((x) => x !== u.username))}
              />{' '}
              {u.username}
            </label>
          ))}
        </div>
        <label>
          <input type="radio" name="assign-mode" checked={mode === 'column'} onChange={() => setMode('column')} /> From the column
        </label>{' '}
        <input aria-label="Enumerator column" value={column} onChange={(e) => setColumn(e.target.value)} size={12} />
      </fieldset>
      <button type="button" disabled={!csv} onClick={() => void run(true)}>
        Preview
      </button>{' '}
      <button type="button" disabled={!csv || !preview || (preview.problems?.length ?? 0) > 0 || preview.created > 0} onClick={() => void run(false)}>
        Assign {preview?.preview.cases ?? ''} cases
      </button>
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      {preview && (
        <div data-testid="assign-preview">
          <p>
            {preview.created > 0 ? `${preview.created} cases assigned` : `${preview.preview.cases} cases`}:{' '}
            {Object.entries(preview.preview.perEnumerator)
              .map(([e, n]) => `${e} ${n}`)
              .join(', ')}
          </p>
          {(preview.problems?.length ?? 0) > 0 && (
            <ul className="bad">
              {preview.problems!.map((p, k) => (
                <li key={k}>
                  {p.row !== undefined ? `Row ${p.row}` : 'File'}
                  {p.column ? `, column ${p.column}` : ''}: {p.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

import { useCallback, useEffect, useState } from 'react';
import {
  closeListing,
  computeWeights,
  getScreening,
  getWeights,
  listAccounts,
  listSurveys,
  startScreening,
  type Account,
  type Screening,
  type Survey,
  type WeightsResult,
} from '../api.js';
import { deviceUser } from '../session.js';
import { usePageActions } from './page-status.js';

const num = (v: number, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : '–');

/**
 * The two-phase screening sample of a survey (the DotM design) and its weights: the EAs drawn from
 * the frame with their listing cases; each EA's listing as it arrives, closed to draw its households
 * by screening status against the quotas; then HQ's weights (nonresponse classes, post-stratification,
 * trimming) with the Kish table after each step, attached to the survey's dataset.
 */
export function SamplePage() {
  const me = deviceUser();
  const hq = me?.role === 'admin' || me?.role === 'statistician';
  const [surveys, setSurveys] = useState<Survey[]>([]);
  const [surveyId, setSurveyId] = useState('');
  const [screening, setScreening] = useState<Screening | null | undefined>(undefined);
  const load = useCallback(async () => {
    if (!surveyId) return;
    setScreening(await getScreening(surveyId));
  }, [surveyId]);
  const { status, act, fail } = usePageActions(load);
  useEffect(() => {
    listSurveys().then((s) => {
      setSurveys(s);
      setSurveyId((id) => id || s[0]?.id || '');
    }, fail);
  }, []);
  useEffect(() => {
    setScreening(undefined);
    void load().catch(fail);
    // Listings arrive while the page is open: refreshed every 30 seconds.
    const timer = setInterval(() => void load().catch(() => undefined), 30_000);
    return () => clearInterval(timer);
  }, [load]);
  return (
    <section className="sample-page">
      <h1>Sample and weights</h1>
      <label className="block">
        Survey{' '}
        <select value={surveyId} onChange={(e) => setSurveyId(e.target.value)} data-testid="sample-survey">
          {surveys.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      <p role="status" aria-live="polite" className={status?.bad ? 'bad' : 'hint'} data-testid="sample-status">
        {status?.text ?? (screening === undefined && surveyId ? 'Loading the sample…' : '')}
      </p>
      {screening === null && hq && (
        <StartScreening
          onStart={(body) =>
            act(async () => {
              const r = await startScreening(surveyId, body);
              return `${r.units} EAs drawn; their listing cases are assigned (${Object.entries(r.perEnumerator)
                .map(([e, n]) => `${e}: ${n}`)
                .join(', ')}).`;
            })
          }
        />
      )}
      {screening === null && !hq && <p>This survey has no screening sample.</p>}
      {screening && (
        <>
          <p>
            Seed {screening.seed}; quotas per EA:{' '}
            {Object.entries(screening.quotas)
              .map(([s, q]) => `${s} ${q}`)
              .join(', ')}
            . Listing survey: “{surveys.find((s) => s.id === screening.listingSurveyId)?.title ?? screening.listingSurveyId}”.
          </p>
          <h2>Enumeration areas</h2>
          <div className="table-scroll">
            <table className="versions" data-testid="sample-units">
              <thead>
                <tr>
                  <th scope="col">EA</th>
                  <th scope="col">Stratum</th>
                  <th scope="col">π₁</th>
                  <th scope="col">Lister</th>
                  <th scope="col">Households listed</th>
                  <th scope="col">Drawn per status (listed)</th>
                  <th scope="col">Listing</th>
                </tr>
              </thead>
              <tbody>
                {screening.units.map((u) => (
                  <tr key={u.unit} data-unit={u.unit}>
                    <td>{u.unit}</td>
                    <td>{u.stratum ?? ''}</td>
                    <td>{num(u.pi1, 3)}</td>
                    <td>{u.enumerator}</td>
                    <td>{u.listingInterviews.length ? u.listed : 'not received'}</td>
                    <td>
                      {u.report
                        ? Object.keys(screening.quotas)
                            .map((s) => `${s} ${u.report!.selected[s] ?? 0}/${screening.quotas[s]} (${u.report!.listed[s] ?? 0})`)
                            .join('; ')
                        : ''}
                      {u.report?.shortfalls.length ? <strong className="bad"> shortfall: {u.report.shortfalls.join(', ')}</strong> : null}
                    </td>
                    <td>
                      {u.closedAt ? (
                        `closed ${new Date(u.closedAt).toLocaleDateString()}; ${u.report?.created ?? 0} cases`
                      ) : (
                        <button
                          type="button"
                          disabled={!u.listingInterviews.length}
                          onClick={() => {
                            if (window.confirm(`Close the listing of ${u.unit} and draw its households? This is done once.`))
                              void act(async () => {
                                const r = await closeListing(surveyId, u.unit);
                                return `${u.unit}: ${r.report.created} households drawn and assigned to ${u.enumerator}${r.report.shortfalls.length ? ` (shortfall: ${r.report.shortfalls.join(', ')})` : ''}.`;
                              });
                          }}
                        >
                          Close and draw households
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {hq && surveyId && screening !== undefined && <Weights surveyId={surveyId} />}
    </section>
  );
}

/** The first stage: design, frame, seed and the enumerators who list. */
function StartScreening({ onStart }: { onStart: (b: { design: unknown; frame: string; seed: number; enumerators: string[] }) => Promise<void> }) {
  const [design, setDesign] = useState<unknown>(null);
  const [frame, setFrame] = useState('');
  const [seed, setSeed] = useState('2026');
  const [listers, setListers] = useState<Account[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listAccounts().then(
      (a) => setListers(a.filter((x) => x.role === 'enumerator' && !x.disabled)),
      () => undefined,
    );
  }, []);
  const seedOk = /^\d{1,9}$/.test(seed);
  return (
    <div className="draw">
      <h2>Draw the EAs and start the listing</h2>
      <p className="hint">
        The design has two stages: EAs from the frame, then households from each EA&apos;s listing by screening status (<code>screened</code>) with quotas.
      </p>
      <label className="block">
        Design (design.json){' '}
        <input
          type="file"
          accept=".json"
          data-testid="design-file"
          onChange={(e) =>
            void e.target.files?.[0]?.text().then((t) => {
              try {
                setDesign(JSON.parse(t));
                setError(null);
              } catch {
                setError('the design file is not JSON');
              }
            })
          }
        />
      </label>
      <label className="block">
        Frame of EAs (CSV with strata and size measures){' '}
        <input type="file" accept=".csv" data-testid="frame-file" onChange={(e) => void e.target.files?.[0]?.text().then(setFrame)} />
      </label>
      <label className="block">
        Seed <input inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} size={10} aria-invalid={!seedOk} />
      </label>
      <fieldset>
        <legend>Enumerators who list (each EA goes whole to one, in turn)</legend>
        {listers.map((a) => (
          <label key={a.id} className="check">
            <input
              type="checkbox"
              checked={chosen.includes(a.username)}
              onChange={(e) => setChosen((c) => (e.target.checked ? [...c, a.username] : c.filter((x) => x !== a.username)))}
            />{' '}
            {a.displayName && a.displayName !== a.username ? `${a.displayName} (${a.username})` : a.username}
          </label>
        ))}
      </fieldset>
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      <button
        type="button"
        disabled={!design || !frame || !seedOk || chosen.length === 0}
        onClick={() => void onStart({ design, frame, seed: Number(seed), enumerators: chosen })}
      >
        Draw the EAs
      </button>
    </div>
  );
}

/** HQ's weights: steps chosen, previewed with the Kish table, then attached to the dataset. */
function Weights({ surveyId }: { surveyId: string }) {
  const [classes, setClasses] = useState<string[]>(['stratum_h']);
  const [psVariable, setPsVariable] = useState('');
  const [psTotals, setPsTotals] = useState('');
  const [trim, setTrim] = useState({ lower: '', upper: '' });
  const [result, setResult] = useState<WeightsResult | null>(null);
  const [attached, setAttached] = useState<Awaited<ReturnType<typeof getWeights>>['attached']>(null);
  const reload = useCallback(async () => setAttached((await getWeights(surveyId)).attached), [surveyId]);
  const { status, act, fail } = usePageActions(reload);
  useEffect(() => void reload().catch(fail), [reload]);
  const body = (attach: boolean) => ({
    classes,
    ...(psVariable && psTotals ? { poststratify: { variable: psVariable, totals: psTotals } } : {}),
    ...(trim.lower !== '' && trim.upper !== '' ? { trim: [Number(trim.lower), Number(trim.upper)] as [number, number] } : {}),
    attach,
  });
  const run = (attach: boolean) =>
    act(async () => {
      const r = await computeWeights(surveyId, body(attach));
      setResult(r);
      return attach
        ? `Final weights attached to the dataset for ${r.cases} cases (${r.respondents} interviewed): indicators and exports use them.`
        : `Preview for ${r.cases} cases (${r.respondents} interviewed); nothing is stored.`;
    });
  return (
    <div className="weights">
      <h2>Weights</h2>
      {attached ? (
        <p data-testid="weights-attached" className={attached.outdated ? 'bad' : 'hint'}>
          Final weights attached {new Date(attached.computedAt).toLocaleString()} for {attached.cases} cases.
          {attached.outdated ? ' Outcomes have changed since (a late interview or visit): compute them again.' : ' Outcomes have not changed since.'}
        </p>
      ) : (
        <p className="hint">No final weights yet: the dataset uses the design weights.</p>
      )}
      <fieldset>
        <legend>Nonresponse adjustment within classes</legend>
        {['stratum_h', 'status_s', 'ea'].map((c) => (
          <label key={c} className="check">
            <input
              type="checkbox"
              checked={classes.includes(c)}
              onChange={(e) => setClasses((x) => (e.target.checked ? [...x, c] : x.filter((y) => y !== c)))}
            />{' '}
            {c}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Post-stratification (optional)</legend>
        <label className="block">
          Case field <input value={psVariable} onChange={(e) => setPsVariable(e.target.value.trim())} size={14} placeholder="stratum_h" />
        </label>
        <label className="block">
          Population totals (CSV: category,total) <input type="file" accept=".csv" onChange={(e) => void e.target.files?.[0]?.text().then(setPsTotals)} />
        </label>
      </fieldset>
      <fieldset>
        <legend>Trimming (optional): weights kept within</legend>
        <label>
          lower <input inputMode="decimal" value={trim.lower} onChange={(e) => setTrim((t) => ({ ...t, lower: e.target.value }))} size={6} />
        </label>{' '}
        <label>
          upper <input inputMode="decimal" value={trim.upper} onChange={(e) => setTrim((t) => ({ ...t, upper: e.target.value }))} size={6} />
        </label>
      </fieldset>
      <p>
        <button type="button" onClick={() => void run(false)}>
          Preview the weights
        </button>{' '}
        <button type="button" onClick={() => void run(true)}>
          Attach the final weights to the dataset
        </button>
      </p>
      <p role="status" aria-live="polite" className={status?.bad ? 'bad' : 'hint'} data-testid="weights-status">
        {status?.text ?? ''}
      </p>
      {result && <KishTable result={result} />}
    </div>
  );
}

function KishTable({ result }: { result: WeightsResult }) {
  return (
    <>
      <div className="table-scroll">
        <table className="versions" data-testid="kish-table">
          <caption>Kish diagnostics after each step</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Cases with weight</th>
              <th scope="col">Sum of weights</th>
              <th scope="col">Min</th>
              <th scope="col">Max</th>
              <th scope="col">Max/min</th>
              <th scope="col">Kish deff</th>
              <th scope="col">Effective n</th>
            </tr>
          </thead>
          <tbody>
            {result.steps.map((s) => (
              <tr key={s.step}>
                <td>{s.step}</td>
                <td>{s.diagnostics.positive}</td>
                <td>{num(s.diagnostics.sum)}</td>
                <td>{num(s.diagnostics.min, 2)}</td>
                <td>{num(s.diagnostics.max, 2)}</td>
                <td>{num(s.diagnostics.ratio, 2)}</td>
                <td>{num(s.diagnostics.deffWeighting, 3)}</td>
                <td>{num(s.diagnostics.effectiveN)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {result.nonresponseClasses && (
        <div className="table-scroll">
          <table className="versions">
            <caption>Nonresponse classes (sums of design weights)</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Respondents</th>
                <th scope="col">Nonrespondents</th>
                <th scope="col">Ineligible</th>
                <th scope="col">Unknown</th>
                <th scope="col">Factor</th>
              </tr>
            </thead>
            <tbody>
              {result.nonresponseClasses.map((c) => (
                <tr key={c.class}>
                  <td>{c.class}</td>
                  <td>{num(c.respondents)}</td>
                  <td>{num(c.nonrespondents)}</td>
                  <td>{num(c.ineligible)}</td>
                  <td>{num(c.unknown)}</td>
                  <td>{num(c.factor, 3)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

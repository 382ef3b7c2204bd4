import { useEffect, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import { computeMonitoring, listSurveys, monitoringWorkbookBlob, type MonitoringReport, type MonitoringRow, type Survey } from '../api.js';

/** A starting plan for the surveys picked as rounds (the analyst edits it before computing). */
function templatePlan(rounds: { survey: Survey; id: string; date: string }[]): string {
  return JSON.stringify(
    {
      format: 'mdsurvey-monitoring/1',
      title: 'Migration and development: monitoring matrix',
      rounds: rounds.map((r) => ({ id: r.id, label: r.survey.title, date: r.date, survey: r.survey.id })),
      baseline: rounds[0]?.id ?? '',
      sampling: 'independent',
      compare: 'hh_migration_status',
      goals: [
        {
          id: 'G1',
          outcome: 'Migration contributes to development',
          outputs: [
            {
              output: 'Remittances and return',
              indicators: [
                { id: 'rem_receiving_hh', groups: ['all'], targets: [{ date: '2030', value: 0.2 }] },
                { id: 'mig_return_hh', groups: ['all'] },
              ],
            },
          ],
        },
      ],
    },
    null,
    2,
  );
}

const fmt = (x: number | null | undefined, digits = 3) => (x === null || x === undefined ? '' : x.toFixed(digits));
const yearOf = (date: string) => {
  const [y, m] = date.split('-').map(Number);
  return m ? y + (m - 0.5) / 12 : y + 0.5;
};

/** One indicator's estimates over rounds with their 95% intervals, the target a dashed line (withheld values are not drawn). */
function RowChart({ row, report }: { row: MonitoringRow; report: MonitoringReport }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const points = row.rounds
      .map((v) => ({ ...v, x: yearOf(report.rounds.find((r) => r.id === v.round)!.date) }))
      .filter((v) => v.estimate !== null && v.ci !== null);
    const marks: Plot.Markish[] = [
      Plot.ruleX(points, { x: 'x', y1: (d) => d.ci[0], y2: (d) => d.ci[1], stroke: '#14532d' }),
      Plot.dot(points, { x: 'x', y: 'estimate', fill: '#14532d', r: 4, title: (d) => `${d.round}: ${fmt(d.estimate)} (${fmt(d.ci[0])} to ${fmt(d.ci[1])})` }),
      Plot.line(points, { x: 'x', y: 'estimate', stroke: '#14532d', strokeOpacity: 0.4 }),
    ];
    if (row.target) {
      marks.push(Plot.ruleY([row.target.value], { stroke: '#b45309', strokeDasharray: '4,3' }));
      marks.push(Plot.dot([{ x: yearOf(row.target.date), y: row.target.value }], { x: 'x', y: 'y', symbol: 'star', fill: '#b45309', r: 5 }));
    }
    const svg = Plot.plot({
      width: 360,
      height: 180,
      marginLeft: 50,
      x: { label: 'year', tickFormat: (d: number) => String(Math.floor(d)) },
      y: { label: row.moneyUnit ?? 'estimate', grid: true },
      marks,
    });
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', `${row.indicator} (${row.group}) by round${row.target ? `, target ${row.target.value} by ${row.target.date}` : ''}`);
    ref.current?.replaceChildren(svg);
  }, [row, report]);
  return <div ref={ref} className="chart" data-testid={`chart-${row.indicator}-${row.group}`} />;
}

/** The monitoring matrix of a plan whose rounds are surveys on this server, with a chart per indicator and the workbook. */
export function MonitoringPage() {
  const [surveys, setSurveys] = useState<Survey[] | null>(null);
  const [picked, setPicked] = useState<Record<string, { id: string; date: string } | undefined>>({});
  const [plan, setPlan] = useState('');
  const [report, setReport] = useState<MonitoringReport | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    listSurveys().then(setSurveys, (err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, []);
  const rounds = useMemo(() => (surveys ?? []).filter((s) => picked[s.id]).map((s) => ({ survey: s, ...picked[s.id]! })), [surveys, picked]);
  const parsed = (): unknown => {
    try {
      return JSON.parse(plan);
    } catch (err) {
      throw new Error(`the plan is not valid JSON: ${(err as Error).message}`);
    }
  };
  const run = async () => {
    setError(null);
    setBusy('Computing the estimates of every round and their changes…');
    try {
      setReport(await computeMonitoring(parsed()));
    } catch (err) {
      setReport(null);
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  const download = async () => {
    setError(null);
    setBusy('Writing the workbook…');
    try {
      const blob = await monitoringWorkbookBlob(parsed());
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = 'monitoring.xlsx';
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  const loadFile = async (file: File) => {
    if (/\.xlsx$/i.test(file.name)) {
      const bytes = new Uint8Array(await file.arrayBuffer());
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      setPlan(JSON.stringify({ xlsx: btoa(binary) }));
    } else setPlan(await file.text());
  };
  const goals = report ? [...new Set(report.rows.map((r) => r.goal))] : [];
  return (
    <section>
      <h1>Monitoring across survey rounds</h1>
      <p className="hint">
        Pick the surveys that are the rounds, then edit the plan: indicators of the catalogue by group, the baseline round and targets. Estimates are
        design-based with 95% intervals; changes carry their standard error; estimates from too few cases are withheld, with every change that involves them.
      </p>
      <div className="card wide">
        <h2>Rounds</h2>
        {!surveys && !error && <p role="status">Loading the surveys…</p>}
        <table className="review-list">
          <thead>
            <tr>
              <th>Survey</th>
              <th>Round</th>
              <th>Round id</th>
              <th>Date (YYYY-MM)</th>
            </tr>
          </thead>
          <tbody>
            {(surveys ?? []).map((s) => (
              <tr key={s.id}>
                <td>{s.title}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`${s.title} is a round`}
                    checked={Boolean(picked[s.id])}
                    onChange={(e) =>
                      setPicked((p) => ({ ...p, [s.id]: e.target.checked ? { id: `R${Object.values(p).filter(Boolean).length + 1}`, date: '' } : undefined }))
                    }
                  />
                </td>
                <td>
                  <input
                    aria-label={`${s.title} round id`}
                    disabled={!picked[s.id]}
                    value={picked[s.id]?.id ?? ''}
                    onChange={(e) => setPicked((p) => ({ ...p, [s.id]: { ...p[s.id]!, id: e.target.value } }))}
                  />
                </td>
                <td>
                  <input
                    aria-label={`${s.title} date`}
                    disabled={!picked[s.id]}
                    placeholder="2026-06"
                    value={picked[s.id]?.date ?? ''}
                    onChange={(e) => setPicked((p) => ({ ...p, [s.id]: { ...p[s.id]!, date: e.target.value } }))}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" disabled={rounds.length < 2} onClick={() => setPlan(templatePlan([...rounds].sort((a, b) => a.date.localeCompare(b.date))))}>
          Start a plan with these rounds
        </button>
      </div>
      <div className="card wide">
        <label htmlFor="plan">
          <h2>Plan</h2>
        </label>
        <textarea id="plan" className="block" rows={16} spellCheck={false} value={plan} onChange={(e) => setPlan(e.target.value)} />
        <label className="block">
          Or load a plan file (.json, or .xlsx with sheets plan, rounds and indicators){' '}
          <input type="file" accept=".json,.xlsx" onChange={(e) => e.target.files?.[0] && void loadFile(e.target.files[0])} />
        </label>
        <p>
          <button type="button" disabled={!plan || busy !== null} onClick={() => void run()}>
            Compute the matrix
          </button>{' '}
          <button type="button" disabled={!plan || busy !== null} onClick={() => void download()}>
            Download XLSX
          </button>
        </p>
        {busy && (
          <p role="status" aria-live="polite">
            {busy}
          </p>
        )}
        {error && (
          <p className="bad" role="alert">
            {error}
          </p>
        )}
      </div>
      {report && (
        <div data-testid="matrix">
          <h2>{report.title}</h2>
          <p className="hint">
            Baseline {report.baseline}; rounds {report.rounds.map((r) => `${r.id} (${r.date})`).join(', ')};{' '}
            {report.sampling === 'shared-psus' ? 'the rounds revisit the same PSUs (their covariance is in the changes).' : 'independent samples.'}
          </p>
          {report.notes.map((n) => (
            <p key={n} className="note">
              {n}
            </p>
          ))}
          {goals.map((goal) => {
            const rows = report.rows.filter((r) => r.goal === goal);
            return (
              <div key={goal} className="card wide">
                <h3>
                  {goal}: {rows[0].outcome}
                </h3>
                <table className="review-list" data-testid={`goal-${goal}`}>
                  <thead>
                    <tr>
                      <th>Output</th>
                      <th>Indicator</th>
                      <th>Group</th>
                      {report.rounds.map((r) => (
                        <th key={r.id}>{r.id} (95% CI)</th>
                      ))}
                      <th>Change from baseline (se, p)</th>
                      <th>Target</th>
                      <th>Progress</th>
                      <th>Status</th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((r) => (
                      <tr key={`${r.indicator}-${r.category}-${r.group}`} data-testid={`row-${r.indicator}-${r.group}`}>
                        <td>{r.output}</td>
                        <td>
                          <strong>{r.indicator}</strong>
                          <br />
                          <span className="hint">{r.label}</span>
                          {r.notes.length > 0 && <div className="hint">{r.notes.join('; ')}</div>}
                        </td>
                        <td>{r.group}</td>
                        {r.rounds.map((v) => (
                          <td key={v.round} data-testid={`estimate-${r.indicator}-${r.group}-${v.round}`}>
                            {v.estimate === null ? <span className="hint">withheld</span> : `${fmt(v.estimate)} (${fmt(v.ci?.[0])}–${fmt(v.ci?.[1])})`}
                          </td>
                        ))}
                        <td data-testid={`change-${r.indicator}-${r.group}`}>
                          {r.changeFromBaseline
                            ? `${fmt(r.changeFromBaseline.estimate)} (${fmt(r.changeFromBaseline.se)}, p ${fmt(r.changeFromBaseline.p)})`
                            : ''}
                        </td>
                        <td>{r.target ? `${r.target.value} by ${r.target.date}` : ''}</td>
                        <td>{r.progress === null ? '' : `${Math.round(r.progress * 100)}% (expected ${Math.round((r.expected ?? 0) * 100)}%)`}</td>
                        <td>{r.status}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="charts">
                  {rows.map((r) => (
                    <figure key={`${r.indicator}-${r.category}-${r.group}`}>
                      <figcaption>
                        {r.indicator} ({r.group})
                      </figcaption>
                      <RowChart row={r} report={report} />
                    </figure>
                  ))}
                </div>
              </div>
            );
          })}
        </div>
      )}
    </section>
  );
}

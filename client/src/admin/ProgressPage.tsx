import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { getProgress, listSurveys, type ProgressRow, type Survey } from '../api.js';

type Column = { key: string; label: string; value: (r: ProgressRow) => number | string | null; format?: (v: number) => string };
const COLUMNS: Column[] = [
  { key: 'key', label: 'Group', value: (r) => r.key },
  { key: 'cases', label: 'Cases', value: (r) => r.cases },
  { key: 'interviews', label: 'Interviews', value: (r) => r.interviews },
  { key: 'responseRate', label: 'Response rate (AAPOR RR1)', value: (r) => r.responseRate, format: (v) => `${(v * 100).toFixed(0)}%` },
  { key: 'refused', label: 'Refused', value: (r) => (r.outcomes.refused ?? 0) + (r.outcomes.break_off ?? 0) },
  { key: 'noContact', label: 'No contact', value: (r) => (r.outcomes.no_one_home ?? 0) + (r.outcomes.respondent_away ?? 0) },
  { key: 'notEligible', label: 'Not eligible', value: (r) => r.notEligible },
  { key: 'pending', label: 'Not visited yet', value: (r) => r.outcomes.pending ?? 0 },
  { key: 'waiting', label: 'Waiting for review', value: (r) => r.waitingReview },
  { key: 'oldest', label: 'Oldest waiting (h)', value: (r) => r.oldestWaitingHours, format: (v) => v.toFixed(1) },
  { key: 'rejected', label: 'Returned', value: (r) => r.states.rejected ?? 0 },
  { key: 'approved', label: 'Approved', value: (r) => (r.states.supervisor_approved ?? 0) + (r.states.hq_approved ?? 0) },
  { key: 'median', label: 'Median length (min)', value: (r) => r.medianMinutes, format: (v) => v.toFixed(0) },
  { key: 'short', label: 'Very short', value: (r) => r.short },
];
const GROUPS = [
  ['enumerator', 'Enumerator'],
  ['team', 'Team (supervisor)'],
  ['ea', 'Enumeration area'],
  ['region', 'Region'],
  ['status', 'Screening status'],
] as const;

/**
 * Fieldwork progress (supervisor: her team; statistician, admin: everyone): cases, interviews, response
 * rate, reviews waiting and their age, interview length, by enumerator, team, EA, region or screening
 * status; sortable, filterable, refreshed every 30 seconds without reloading.
 */
export function ProgressPage() {
  const [surveys, setSurveys] = useState<Survey[]>([]);
  const [surveyId, setSurveyId] = useState('');
  const [by, setBy] = useState('enumerator');
  const [data, setData] = useState<Awaited<ReturnType<typeof getProgress>> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sort, setSort] = useState<{ key: string; down: boolean }>({ key: 'key', down: false });
  const [filter, setFilter] = useState('');
  const [updated, setUpdated] = useState<Date | null>(null);
  useEffect(() => {
    listSurveys().then(
      (s) => {
        setSurveys(s);
        setSurveyId((id) => id || (s.find((x) => x.state === 'fieldwork') ?? s[0])?.id || '');
      },
      (err: unknown) => setError(String((err as Error).message)),
    );
  }, []);
  useEffect(() => {
    if (!surveyId) return;
    const ctl = new AbortController();
    const load = () =>
      getProgress(surveyId, by, ctl.signal).then(
        (d) => {
          setData(d);
          setError(null);
          setUpdated(new Date());
        },
        (err: unknown) => !ctl.signal.aborted && setError(String((err as Error).message)),
      );
    void load();
    const timer = setInterval(() => void load(), 30_000);
    return () => {
      ctl.abort();
      clearInterval(timer);
    };
  }, [surveyId, by]);
  const rows = useMemo(() => {
    const col = COLUMNS.find((c) => c.key === sort.key)!;
    const f = filter.trim().toLowerCase();
    return [...(data?.rows ?? [])]
      .filter((r) => !f || r.key.toLowerCase().includes(f))
      .sort((a, b) => {
        const x = col.value(a);
        const y = col.value(b);
        const c = typeof x === 'string' || typeof y === 'string' ? String(x ?? '').localeCompare(String(y ?? '')) : (x ?? -Infinity) - (y ?? -Infinity);
        return sort.down ? -c : c;
      });
  }, [data, sort, filter]);
  const cell = (c: Column, r: ProgressRow) => {
    const v = c.value(r);
    if (v === null) return '—';
    const text = typeof v === 'number' && c.format ? c.format(v) : String(v);
    // The interviews behind a figure: the review queue.
    if (c.key === 'waiting' && typeof v === 'number' && v > 0) return <Link to="/review">{text}</Link>;
    return text;
  };
  return (
    <section className="progress">
      <h1>Fieldwork progress</h1>
      <div className="filters">
        <label>
          Survey{' '}
          <select value={surveyId} onChange={(e) => setSurveyId(e.target.value)}>
            {surveys.map((s) => (
              <option key={s.id} value={s.id}>
                {s.title} ({s.state})
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          By{' '}
          <select value={by} onChange={(e) => setBy(e.target.value)}>
            {GROUPS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          Filter <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
      </div>
      <p role="status" aria-live="polite" className={error ? 'bad' : 'hint'} data-testid="progress-status">
        {error ??
          (data
            ? `${data.total.interviews} interviews of ${data.total.quota} planned; median length ${data.surveyMedianMinutes === null ? '—' : `${data.surveyMedianMinutes.toFixed(0)} min`}; updated ${updated?.toLocaleTimeString() ?? ''}`
            : 'Loading…')}
      </p>
      <div className="table-scroll">
        <table className="progress-table" data-testid="progress-table">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.down ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" className="link" onClick={() => setSort({ key: c.key, down: sort.key === c.key ? !sort.down : c.key !== 'key' })}>
                    {c.label}
                  </button>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-group={r.key}>
                {COLUMNS.map((c) => (
                  <td key={c.key}>{cell(c, r)}</td>
                ))}
              </tr>
            ))}
          </tbody>
          {data && (
            <tfoot>
              <tr>
                {COLUMNS.map((c) => (
                  <td key={c.key}>{c.key === 'key' ? 'Total' : cell(c, data.total)}</td>
                ))}
              </tr>
            </tfoot>
          )}
        </table>
      </div>
    </section>
  );
}

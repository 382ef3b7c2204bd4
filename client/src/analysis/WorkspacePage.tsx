import { useEffect, useMemo, useRef, useState } from 'react';
import * as Plot from '@observablehq/plot';
import {
  downloadUrl,
  getCodebook,
  getIndicators,
  getTable,
  listSurveys,
  type DatasetTabulation,
  type IndicatorReport,
  type IndicatorRow,
  type Survey,
  type WeightedEntry,
} from '../api.js';
import { LANGUAGES, t, type Language } from './i18n.js';

const COMPARE = ['hh_migration_status', 'hh_migration_status_12m', 'hh_migrant', 'hh_migration_status_split'];
const BY = ['region', 'urban', 'sex'];
const PRESETS = ['census-birth-age-sex', 'census-citizenship-age-sex', 'census-arrival-birth', 'nativity-sex-age'];
const fmt = (x: number | null | undefined, digits = 3) => (x === null || x === undefined || Number.isNaN(x) ? '' : x.toFixed(digits));

/** A labelled select of values (shown as given, or through `name`), with an optional first "none" entry. */
function SelectField(props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  values: readonly string[];
  none?: string;
  name?: (v: string) => string;
  disabled?: boolean;
}) {
  return (
    <label>
      {props.label}{' '}
      <select value={props.value} onChange={(e) => props.onChange(e.target.value)} disabled={props.disabled}>
        {props.none !== undefined && <option value="">{props.none}</option>}
        {props.values.map((v) => (
          <option key={v} value={v}>
            {props.name ? props.name(v) : v}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Saves a blob or a URL under a file name. */
function save(href: string, name: string) {
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
}
const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // Spreadsheet formulas are neutralised, as the server's CSV does.
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
const toCsv = (head: string[], rows: unknown[][]) => [head, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
const saveText = (text: string, name: string, type: string) => {
  const url = URL.createObjectURL(new Blob([text], { type }));
  save(url, name);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

/** One indicator by group: a point and its 95% interval per group (withheld groups are not drawn). */
function IndicatorChart({ rows, label, svgRef }: { rows: IndicatorRow[]; label: string; svgRef: React.MutableRefObject<SVGSVGElement | null> }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const points = rows.filter((r) => r.estimate !== null && r.ci !== null).map((r) => ({ ...r, name: Object.values(r.by).concat(r.group).join(' / ') }));
    const svg = Plot.plot({
      width: 640,
      height: 60 + 28 * Math.max(points.length, 1),
      marginLeft: 150,
      x: { label, grid: true },
      y: { label: null },
      marks: [
        Plot.ruleY(points, { y: 'name', x1: (d) => d.ci[0], x2: (d) => d.ci[1], stroke: '#14532d' }),
        Plot.dot(points, { y: 'name', x: 'estimate', fill: '#14532d', r: 4, title: (d) => `${d.name}: ${fmt(d.estimate)} (${fmt(d.ci[0])}–${fmt(d.ci[1])})` }),
      ],
    }) as unknown as SVGSVGElement;
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
    svgRef.current = svg;
    ref.current?.replaceChildren(svg);
  }, [rows, label, svgRef]);
  return <div ref={ref} className="chart" data-testid="indicator-chart" />;
}

/** An SVG drawn on a canvas, as a PNG (white background). */
async function pngOf(svg: SVGSVGElement): Promise<Blob> {
  const text = new XMLSerializer().serializeToString(svg);
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = (svg.width.baseVal.value || 640) * 2;
  canvas.height = (svg.height.baseVal.value || 300) * 2;
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.scale(2, 2);
  ctx.drawImage(img, 0, 0);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'));
}

function IndicatorsPanel({ survey, language }: { survey: Survey; language: Language }) {
  const [compare, setCompare] = useState('hh_migration_status');
  const [by, setBy] = useState('');
  const [domain, setDomain] = useState('');
  const [report, setReport] = useState<IndicatorReport | null>(null);
  const [chartId, setChartId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const svgRef = useRef<SVGSVGElement | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    setBusy(true);
    setError(null);
    getIndicators(survey.id, { compare: compare || undefined, by: by || undefined, language }, ctl.signal)
      .then(
        (r) => {
          setReport(r);
          setChartId((id) => (id && r.rows.some((x) => x.id === id) ? id : (r.rows.find((x) => x.estimate !== null)?.id ?? '')));
        },
        (err: unknown) => !ctl.signal.aborted && setError(err instanceof Error ? err.message : String(err)),
      )
      .finally(() => !ctl.signal.aborted && setBusy(false));
    return () => ctl.abort();
  }, [survey.id, compare, by, language]);
  const domains = useMemo(() => [...new Set((report?.rows ?? []).map((r) => r.domain))], [report]);
  const rows = (report?.rows ?? []).filter((r) => !domain || r.domain === domain);
  const chartRows = rows.filter((r) => r.id === chartId && (r.category ?? '') === (rows.find((x) => x.id === chartId)?.category ?? ''));
  const chartLabel = chartRows[0]?.label ?? chartId;
  const head = [
    t('indicator', language),
    'category',
    t('group', language),
    ...(by ? [by] : []),
    t('estimate', language),
    'ci_low',
    'ci_high',
    'n',
    'difference',
    'difference_se',
    'p',
    t('flags', language),
  ];
  const csvRows = rows.map((r) => [
    r.id,
    r.category ?? '',
    r.group,
    ...(by ? [r.by[by] ?? ''] : []),
    r.estimate,
    r.ci?.[0],
    r.ci?.[1],
    r.n,
    r.difference?.estimate,
    r.difference?.se,
    r.difference?.p,
    r.flags.join(' '),
  ]);
  return (
    <div>
      <div className="controls">
        <SelectField label={t('compareBy', language)} value={compare} onChange={setCompare} values={COMPARE} none={t('none', language)} />
        <SelectField label={t('splitBy', language)} value={by} onChange={setBy} values={BY} none={t('none', language)} />
        <SelectField label={t('domainOf', language)} value={domain} onChange={setDomain} values={domains} none={t('all', language)} />
      </div>
      {busy && (
        <p role="status" aria-live="polite">
          {t('computing', language)}
        </p>
      )}
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      {report && (
        <>
          <p>
            <button type="button" onClick={() => saveText(toCsv(head, csvRows), `indicators-${language}.csv`, 'text/csv')}>
              {t('downloadCsv', language)}
            </button>{' '}
            <button
              type="button"
              onClick={() => save(downloadUrl(`/surveys/${survey.id}/indicators`, { compare, by, language, format: 'xlsx' }), 'indicators.xlsx')}
            >
              {t('downloadXlsx', language)}
            </button>
          </p>
          <label>
            {t('chartOf', language)}{' '}
            <select aria-label={t('chartOf', language)} value={chartId} onChange={(e) => setChartId(e.target.value)}>
              {[...new Set(rows.map((r) => r.id))].map((id) => (
                <option key={id} value={id}>
                  {rows.find((r) => r.id === id)!.label}
                </option>
              ))}
            </select>
          </label>
          {chartRows.length > 0 && <IndicatorChart rows={chartRows} label={chartLabel} svgRef={svgRef} />}
          <p>
            <button
              type="button"
              onClick={() => svgRef.current && saveText(new XMLSerializer().serializeToString(svgRef.current), `${chartId}.svg`, 'image/svg+xml')}
            >
              {t('downloadSvg', language)}
            </button>{' '}
            <button
              type="button"
              onClick={() =>
                svgRef.current &&
                void pngOf(svgRef.current).then((b) => {
                  const url = URL.createObjectURL(b);
                  save(url, `${chartId}.png`);
                  setTimeout(() => URL.revokeObjectURL(url), 10_000);
                })
              }
            >
              {t('downloadPng', language)}
            </button>
          </p>
          <div className="table-scroll">
            <table className="review-list" data-testid="indicator-table">
              <thead>
                <tr>
                  <th>{t('indicator', language)}</th>
                  <th>{t('group', language)}</th>
                  {by && <th>{by}</th>}
                  <th>{t('estimate', language)}</th>
                  <th>{t('ci', language)}</th>
                  <th>{t('cases', language)}</th>
                  <th>{t('difference', language)}</th>
                  <th>{t('flags', language)}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.id}|${r.category}|${r.group}|${JSON.stringify(r.by)}`}>
                    <td>
                      {r.label}
                      {r.category ? ` — ${r.category}` : ''}
                      {r.moneyUnit ? <span className="hint"> ({r.moneyUnit})</span> : null}
                    </td>
                    <td>{r.group}</td>
                    {by && <td>{r.by[by]}</td>}
                    <td>{r.estimate === null ? <span className="hint">{t('withheld', language)}</span> : fmt(r.estimate)}</td>
                    <td>{r.ci ? `${fmt(r.ci[0])}–${fmt(r.ci[1])}` : ''}</td>
                    <td>{r.n}</td>
                    <td>{r.difference ? `${fmt(r.difference.estimate)} (${fmt(r.difference.se)}, ${fmt(r.difference.p)})` : ''}</td>
                    <td className="hint">{r.flags.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}

type TableStatistic = 'count' | 'percent' | 'rowPercent' | 'colPercent';
function entryText(e: WeightedEntry | undefined, statistic: TableStatistic, withheld: string, margin?: 'row' | 'col' | 'total') {
  if (!e) return '';
  // Margins of a row (column) percentage table: 100 for the rows (columns), the table share for the other margin.
  if ((statistic === 'rowPercent' && (margin === 'row' || margin === 'total')) || (statistic === 'colPercent' && (margin === 'col' || margin === 'total')))
    return e.count ? '100.0' : withheld;
  const v = statistic === 'count' ? e.count : statistic === 'percent' || margin ? e.percent : e[statistic];
  if (!v) return withheld;
  return statistic === 'count'
    ? `${Math.round(v.estimate).toLocaleString('en')} (${Math.round(v.se).toLocaleString('en')})`
    : `${fmt(v.estimate, 1)} (${fmt(v.se, 1)})`;
}

function TablePanel({ survey, language }: { survey: Survey; language: Language }) {
  const [variables, setVariables] = useState<{ variable: string; level: string; label: string }[]>([]);
  const [preset, setPreset] = useState('');
  const [level, setLevel] = useState('household');
  const [rows, setRows] = useState('hh_migration_status');
  const [cols, setCols] = useState('region');
  const [by, setBy] = useState('');
  const [statistic, setStatistic] = useState<TableStatistic>('percent');
  const [tab, setTab] = useState<DatasetTabulation | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    getCodebook(survey.id).then(
      (cb) =>
        setVariables(
          cb.variables
            .filter((v) => !v.identifier && v.type !== 'text')
            .map((v) => ({ variable: v.variable, level: v.level, label: v.label[language] ?? v.label.en ?? v.variable })),
        ),
      () => setVariables([]),
    );
  }, [survey.id, language]);
  const levels = [...new Set(variables.map((v) => v.level))];
  const options = variables.filter((v) => v.level === level || v.level === 'household');
  const params = preset ? { preset, language } : { rows, cols, by: by || undefined, level, language };
  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      setTab(await getTable(survey.id, params));
    } catch (err) {
      setTab(null);
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const variableNames = [...new Set(options.map((v) => v.variable))];
  const select = (label: string, value: string, set: (v: string) => void, allowNone = false) => (
    <SelectField
      label={label}
      value={value}
      onChange={set}
      values={variableNames}
      none={allowNone ? t('none', language) : undefined}
      disabled={Boolean(preset)}
    />
  );
  const withheld = t('withheld', language);
  const csv = () => {
    if (!tab) return;
    const out: unknown[][] = [];
    for (const table of tab.tables)
      for (const c of table.cells) {
        const e = c as WeightedEntry;
        out.push([
          ...(tab.by ? [table.by[tab.by] ?? ''] : []),
          e.row,
          e.col,
          e.status,
          e.n,
          e.count?.estimate,
          e.count?.se,
          e.percent?.estimate,
          e.percent?.se,
          e.rowPercent?.estimate,
          e.rowPercent?.se,
          e.colPercent?.estimate,
          e.colPercent?.se,
        ]);
      }
    saveText(
      toCsv(
        [
          ...(tab.by ? [tab.by] : []),
          tab.rows,
          tab.cols,
          'status',
          'n',
          'count',
          'count_se',
          'percent',
          'percent_se',
          'row_percent',
          'row_percent_se',
          'col_percent',
          'col_percent_se',
        ],
        out,
      ),
      `table-${tab.rows}-${tab.cols}.csv`,
      'text/csv',
    );
  };
  return (
    <div>
      <div className="controls">
        <SelectField label={t('preset', language)} value={preset} onChange={setPreset} values={PRESETS} none={t('none', language)} />
        <SelectField label={t('level', language)} value={level} onChange={setLevel} values={levels} disabled={Boolean(preset)} />
        {select(t('rows', language), rows, setRows)}
        {select(t('cols', language), cols, setCols)}
        {select(t('splitBy', language), by, setBy, true)}
        <SelectField
          label={t('statistic', language)}
          value={statistic}
          onChange={(v) => setStatistic(v as TableStatistic)}
          values={['count', 'percent', 'rowPercent', 'colPercent']}
          name={(v) => t(v as TableStatistic, language)}
        />
        <button type="button" disabled={busy} onClick={() => void make()}>
          {t('makeTable', language)}
        </button>
      </div>
      {busy && (
        <p role="status" aria-live="polite">
          {t('working', language)}
        </p>
      )}
      {error && (
        <p className="bad" role="alert">
          {error}
        </p>
      )}
      {tab && (
        <div data-testid="weighted-table">
          <h3>{tab.title}</h3>
          <p>
            <button type="button" onClick={csv}>
              {t('downloadCsv', language)}
            </button>{' '}
            <button type="button" onClick={() => save(downloadUrl(`/surveys/${survey.id}/tables`, { ...params, format: 'xlsx' }), 'table.xlsx')}>
              {t('downloadXlsx', language)}
            </button>
          </p>
          {tab.tables.map((table, k) => {
            const cell = (r: string, c: string) => table.cells.find((e) => e.row === r && e.col === c);
            return (
              <div key={k} className="table-scroll">
                {tab.by && <h4>{`${tab.by} = ${table.by[tab.by]}`}</h4>}
                <table className="review-list">
                  <thead>
                    <tr>
                      <th>
                        {tab.rows} / {tab.cols}
                      </th>
                      {table.colLevels.map((c) => (
                        <th key={c}>{tab.valueLabels.cols[c] ?? c}</th>
                      ))}
                      <th>{t('total', language)}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {table.rowLevels.map((r, i) => (
                      <tr key={r}>
                        <th>{tab.valueLabels.rows[r] ?? r}</th>
                        {table.colLevels.map((c) => (
                          <td key={c} data-testid={`cell-${k}-${r}-${c}`}>
                            {entryText(cell(r, c), statistic, withheld)}
                          </td>
                        ))}
                        <td>{entryText(table.rowMargins[i], statistic, withheld, 'row')}</td>
                      </tr>
                    ))}
                    <tr>
                      <th>{t('total', language)}</th>
                      {table.colMargins.map((m, j) => (
                        <td key={j}>{entryText(m, statistic, withheld, 'col')}</td>
                      ))}
                      <td>{entryText(table.total, statistic, withheld, 'total')}</td>
                    </tr>
                  </tbody>
                </table>
                {table.test && (
                  <p className="hint" data-testid="rao-scott">
                    {t('test', language)}: F = {fmt(table.test.f, 2)} ({fmt(table.test.ndf, 2)}, {fmt(table.test.ddf, 2)} df), p = {fmt(table.test.p, 4)}
                  </p>
                )}
              </div>
            );
          })}
        </div>
      )}
    </div>
  );
}

/** The analysts' place: indicators by migration status with a chart, a table builder, downloads. */
export function WorkspacePage() {
  const [surveys, setSurveys] = useState<Survey[] | null>(null);
  const [surveyId, setSurveyId] = useState('');
  const [language, setLanguage] = useState<Language>('en');
  const [tab, setTab] = useState<'indicators' | 'tables' | 'microdata'>('indicators');
  useEffect(() => {
    listSurveys().then(
      (s) => {
        setSurveys(s);
        setSurveyId((id) => id || (s[0]?.id ?? ''));
      },
      () => setSurveys([]),
    );
  }, []);
  const survey = surveys?.find((s) => s.id === surveyId);
  return (
    <section lang={language}>
      <h1>{t('title', language)}</h1>
      <p className="hint">{t('intro', language)}</p>
      <div className="controls">
        <SelectField
          label={t('survey', language)}
          value={surveyId}
          onChange={setSurveyId}
          values={(surveys ?? []).map((x) => x.id)}
          name={(id) => surveys!.find((x) => x.id === id)!.title}
        />
        <SelectField
          label={t('language', language)}
          value={language}
          onChange={(v) => setLanguage(v as Language)}
          values={LANGUAGES.map((l) => l.code)}
          name={(c) => LANGUAGES.find((l) => l.code === c)!.name}
        />
      </div>
      <div role="tablist" className="tabs">
        {(['indicators', 'tables', 'microdata'] as const).map((k) => (
          <button key={k} type="button" role="tab" aria-selected={tab === k} className={tab === k ? 'current' : 'link'} onClick={() => setTab(k)}>
            {t(k === 'tables' ? 'tableBuilder' : k, language)}
          </button>
        ))}
      </div>
      {survey && tab === 'indicators' && <IndicatorsPanel survey={survey} language={language} />}
      {survey && tab === 'tables' && <TablePanel survey={survey} language={language} />}
      {survey && tab === 'microdata' && (
        <div>
          <p>
            <a href={downloadUrl(`/surveys/${survey.id}/export/dataset.zip`)} download>
              {t('analystFile', language)}
            </a>
          </p>
          <p>
            <a href={downloadUrl(`/surveys/${survey.id}/export/public.zip`, { language })} download>
              {t('publicFile', language)}
            </a>
          </p>
          <h2>{t('annex', language)}</h2>
          <p className="hint">{t('annexNote', language)}</p>
          <p className="downloads">
            {(['pdf', 'html', 'xlsx'] as const).map((format) => (
              <a key={format} className="button" href={downloadUrl(`/surveys/${survey.id}/report`, { format, language })} download>
                {t(format === 'pdf' ? 'annexPdf' : format === 'html' ? 'annexHtml' : 'annexXlsx', language)}
              </a>
            ))}
          </p>
        </div>
      )}
    </section>
  );
}

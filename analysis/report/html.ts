import type { WeightedEntry, WeightedTable } from '../weighted-tables.js';
import type { IndicatorRow } from '../indicators/compute.js';
import { reportText, type AnnexTable, type MigrationProfileAnnex } from './migration-profile.js';

/**
 * The annex as one printable HTML page (A4, a section per page): the same tables as the workbook, a
 * dot-and-interval chart per table of households and per indicator domain, drawn as inline SVG (no
 * script: the page prints the same in any browser and in headless Chromium's PDF). Withheld values are
 * blank; nothing is in the page that the tables do not publish.
 */

const esc = (s: unknown) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
const f = (x: number | null | undefined, d = 1) => (x === null || x === undefined || !Number.isFinite(x) ? '' : x.toFixed(d));

/** Points with 95% intervals as an SVG (labels on the left, a scale below). */
export function intervalChart(points: { label: string; estimate: number; lo: number; hi: number }[], title: string, width = 640): string {
  if (!points.length) return '';
  const left = width < 400 ? 70 : 170;
  const right = 20;
  const rowH = 22;
  const top = 26;
  const height = top + rowH * points.length + 34;
  const lo = Math.min(0, ...points.map((p) => p.lo));
  const hi = Math.max(...points.map((p) => p.hi), 1e-9);
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * (width - left - right);
  const nTicks = width < 400 ? 3 : 5;
  const ticks = Array.from({ length: nTicks }, (_, k) => lo + ((hi - lo) * k) / (nTicks - 1));
  const tick = (v: number) =>
    hi - lo < 2 ? v.toFixed(2) : Math.abs(v) >= 10000 ? `${Math.round(v / 1000).toLocaleString('en')}k` : Math.round(v).toLocaleString('en');
  const shown = title.length > width / 6.5 ? `${title.slice(0, Math.floor(width / 6.5) - 1)}…` : title;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(title)}">
<title>${esc(title)}</title><text x="0" y="14" font-size="11" font-weight="600">${esc(shown)}</text>
${ticks.map((t) => `<line x1="${x(t)}" x2="${x(t)}" y1="${top - 4}" y2="${height - 30}" stroke="#e5e7eb"/><text x="${x(t)}" y="${height - 14}" font-size="10" text-anchor="middle">${esc(tick(t))}</text>`).join('\n')}
${points
  .map((p, i) => {
    const y = top + rowH * i + rowH / 2;
    return `<text x="${left - 8}" y="${y + 4}" font-size="11" text-anchor="end">${esc(p.label.slice(0, width < 400 ? 10 : 28))}</text><line x1="${x(p.lo)}" x2="${x(p.hi)}" y1="${y}" y2="${y}" stroke="#14532d" stroke-width="2"/><circle cx="${x(p.estimate)}" cy="${y}" r="4" fill="#14532d"/>`;
  })
  .join('\n')}
</svg>`;
}

function entryCell(e: WeightedEntry | undefined): string {
  if (!e || !e.percent) return '<td class="withheld"></td>';
  return `<td>${f(e.percent.estimate)}<span class="se"> (${f(e.percent.se)})</span></td>`;
}

function weightedTableHtml(t: WeightedTable, labels: { rows: Record<string, string>; cols: Record<string, string> }, by: string | null): string {
  const cell = (r: string, c: string) => t.cells.find((e) => e.row === r && e.col === c);
  return `${by ? `<h4>${esc(by)} = ${esc(t.by[by])}</h4>` : ''}<table><thead><tr><th></th>${t.colLevels.map((c) => `<th>${esc(labels.cols[c] ?? c)}</th>`).join('')}<th>Total</th></tr></thead><tbody>
${t.rowLevels.map((r, i) => `<tr><th>${esc(labels.rows[r] ?? r)}</th>${t.colLevels.map((c) => entryCell(cell(r, c))).join('')}${entryCell(t.rowMargins[i])}</tr>`).join('\n')}
<tr class="total"><th>Total</th>${t.colMargins.map((m) => entryCell(m)).join('')}${entryCell(t.total)}</tr></tbody></table>
${t.test ? `<p class="test">Rao-Scott F = ${f(t.test.f, 2)} on ${f(t.test.ndf, 2)} and ${f(t.test.ddf, 2)} df, p = ${f(t.test.p, 4)}</p>` : ''}`;
}

function annexTableHtml(t: AnnexTable, language: MigrationProfileAnnex['language']): string {
  const n = t.notes;
  const notes = `<dl class="notes"><dt>${reportText('universe', language)}</dt><dd>${esc(n.universe)}</dd><dt>${reportText('period', language)}</dt><dd>${esc(n.period)}</dd><dt>${reportText('source', language)}</dt><dd>${esc(n.source)}</dd><dt>${reportText('unit', language)}</dt><dd>${esc(n.unit)}</dd><dt>${reportText('disclosure', language)}</dt><dd>${esc(n.disclosure)}</dd></dl>`;
  if (!t.tabulation)
    return `<section class="table" id="${esc(t.id)}"><h3>${esc(t.id)}. ${esc(t.title)}</h3><p class="na">${esc(t.unavailable)}</p>${notes}</section>`;
  const tab = t.tabulation;
  const chart =
    t.id.startsWith('H') && tab.tables.length === 1
      ? intervalChart(
          tab.tables[0].rowMargins
            .map((m, i) => ({ m, label: tab.valueLabels.rows[tab.tables[0].rowLevels[i]] ?? tab.tables[0].rowLevels[i] }))
            .filter((x) => x.m.percent)
            .map((x) => ({ label: x.label, estimate: x.m.percent.estimate, lo: x.m.percent.ci[0], hi: x.m.percent.ci[1] })),
          `${t.title}: %`,
        )
      : '';
  return `<section class="table" id="${esc(t.id)}"><h3>${esc(t.id)}. ${esc(t.title)}</h3>${tab.tables.map((x) => weightedTableHtml(x, tab.valueLabels, tab.by)).join('')}${chart}${notes}</section>`;
}

function indicatorsHtml(rows: IndicatorRow[]): string {
  const domains = [...new Set(rows.map((r) => r.domain))];
  return domains
    .map((domain) => {
      const inDomain = rows.filter((r) => r.domain === domain);
      const ids = [...new Set(inDomain.map((r) => `${r.id}|${r.category ?? ''}`))];
      const charts = ids
        .slice(0, 6)
        .map((key) => {
          const rs = inDomain.filter((r) => `${r.id}|${r.category ?? ''}` === key && r.estimate !== null && r.ci !== null);
          return rs.length
            ? intervalChart(
                rs.map((r) => ({ label: r.group, estimate: r.estimate!, lo: r.ci![0], hi: r.ci![1] })),
                `${rs[0].label}${rs[0].category ? `: ${rs[0].category}` : ''}`,
                320,
              )
            : '';
        })
        .join('');
      return `<h3>${esc(domain)}</h3><table class="indicators"><thead><tr><th>Indicator</th><th>Group</th><th>Estimate</th><th>95% CI</th><th>n</th><th>Difference to reference (se, p)</th><th>Flags</th></tr></thead><tbody>
${inDomain
  .map(
    (r) =>
      `<tr><td>${esc(r.label)}${r.category ? ` — ${esc(r.category)}` : ''}${r.moneyUnit ? ` <span class="se">(${esc(r.moneyUnit)})</span>` : ''}</td><td>${esc(r.group)}</td><td>${f(r.estimate, 3)}</td><td>${r.ci ? `${f(r.ci[0], 3)}–${f(r.ci[1], 3)}` : ''}</td><td>${r.n}</td><td>${r.difference ? `${f(r.difference.estimate, 3)} (${f(r.difference.se, 3)}, ${f(r.difference.p, 3)})` : ''}</td><td class="se">${esc(r.flags.join(', '))}</td></tr>`,
  )
  .join('\n')}</tbody></table><div class="charts">${charts}</div>`;
    })
    .join('\n');
}

/** The annex as a standalone HTML document. */
export function annexHtml(annex: MigrationProfileAnnex): string {
  const l = annex.language;
  const tech = annex.technical;
  return `<!doctype html>
<html lang="${l}"><head><meta charset="utf-8"><title>${esc(annex.title)}</title>
<style>
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", system-ui, sans-serif; font-size: 10pt; color: #111; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; border-bottom: 2px solid #14532d; page-break-before: always; } h2.first { page-break-before: avoid; }
h3 { font-size: 11pt; margin-top: 14pt; } table { border-collapse: collapse; margin: 4pt 0; page-break-inside: auto; }
th, td { border-bottom: 1px solid #ddd; padding: 2pt 5pt; text-align: right; vertical-align: top; } th:first-child, td:first-child { text-align: left; }
table.indicators { width: 100%; } table.indicators td { white-space: nowrap; } table.indicators td:first-child, table.indicators td:last-child { white-space: normal; } table.indicators td:first-child { width: 38%; } .se { color: #555; font-size: 8pt; } .withheld { background: #f3f4f6; }
.notes { display: grid; grid-template-columns: max-content 1fr; gap: 1pt 8pt; font-size: 8pt; color: #333; } .notes dt { font-weight: 600; }
.na { color: #b45309; } .test { font-size: 8pt; } .charts svg { display: inline-block; margin: 4pt; } tr.total th, tr.total td { font-weight: 600; }
section.table { page-break-inside: avoid; }
</style></head><body>
<h1>${esc(annex.title)}</h1>
<p>${esc(annex.survey)}</p>
<h2 class="first">${reportText('contents', l)}</h2>
<ol>${annex.sections.map((s) => `<li><a href="#${s.id}">${esc(s.title)}</a>: ${s.tables.map((t) => esc(t.id)).join(', ')}</li>`).join('')}<li>${reportText('indicators', l)}</li><li>${reportText('technical', l)}</li></ol>
${annex.sections
  .map(
    (s) =>
      `<h2 id="${s.id}">${esc(s.title)}</h2>${s.tables.map((t) => annexTableHtml(t, l)).join('\n')}${
        s.id === 'remittances' && annex.remittanceTotal.length
          ? `<h3>${reportText('nationalTotal', l)}</h3><table><thead><tr><th></th><th>Total</th><th>se</th><th>95% CI</th><th>n</th></tr></thead><tbody>${annex.remittanceTotal
              .map(
                (r) =>
                  `<tr><th>${esc(r.currency)}</th><td>${Math.round(r.estimate).toLocaleString('en')}</td><td>${Math.round(r.se).toLocaleString('en')}</td><td>${Math.round(r.ci[0]).toLocaleString('en')}–${Math.round(r.ci[1]).toLocaleString('en')}</td><td>${r.n}</td></tr>`,
              )
              .join('')}</tbody></table>`
          : ''
      }`,
  )
  .join('\n')}
<h2>${reportText('indicators', l)}</h2>
${indicatorsHtml(annex.indicators)}
<h2>${reportText('technical', l)}</h2>
<table><tbody>
<tr><th>Strata (${esc(tech.design.strata_column ?? '-')})</th><td>${tech.design.strata}</td></tr>
<tr><th>PSUs (${esc(tech.design.psu_column ?? '-')})</th><td>${tech.design.psus}</td></tr>
<tr><th>Degrees of freedom</th><td>${tech.design.df}</td></tr>
<tr><th>Households interviewed</th><td>${tech.design.households}</td></tr>
<tr><th>Persons</th><td>${tech.design.persons ?? ''}</td></tr>
${tech.byScreening.map((b) => `<tr><th>Households, screening stratum ${esc(b.stratum)}</th><td>${b.households}</td></tr>`).join('')}
<tr><th>Weights (${esc(tech.design.weights)}): sum</th><td>${Math.round(tech.weights.sum).toLocaleString('en')}</td></tr>
<tr><th>Weights: min / max (ratio)</th><td>${f(tech.weights.min, 2)} / ${f(tech.weights.max, 2)} (${f(tech.weights.ratio, 1)})</td></tr>
<tr><th>Weights: CV; Kish design effect of weighting</th><td>${f(tech.weights.cv, 3)}; ${f(tech.weights.kishDeff, 3)}</td></tr>
${tech.designEffects.map((d) => `<tr><th>Median design effect, ${esc(d.domain)} (${d.indicators} indicators)</th><td>${f(d.median, 2)}</td></tr>`).join('')}
</tbody></table>
<p>${esc(tech.responseRates)}</p>
${annex.notes.length ? `<h3>Notes</h3><ul>${annex.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}

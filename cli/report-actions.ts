import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from '../common/errors.js';
import { annexHtml, annexWorkbook, migrationProfile, type ReportLanguage } from '../analysis/index.js';
import { readDataset } from '../io/dataset-files.js';
import { jsonText } from './cli-values.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** Prints an HTML file to PDF with headless Chromium; null with the reason when there is none. */
export function printPdf(html: string, pdf: string): string | null {
  const browser = process.env.MDSURVEY_CHROMIUM ?? CHROMIUM.find((c) => fs.existsSync(c));
  if (!browser) return `no Chromium found (${CHROMIUM.join(', ')}; or set MDSURVEY_CHROMIUM): the PDF was not written`;
  const r = spawnSync(
    browser,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--no-pdf-header-footer',
      `--print-to-pdf=${pdf}`,
      pathToFileURL(html).href,
    ],
    { encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0 || !fs.existsSync(pdf))
    return `Chromium could not print the PDF: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' ')}`;
  return null;
}

/** Runs `mdsurvey report DATASET --out DIR`: the Migration Profile annex as XLSX, HTML, PDF and JSON. */
export async function reportAction(location: string, flags: { out: string; language: string; pdf: boolean }): Promise<void> {
  if (!['en', 'fr', 'es'].includes(flags.language)) throw new InputError('bad-flags', `--language must be en, fr or es, got "${flags.language}"`, '--language');
  const progress = (m: string) => process.stderr.isTTY && process.stderr.write(`${m}\n`);
  progress('reading the dataset...');
  const dataset = await readDataset(location);
  progress('computing the tables and indicators...');
  const annex = migrationProfile(dataset, { language: flags.language as ReportLanguage });
  fs.mkdirSync(flags.out, { recursive: true });
  const file = (name: string) => path.join(flags.out, name);
  fs.writeFileSync(file('annex.json'), jsonText(annex));
  fs.writeFileSync(file('annex.xlsx'), await annexWorkbook(annex));
  fs.writeFileSync(file('annex.html'), annexHtml(annex));
  const files = ['annex.xlsx', 'annex.html', 'annex.json'];
  let pdfNote: string | null = null;
  if (flags.pdf) {
    progress('printing the PDF with headless Chromium...');
    pdfNote = printPdf(path.resolve(file('annex.html')), path.resolve(file('annex.pdf')));
    if (pdfNote) process.stderr.write(`mdsurvey: warning: ${pdfNote}\n`);
    else files.unshift('annex.pdf');
  }
  const tables = annex.sections.flatMap((s) => s.tables);
  process.stdout.write(
    jsonText({
      out: flags.out,
      files,
      tables: tables.length,
      unavailable: tables.filter((t) => !t.tabulation).map((t) => `${t.id}: ${t.unavailable}`),
      indicators: annex.indicators.length,
      notes: [...annex.notes, ...(pdfNote ? [pdfNote] : [])],
    }),
  );
}

import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../common/errors.js';
import { annexHtml, annexWorkbook, migrationProfile, type ReportLanguage } from '../analysis/index.js';
import { readDataset } from '../io/dataset-files.js';
import { jsonText } from './cli-values.js';
import { printPdfOffLoop } from '../io/print-pdf.js';

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
    pdfNote = await printPdfOffLoop(path.resolve(file('annex.html')), path.resolve(file('annex.pdf')));
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

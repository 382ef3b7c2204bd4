/**
 * Worker thread: parses the interviews (JSON text from the database), flattens them into the dataset's
 * levels, builds the tables and computes the indicator catalogue, all off the server's request loop.
 * Protocol: one `start` (questionnaire, design, codebook, options), `page`s of interviews, one `end`;
 * the answer is the report, or an error message.
 */
import { parentPort } from 'node:worker_threads';
import {
  computeIndicators,
  migrationProfile,
  monitor,
  publishedTabulation,
  tabulateDataset,
  regressOnDataset,
  shippedCatalogue,
  tableFromRecords,
  type DataTable,
  type Dataset,
  type IndicatorOptions,
} from '../../analysis/index.js';
import { compileQuestionnaire, levelsOf, type Level, type Questionnaire } from '../../questionnaires/index.js';
import { levelColumns, type LevelRow } from '../../io/dataset-files.js';
import { levelRows } from '../survey-dataset.js';
import { exportMicrodata, writeExportFiles } from '../../io/microdata-export.js';
import type { IndicatorMessage } from './indicators.js';
import type { InterviewRow } from '../queries/submissions.js';
import { isInputError } from '../../common/errors.js';

interface Round {
  levels: Level[];
  rows: Record<string, LevelRow[]>;
  start: Extract<IndicatorMessage, { kind: 'start' }>;
}
/** The rounds received (one for indicators and regressions; one per survey round for monitoring). */
const rounds: Round[] = [];

const fail = (err: unknown) =>
  parentPort!.postMessage({ ok: false, input: isInputError(err), code: (err as { code?: string }).code ?? 'internal', message: (err as Error).message });

function datasetOf(round: Round): Dataset {
  const { design, codebook, exchangeRates } = round.start;
  const tables = new Map<string, DataTable>();
  for (const level of design.levels)
    tables.set(level.name, tableFromRecords(round.rows[level.name] ?? [], levelColumns(design, codebook, level.name, round.rows[level.name] ?? [])));
  return { design, codebook, tables, exchangeRates };
}

parentPort!.on('message', async (m: IndicatorMessage) => {
  try {
    if (m.kind === 'start') {
      const levels = levelsOf(compileQuestionnaire(m.definition as Questionnaire, { trusted: true }));
      rounds.push({ levels, rows: Object.fromEntries(levels.map((l) => [l.name, []])), start: m });
    } else if (m.kind === 'page') {
      const round = rounds.at(-1)!;
      for (const raw of m.rows) {
        const row = {
          interview_id: raw.interview_id,
          answers: JSON.parse(raw.answers),
          case_data: raw.case_data ? JSON.parse(raw.case_data) : null,
        } as InterviewRow;
        for (const level of round.levels) for (const r of levelRows(level, row, false, round.start.caseColumns)) round.rows[level.name].push(r);
      }
    } else {
      if (m.monitoring) {
        const datasets = new Map(rounds.map((r) => [r.start.roundId ?? '', datasetOf(r)]));
        parentPort!.postMessage({ ok: true, report: monitor(m.monitoring, datasets, shippedCatalogue()) });
        return;
      }
      const round = rounds[0];
      const dataset = datasetOf(round);
      if (round.start.publicUse) {
        const { files } = exportMicrodata(dataset, { publicUse: true, formats: ['csv', 'dta'], language: round.start.publicUse.language });
        await writeExportFiles(round.start.publicUse.dir, files);
        parentPort!.postMessage({ ok: true, report: { files: [...files.keys()] } });
        return;
      }
      if (round.start.report) {
        parentPort!.postMessage({ ok: true, report: migrationProfile(dataset, { language: round.start.report.language }) });
        return;
      }
      const tab = round.start.tabulation;
      if (tab) {
        parentPort!.postMessage({ ok: true, report: publishedTabulation(tabulateDataset(dataset, tab)) });
        return;
      }
      const reg = round.start.regression;
      if (reg) {
        parentPort!.postMessage({ ok: true, report: regressOnDataset(dataset, reg) });
        return;
      }
      const report = computeIndicators(dataset, shippedCatalogue(), round.start.options as IndicatorOptions);
      parentPort!.postMessage({ ok: true, report });
    }
  } catch (err) {
    fail(err);
  }
});

/**
 * Worker thread: parses the interviews (JSON text from the database), flattens them into the dataset's
 * levels, builds the tables and computes the indicator catalogue, all off the server's request loop.
 * Protocol: one `start` (questionnaire, design, codebook, options), `page`s of interviews, one `end`;
 * the answer is the report, or an error message.
 */
import { parentPort } from 'node:worker_threads';
import { computeIndicators, regressOnDataset, shippedCatalogue, tableFromRecords, type DataTable, type IndicatorOptions } from '../../analysis/index.js';
import { compileQuestionnaire, levelsOf, type Level, type Questionnaire } from '../../questionnaires/index.js';
import { levelColumns, type LevelRow } from '../../io/dataset-files.js';
import { levelRows } from '../survey-dataset.js';
import type { IndicatorMessage } from './indicators.js';
import type { InterviewRow } from '../queries/submissions.js';
import { isInputError } from '../../common/errors.js';

let state: { levels: Level[]; rows: Record<string, LevelRow[]>; start: Extract<IndicatorMessage, { kind: 'start' }> } | null = null;

const fail = (err: unknown) =>
  parentPort!.postMessage({ ok: false, input: isInputError(err), code: (err as { code?: string }).code ?? 'internal', message: (err as Error).message });

parentPort!.on('message', (m: IndicatorMessage) => {
  try {
    if (m.kind === 'start') {
      const levels = levelsOf(compileQuestionnaire(m.definition as Questionnaire, { trusted: true }));
      state = { levels, rows: Object.fromEntries(levels.map((l) => [l.name, []])), start: m };
    } else if (m.kind === 'page') {
      for (const raw of m.rows) {
        const row = {
          interview_id: raw.interview_id,
          answers: JSON.parse(raw.answers),
          case_data: raw.case_data ? JSON.parse(raw.case_data) : null,
        } as InterviewRow;
        for (const level of state!.levels) for (const r of levelRows(level, row, false, state!.start.caseColumns)) state!.rows[level.name].push(r);
      }
    } else {
      const { design, codebook, options, exchangeRates } = state!.start;
      const tables = new Map<string, DataTable>();
      for (const level of design.levels)
        tables.set(level.name, tableFromRecords(state!.rows[level.name] ?? [], levelColumns(design, codebook, level.name, state!.rows[level.name] ?? [])));
      const dataset = { design, codebook, tables, exchangeRates };
      const reg = state!.start.regression;
      if (reg) {
        parentPort!.postMessage({ ok: true, report: regressOnDataset(dataset, reg) });
        return;
      }
      const report = computeIndicators(dataset, shippedCatalogue(), options as IndicatorOptions);
      parentPort!.postMessage({ ok: true, report });
    }
  } catch (err) {
    fail(err);
  }
});

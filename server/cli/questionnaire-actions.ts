import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../common/errors.js';
import {
  compileQuestionnaire,
  questionnaireToXlsform,
  QuestionnaireError,
  readXlsformWorkbook,
  writeXlsformWorkbook,
  xlsformToQuestionnaire,
} from '../../questionnaires/index.js';

function readBytes(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new InputError('file-not-found', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`, file);
  }
}

/** Reads a questionnaire JSON file; malformed JSON is an InputError with the position. */
export function readQuestionnaireJson(file: string): unknown {
  const text = readBytes(file).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError('bad-json', `${file} is not valid JSON: ${(err as Error).message}`, file);
  }
}

function write(file: string, data: string | Uint8Array): void {
  try {
    fs.writeFileSync(file, data);
  } catch (err) {
    throw new InputError('cannot-write', `cannot write ${file}: ${(err as Error).message}`, file);
  }
}

/** `questionnaire validate`: exit 0 with a summary, or every problem and exit 2. */
export async function validateAction(file: string): Promise<void> {
  const doc = readQuestionnaireJson(file);
  try {
    const c = compileQuestionnaire(doc);
    const questions = c.fields.filter((f) => f.item.kind === 'question').length;
    const rosters = c.fields.filter((f) => f.item.kind === 'roster').length;
    process.stdout.write(`${file}: valid questionnaire ${c.source.id} version ${c.source.version} (${questions} questions, ${rosters} rosters, languages ${c.source.languages.available.join(', ')})\n`);
  } catch (err) {
    if (err instanceof QuestionnaireError) {
      process.stderr.write(`${file}: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}\n${err.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

/** `questionnaire import-xlsform`. */
export async function importAction(file: string, out: string): Promise<void> {
  const model = await readXlsformWorkbook(readBytes(file));
  const q = xlsformToQuestionnaire(model, path.basename(file).replace(/\.xlsx$/i, '').replace(/[^A-Za-z0-9_.-]/g, '_'));
  compileQuestionnaire(q);
  write(out, `${JSON.stringify(q, null, 2)}\n`);
  process.stdout.write(`${file} -> ${out}: questionnaire ${q.id} version ${q.version}\n`);
}

/** `questionnaire export-xlsform`. */
export async function exportAction(file: string, out: string): Promise<void> {
  const doc = readQuestionnaireJson(file);
  const c = compileQuestionnaire(doc);
  write(out, await writeXlsformWorkbook(questionnaireToXlsform(c.source)));
  process.stdout.write(`${file} -> ${out}: XLSForm of ${c.source.id} version ${c.source.version}\n`);
}

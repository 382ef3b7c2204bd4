import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../common/errors.js';
import { readFileBytes } from '../io/read-file.js';
import {
  compileQuestionnaire,
  composeQuestionnaire,
  CompositionError,
  LIBRARY_MODULES,
  libraryItem,
  libraryQuestionnaires,
  textIn,
  type Questionnaire,
  questionnaireToXlsform,
  QuestionnaireError,
  readXlsformWorkbook,
  readAttachmentCsv,
  writeXlsformWorkbook,
  xlsformToQuestionnaire,
} from '../questionnaires/index.js';

/** Reads a questionnaire JSON file, or takes a library module or questionnaire by id; malformed JSON is an InputError. */
export function readQuestionnaireJson(file: string): unknown {
  if (!fs.existsSync(file)) {
    const item = libraryItem(file);
    if (item) return item;
  }
  const text = readFileBytes(file).toString('utf8');
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
    process.stdout.write(
      `${file}: valid questionnaire ${c.source.id} version ${c.source.version} (${questions} questions, ${rosters} rosters, languages ${c.source.languages.available.join(', ')})\n`,
    );
  } catch (err) {
    if (err instanceof QuestionnaireError) {
      process.stderr.write(
        `${file}: ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}\n${err.problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}\n`,
      );
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

/** `questionnaire import-xlsform`. */
export async function importAction(file: string, out: string, media?: string): Promise<void> {
  const model = await readXlsformWorkbook(readFileBytes(file));
  // Attachments (choices of select_one_from_file) beside the workbook, or in --media.
  const mediaDir = media ?? path.dirname(file);
  const attachment = (name: string) => {
    if (path.basename(name) !== name) return null;
    const at = path.join(mediaDir, name);
    if (!fs.existsSync(at)) return null;
    return readAttachmentCsv(name, fs.readFileSync(at));
  };
  const q = xlsformToQuestionnaire(
    model,
    path
      .basename(file)
      .replace(/\.xlsx?$/i, '')
      .replace(/[^A-Za-z0-9_.-]/g, '_'),
    (m) => process.stderr.write(`mdsurvey: warning: ${file}: ${m}\n`),
    attachment,
  );
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

/** `questionnaire list`. */
export async function listAction(): Promise<void> {
  const rows: string[] = ['id                               version  kind           questions  title'];
  const describe = (q: Questionnaire, kind: string) => {
    const c = compileQuestionnaire(q);
    const n = c.fields.filter((f) => f.item.kind === 'question').length;
    rows.push(`${q.id.padEnd(32)} ${q.version.padEnd(8)} ${kind.padEnd(14)} ${String(n).padStart(9)}  ${textIn(q.title, 'en', q.languages.default)}`);
  };
  for (const q of libraryQuestionnaires()) describe(q, 'questionnaire');
  for (const m of LIBRARY_MODULES) describe(m, m.meta.module.optional ? 'module (opt.)' : 'module');
  process.stdout.write(`${rows.join('\n')}\n`);
}

/** `questionnaire compose`. */
export async function composeAction(opts: {
  host: string;
  add?: string[];
  map?: string;
  set?: string[];
  id?: string;
  version?: string;
  out: string;
}): Promise<void> {
  const host = readQuestionnaireJson(opts.host) as Questionnaire;
  compileQuestionnaire(host);
  const modules = (opts.add ?? []).map((a) => readQuestionnaireJson(a) as Questionnaire);
  const settings: Record<string, string | number> = {};
  for (const pair of opts.set ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.+)$/.exec(pair.trim());
    if (!m) throw new InputError('bad-flags', `--set takes setting=value, got "${pair}"`, '--set');
    settings[m[1]] = /^-?\d+(\.\d+)?$/.test(m[2]) ? Number(m[2]) : m[2];
  }
  if (modules.length === 0 && Object.keys(settings).length === 0)
    throw new InputError('bad-flags', 'give a module to add (--add) or a setting (--set)', '--add');
  const mapping: Record<string, string> = {};
  for (const pair of (opts.map ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [from, to] = pair.split('=').map((x) => x.trim());
    if (!from || !to) throw new InputError('bad-flags', `--map takes module=host pairs, got "${pair}"`);
    mapping[from] = to;
  }
  let composed: Questionnaire;
  try {
    composed = composeQuestionnaire(host, modules, {
      mapping,
      id: opts.id ?? (modules.length === 0 ? host.id : undefined),
      version: opts.version ?? (modules.length === 0 ? host.version : undefined),
      ...(Object.keys(settings).length ? { settings } : {}),
    });
  } catch (err) {
    if (err instanceof CompositionError) {
      process.stderr.write(`mdsurvey: cannot compose:\n${err.problems.map((p) => `  ${p}`).join('\n')}\n`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
  write(opts.out, `${JSON.stringify(composed, null, 2)}\n`);
  process.stdout.write(`composed ${composed.id} version ${composed.version} -> ${opts.out}\n`);
}

/** `questionnaire export-library DIR`. */
export async function exportLibraryAction(dir: string): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  for (const q of [...libraryQuestionnaires(), ...LIBRARY_MODULES]) {
    write(path.join(dir, `${q.id}.json`), `${JSON.stringify(q, null, 2)}\n`);
    write(path.join(dir, `${q.id}.xlsx`), await writeXlsformWorkbook(questionnaireToXlsform(q)));
  }
  process.stdout.write(`wrote ${libraryQuestionnaires().length + LIBRARY_MODULES.length} questionnaires and modules (JSON and XLSForm) to ${dir}\n`);
}

import { InputError } from '../common/errors.js';
import type { Attachment, Choice, Item, MetadataType, Questionnaire, QuestionType, Roster, Text } from './format.js';
import { amountCurrencies, countryChoices, currencyName } from './codelists.js';
import { rosterRowCap } from './limits.js';

/** Choice list the exporter writes for country questions (ODK has no country type). */
const COUNTRY_LIST = 'mdsurvey_countries';
/** Choice lists the exporter writes for the currency of an amount (`mdsurvey_currencies`, or `mdsurvey_currencies_NAME` for a question's own list). */
const CURRENCY_LIST = 'mdsurvey_currencies';
const CURRENCY_LABEL: Record<string, string> = { en: 'Currency of the amount', fr: 'Monnaie du montant', es: 'Moneda del monto' };

/** A worksheet as rows of cells keyed by the (normalised) header, with the spreadsheet row number. */
export interface Sheet {
  header: string[];
  rows: { line: number; cells: Record<string, string> }[];
  /** What the reader left aside (values under no header), said as warnings when the sheet is used. */
  notes?: string[];
}

/** The sheets of an XLSForm workbook (names lower-cased). */
export type SheetModel = Record<string, Sheet>;

/** Raised for a workbook mdsurvey cannot take: names the sheet, row and feature. */
export class XlsformError extends InputError {
  /** Every problem found (one run reports them all), each with its place. */
  readonly problems: { where?: string; message: string }[];
  constructor(message: string, where?: string, problems?: { where?: string; message: string }[]) {
    super('xlsform-unsupported', message, where);
    this.name = 'XlsformError';
    this.problems = problems ?? [{ where, message }];
  }
}

const SIMPLE_TYPES: Record<string, QuestionType> = {
  text: 'text',
  string: 'text',
  integer: 'integer',
  int: 'integer',
  decimal: 'decimal',
  date: 'date',
  time: 'time',
  datetime: 'datetime',
  dateTime: 'datetime',
  acknowledge: 'acknowledge',
  // ODK's trigger is the acknowledge question under its older name.
  trigger: 'acknowledge',
  geopoint: 'geopoint',
  gps: 'geopoint',
  geotrace: 'geotrace',
  geoshape: 'geoshape',
  // Media questions: the answer is the name of a file kept with the interview.
  image: 'image',
  photo: 'image',
  audio: 'audio',
  video: 'video',
  file: 'file',
};
const METADATA: Record<string, MetadataType> = {
  start: 'start',
  end: 'end',
  today: 'today',
  deviceid: 'deviceid',
  imei: 'deviceid',
  username: 'enumerator',
  phonenumber: 'phonenumber',
  simserial: 'simserial',
  subscriberid: 'subscriberid',
  email: 'email',
  audit: 'audit',
  // The older spellings ODK Collect still reads.
  'uri:deviceid': 'deviceid',
  'uri:username': 'enumerator',
  'uri:phonenumber': 'phonenumber',
  'uri:simserial': 'simserial',
  'uri:subscriberid': 'subscriberid',
  'uri:email': 'email',
};
const UNSUPPORTED_TYPES: Record<string, string> = {
  'background-audio': 'background audio',
  rank: 'ranking',
  osm: 'OpenStreetMap question',
  'xml-external': 'external XML',
  'csv-external': 'external CSV',
  'start-geopoint': 'start location',
};
/** Survey columns that only tell ODK how to draw a field: left aside with a warning. */
const DISPLAY_ONLY_COLUMNS = new Set(['rows', 'autoplay', 'body::accuracythreshold', 'parameters::rows']);
/** Survey columns taken into the questionnaire (after normalising the header). */
const KNOWN_COLUMNS = new Set([
  'parameters',
  'type',
  'name',
  'label',
  'hint',
  'required',
  'required_message',
  'relevant',
  'constraint',
  'constraint_message',
  'calculation',
  'default',
  'choice_filter',
  'repeat_count',
  'read_only',
  'appearance',
]);
const HEADER_ALIASES: Record<string, string> = {
  'list name': 'list_name',
  requiredmsg: 'required_message',
  'required message': 'required_message',
  'constraint message': 'constraint_message',
  'choice filter': 'choice_filter',
  'repeat count': 'repeat_count',
  'read only': 'read_only',
  readonly: 'read_only',
  caption: 'label',
  value: 'name',
  'jr:constraintmsg': 'constraint_message',
  'jr:requiredmsg': 'required_message',
  bind: 'bind',
  // pyxform's aliases (pyxform/aliases.py survey_header).
  relevance: 'relevant',
  constraining_message: 'constraint_message',
  calculate: 'calculation',
  command: 'type',
  tag: 'name',
  count: 'repeat_count',
  'jr:count': 'repeat_count',
};

/** pyxform's `bind::X` and `control::X` columns: X as a column of the survey sheet. */
const NAMESPACED: Record<string, string> = {
  relevant: 'relevant',
  required: 'required',
  constraint: 'constraint',
  readonly: 'read_only',
  calculate: 'calculation',
  'jr:constraintmsg': 'constraint_message',
  'jr:requiredmsg': 'required_message',
  appearance: 'appearance',
  'jr:count': 'repeat_count',
};

/** `label::English (en)`, `label:English (en)`, `label::en` -> { column: 'label', language: 'en' }. */
export function parseHeader(raw: string): { column: string; language: string | null } {
  const h = raw.trim();
  // bind::relevant, bind:jr:constraintMsg, control::appearance: the column they name (a translated
  // message keeps its language: bind::jr:constraintMsg::French (fr)).
  const ns = /^(bind|control)\s*::?\s*(.+)$/i.exec(h);
  if (ns) {
    const rest = ns[2].trim();
    const lower = rest.toLowerCase();
    // The named column, alone or followed by its language (`::French (fr)`).
    const key = Object.keys(NAMESPACED).find((k) => lower === k || (lower.startsWith(k) && /^\s*:/.test(lower.slice(k.length))));
    if (key) {
      const lang = rest
        .slice(key.length)
        .replace(/^\s*::?\s*/, '')
        .trim();
      if (!lang) return { column: NAMESPACED[key], language: null };
      const code = /\(([^)]+)\)\s*$/.exec(lang);
      return { column: NAMESPACED[key], language: code ? code[1].trim() : lang };
    }
  }
  const m = /^([^:]+?)\s*::?\s*(.+)$/.exec(h);
  const base = (m ? m[1] : h).trim();
  const lower = base.toLowerCase();
  const column = HEADER_ALIASES[lower] ?? (lower.startsWith('mdsurvey') ? base.toLowerCase() : lower);
  if (!m || column === 'mdsurvey') return { column: m && column === 'mdsurvey' ? `mdsurvey::${m[2].trim()}` : column, language: null };
  const lang = m[2].trim();
  const code = /\(([^)]+)\)\s*$/.exec(lang);
  return { column, language: code ? code[1].trim() : lang };
}

function yes(v: string | undefined): boolean {
  return v !== undefined && /^(yes|true|true\(\)|1)$/i.test(v.trim());
}

/** A CSV attached to a form (choices of select_one_from_file, pulldata): its header and rows, or null when it is not there. */
export type AttachmentReader = (file: string) => Attachment | null;

/** Files a form reads with pulldata('name', ...): `name.csv`, from every cell of the survey sheet. */
function pulldataFiles(survey: Sheet): string[] {
  const files = new Set<string>();
  for (const { cells } of survey.rows)
    for (const v of Object.values(cells))
      for (const m of v.matchAll(/pulldata\s*\(\s*(['"])([^'"]{1,200})\1/g)) files.add(m[2].endsWith('.csv') ? m[2] : `${m[2]}.csv`);
  return [...files];
}

/** Converts XLSForm sheets to a questionnaire; `fallbackId` names it when the settings sheet does not. */

export function xlsformToQuestionnaire(
  workbook: SheetModel,
  fallbackId = 'form',
  onWarning: (message: string) => void = () => undefined,
  attachment: AttachmentReader = () => null,
): Questionnaire {
  let model = workbook;
  let survey = model.survey;
  if (!survey) {
    // A workbook of one sheet with a type column is the survey, whatever the sheet is called (pyxform takes it).
    const names = Object.keys(model);
    if (names.length === 1 && model[names[0]].header.includes('type')) {
      onWarning(`the only sheet, "${names[0]}", is read as the survey sheet`);
      survey = model[names[0]];
      model = { survey };
    } else throw new XlsformError('the workbook has no "survey" sheet', 'survey');
  }
  for (const name of ['survey', 'choices', 'settings', 'external_choices']) for (const n of model[name]?.notes ?? []) onWarning(n);
  // Other sheets (notes, column lists, translations' working sheets ...) are not part of the form, as pyxform treats them.
  for (const name of Object.keys(model)) {
    if (!['survey', 'choices', 'settings', 'external_choices'].includes(name) && model[name].rows.length > 0)
      onWarning(`sheet "${name}" is not part of the form and was left aside`);
  }
  const settingsRow = model.settings?.rows[0]?.cells ?? {};
  // pyxform's clean_text_values (on unless the settings say no): smart quotes made plain, runs of spaces one space.
  if (!/^(no|false)$/i.test(settingsRow.clean_text_values ?? ''))
    survey = { ...survey, rows: survey.rows.map((r) => ({ line: r.line, cells: cleanCells(r.cells) })) };
  const languagesSeen: string[] = [];
  const note = (lang: string | null) => {
    if (lang !== null && !languagesSeen.includes(lang)) languagesSeen.push(lang);
  };
  for (const sheet of [survey, model.choices])
    for (const h of sheet?.header ?? [])
      if (['label', 'hint', 'constraint_message', 'required_message'].includes(parseHeader(h).column)) note(parseHeader(h).language);
  const declaredDefault = settingsRow.default_language ? parseHeader(`label::${settingsRow.default_language}`).language! : null;
  const defaultLanguage = declaredDefault ?? languagesSeen[0] ?? 'default';
  if (!languagesSeen.includes(defaultLanguage)) languagesSeen.unshift(defaultLanguage);
  const multilingual = languagesSeen.length > 1;

  /** A translated text from the columns `base`, `base::lang`. */
  const textOf = (cells: Record<string, string>, header: string[], base: string): Text | undefined => {
    const out: Record<string, string> = {};
    for (const h of header) {
      const p = parseHeader(h);
      if (p.column !== base) continue;
      const v = cells[h];
      if (v === undefined || v === '') continue;
      out[p.language ?? defaultLanguage] = v;
    }
    const langs = Object.keys(out);
    if (langs.length === 0) return undefined;
    // Canonical form: a text in the default language only is a plain string.
    if (!multilingual || (langs.length === 1 && langs[0] === defaultLanguage)) return out[defaultLanguage] ?? out[langs[0]];
    return out;
  };

  // Choices (external_choices, for select_one_external, are choice lists like the others).
  const choiceLists: Record<string, Choice[]> = {};
  const choiceProblems: { where?: string; message: string }[] = [];
  const externalName: Record<string, string> = {};
  for (const sheetName of ['choices', 'external_choices'] as const) {
    const sheet = model[sheetName];
    if (!sheet) continue;
    for (const { line, cells } of sheet.rows) {
      const listName = cells.list_name?.trim();
      const value = cells.name?.trim();
      if (!listName && !value) continue;
      // Written for ODK by the exporter; mdsurvey has them built in.
      if (listName === COUNTRY_LIST || listName === CURRENCY_LIST || listName?.startsWith(`${CURRENCY_LIST}_`)) continue;
      if (!listName || !value) {
        choiceProblems.push({ where: `${sheetName} row ${line}`, message: `${sheetName} row ${line}: a choice needs both list_name and name` });
        continue;
      }
      const label = textOf(cells, sheet.header, 'label') ?? value;
      const properties: Record<string, string> = {};
      for (const h of sheet.header) {
        const p = parseHeader(h);
        if (['list_name', 'name', 'label'].includes(p.column)) continue;
        const v = cells[h];
        if (v === undefined || v === '') continue;
        if (['image', 'audio', 'video', 'media', 'big-image'].includes(p.column)) {
          // Pictures and sounds of a choice: mdsurvey stores no media; the choice keeps its value and label.
          onWarning(`${sheetName} row ${line}: media column "${h}" (${v}) left aside: choices are shown with their labels`);
          continue;
        }
        properties[h.trim()] = v;
      }
      // external_choices is its own namespace (ODK writes it to itemsets.csv): a list named like one of the
      // choices sheet is kept apart for select_one_external.
      const key =
        sheetName === 'external_choices' && (model.choices?.rows ?? []).some((r) => r.cells.list_name?.trim() === listName) ? `${listName}_external` : listName;
      if (key !== listName) externalName[listName] = key;
      (choiceLists[key] ??= []).push({ value, label, ...(Object.keys(properties).length ? { properties } : {}) });
    }
  }

  // Survey rows into a tree.
  const root: Item[] = [];
  // Survey settings travel as calculate rows (ODK reads ${host_country} as a field) marked mdsurvey::setting.
  const surveySettings: Record<string, string | number | boolean> = {};
  const stack: { items: Item[]; kind: 'group' | 'repeat'; line: number; name: string }[] = [{ items: root, kind: 'group', line: 0, name: '' }];
  const annotated = new Set<string>();
  // Group names are not data: a group named like an earlier one (pyxform allows it in another place)
  // takes a suffix, since every name of a questionnaire is unique.
  const usedNames = new Set<string>();
  // Every problem of the form is reported in one run: a row that cannot be taken is noted and skipped.
  const problems: { where?: string; message: string }[] = [...choiceProblems];
  const record = (err: unknown) => {
    if (!(err instanceof XlsformError)) throw err;
    problems.push(...err.problems);
  };
  let rows: { line: number; cells: Record<string, string> }[] = [];
  try {
    rows = renameXmlNames(expandLoops(unlinkOdkRows(survey.rows), survey.header, choiceLists, defaultLanguage), onWarning);
  } catch (err) {
    record(err);
  }
  for (const { line, cells } of rows) {
    try {
      surveyRow(line, cells);
    } catch (err) {
      record(err);
    }
  }
  function surveyRow(line: number, cells: Record<string, string>): void {
    cells = { ...cells }; // the workbook's rows stay as read
    for (const col of ['relevant', 'constraint', 'calculation'] as const) if (cells[col] !== undefined) cells[col] = booleanExpression(cells[col])!;
    const rawType = legacyType((cells.type ?? '').trim().replace(/\s+/g, ' '), cells);
    const name = (cells.name ?? '').trim();
    if (!rawType && !name) return;
    let mediaOnly = false;
    for (const h of survey.header) {
      const p = parseHeader(h);
      const v = cells[h];
      if (v === undefined || v === '') continue;
      if (KNOWN_COLUMNS.has(p.column) || p.column.startsWith('mdsurvey::')) continue;
      if (DISPLAY_ONLY_COLUMNS.has(p.column)) {
        // How ODK draws a field (rows of a text box, autoplay of media): nothing to ask or store.
        onWarning(`survey row ${line}: display column "${h}" left aside`);
        continue;
      }
      if (!['image', 'audio', 'video', 'media', 'big-image'].includes(p.column)) {
        // A column of the form's authors (notes, sources, question numbers): not part of the form.
        if (!annotated.has(h)) onWarning(`column "${h}" is not an XLSForm column: left aside as an annotation`);
        annotated.add(h);
        continue;
      }
      // A picture or sound beside a question's text: mdsurvey carries no media files, so the question is
      // asked with its text; a question that is only a picture cannot be asked.
      onWarning(
        textOf(cells, survey.header, 'label')
          ? `survey row ${line}: media column "${h}" (${v}) left aside: the question is asked with its text`
          : `survey row ${line}: media column "${h}" (${v}) left aside: the question has no text, so it is shown by its name`,
      );
      mediaOnly ||= !textOf(cells, survey.header, 'label');
    }
    const type = rawType.toLowerCase();
    const here = stack[stack.length - 1];
    if (type === 'end group' || type === 'end_group' || type === 'end repeat' || type === 'end_repeat') {
      const kind = type.includes('repeat') ? 'repeat' : 'group';
      if (stack.length === 1 || here.kind !== kind)
        throw new XlsformError(`survey row ${line}: "${rawType}" without a matching "begin ${kind}"`, `survey row ${line}`);
      stack.pop();
      return;
    }
    if (name === '' && rawType.toLowerCase() === 'note') {
      // A note without a name (pyxform lets it through): it stores nothing, so it is named after its row.
      let k = 1;
      while (usedNames.has(`note_row${line}${k > 1 ? `_${k}` : ''}`)) k++;
      cells = { ...cells, name: `note_row${line}${k > 1 ? `_${k}` : ''}` };
      onWarning(`survey row ${line}: a note without a name is "${cells.name}" here`);
      return surveyRow(line, cells);
    }
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw new XlsformError(`survey row ${line}: name "${name}" is not a valid variable name (letters, digits and _)`, `survey row ${line}`);
    const common = {
      name,
      ...(cells.relevant ? { relevant: cells.relevant } : {}),
    };
    if (!/^begin[ _](group|repeat)$/.test(type)) usedNames.add(name);
    const label = textOf(cells, survey.header, 'label');
    const appearance = cells.appearance ? { appearance: cells.appearance } : {};
    const ext = (k: string) => cells[`mdsurvey::${k}`];
    if (type === 'begin group' || type === 'begin_group' || type === 'begin repeat' || type === 'begin_repeat') {
      const isRepeat = type.includes('repeat');
      if (!isRepeat && usedNames.has(name)) {
        let k = 2;
        while (usedNames.has(`${name}_${k}`)) k++;
        onWarning(`survey row ${line}: group "${name}" is named like an earlier one; it is "${name}_${k}" here`);
        common.name = `${name}_${k}`;
      }
      usedNames.add(common.name);
      const items: Item[] = [];
      const node: Item = isRepeat
        ? ({
            kind: 'roster',
            ...common,
            ...(label !== undefined ? { label } : {}),
            ...appearance,
            ...(cells.repeat_count && !ext('rows_from') ? { repeatCount: cells.repeat_count } : {}),
            ...(ext('rows_from') ? { rowsFrom: { roster: ext('rows_from'), ...(ext('rows_filter') ? { filter: ext('rows_filter') } : {}) } } : {}),
            ...(ext('max_rows') ? { maxRows: Number(ext('max_rows')) } : {}),
            items,
          } as Roster)
        : { kind: 'group', ...common, ...(label !== undefined ? { label } : {}), ...appearance, items };
      here.items.push(node);
      stack.push({ items, kind: isRepeat ? 'repeat' : 'group', line, name });
      return;
    }
    if (type in METADATA) {
      here.items.push({ kind: 'metadata', name, type: METADATA[type] });
      return;
    }
    if (type === 'note') {
      here.items.push({
        kind: 'note',
        ...common,
        label: label ?? (mediaOnly ? name : ''),
        ...(textOf(cells, survey.header, 'hint') ? { hint: textOf(cells, survey.header, 'hint') } : {}),
        ...appearance,
      });
      return;
    }
    if (type === 'calculate' && ext('setting') && yes(ext('setting'))) {
      surveySettings[name] = settingValue(cells.calculation ?? '', line);
      return;
    }
    if (type === 'calculate' && ext('type') === 'seed') {
      // The interview's random seed (once(random()) for ODK), drawn once when the interview starts.
      here.items.push({ kind: 'metadata', name, type: 'seed' });
      return;
    }
    if (type === 'hidden') {
      // pyxform's hidden field: a value nobody sees or answers, from its calculation or default.
      const calculation = cells.calculation || (cells.default ? defaultExpression(cells.default, 'text') : "''");
      here.items.push({ kind: 'calculate', ...common, calculation, ...(label !== undefined ? { label } : {}) });
      return;
    }
    if (type === 'calculate') {
      if (!cells.calculation) throw new XlsformError(`survey row ${line}: calculate "${name}" has no calculation`, `survey row ${line}`);
      for (const col of ['constraint', 'required'] as const)
        if (cells[col] && !(col === 'required' && !yes(cells[col])))
          onWarning(`survey row ${line}: ${col} on calculate "${name}" left aside: nobody answers a calculation, so ODK never checks it`);
      here.items.push({ kind: 'calculate', ...common, calculation: cells.calculation, ...(label !== undefined ? { label } : {}) });
      return;
    }
    let qtype: QuestionType | undefined = SIMPLE_TYPES[rawType] ?? SIMPLE_TYPES[type];
    let choices: string | undefined;
    const sel = /^(select_one_external|select_one|select_multiple|select one from|select all that apply from|select one|select multiple)\s+(\S+)(.*)$/.exec(
      type,
    );
    let orOther = false;
    if (sel) {
      // `or_other` (pyxform): an "other" choice, and a text question for it shown when it is chosen.
      const rest = sel[3].trim();
      orOther = /^(or_other|or specify other)$/.test(rest);
      if (rest && !orOther) throw new XlsformError(`survey row ${line}: type "${rawType}" is not understood`, `survey row ${line}`);
      qtype = sel[1].includes('one') ? 'select_one' : 'select_multiple';
      // The list name as written (case kept): the word after the type's own words.
      choices = rawType.split(' ')[sel[1].split(' ').length];
      if (sel[1] === 'select_one_external' && externalName[choices]) choices = externalName[choices];
    }
    const fromFile = /^(select_one_from_file|select_multiple_from_file)\s+(\S+\.csv)$/i.exec(rawType);
    if (fromFile) {
      // Choices from a CSV attached to the form (value column `name`, label column `label`, or as
      // `parameters` says: value=..., label=...), read when the form is imported.
      const file = fromFile[2];
      const table = attachment(file);
      if (!table)
        throw new XlsformError(
          `survey row ${line}: the choices file "${file}" of ${fromFile[1]} is not with the workbook (put it beside the .xlsx, or give --media DIR)`,
          `survey row ${line}`,
        );
      const params = parametersOf(cells);
      const valueColumn = params.value ?? 'name';
      const labelColumn = params.label ?? 'label';
      const records = table.rows.map((r) => Object.fromEntries(table.header.map((h, k) => [h, r[k] ?? ''])));
      if (!table.header.includes(valueColumn))
        throw new XlsformError(`survey row ${line}: the choices file "${file}" has no column "${valueColumn}"`, `survey row ${line}`);
      const listName = `file_${file.replace(/\.csv$/i, '').replace(/[^A-Za-z0-9_]/g, '_')}`;
      if (!choiceLists[listName]) {
        const seen = new Set<string>();
        choiceLists[listName] = records.flatMap((r, k) => {
          const value = (r[valueColumn] ?? '').trim();
          if (!value || seen.has(value)) {
            if (value) onWarning(`${file} row ${k + 2}: choice "${value}" repeated; kept once`);
            return [];
          }
          seen.add(value);
          const labels: Record<string, string> = {};
          for (const h of table.header) {
            const p = parseHeader(h);
            if (p.column === labelColumn && r[h]) labels[p.language ?? defaultLanguage] = r[h];
          }
          const langs = Object.keys(labels);
          const label: Text =
            langs.length === 0
              ? value
              : !multilingual || (langs.length === 1 && langs[0] === defaultLanguage)
                ? (labels[defaultLanguage] ?? labels[langs[0]])
                : labels;
          const properties = Object.fromEntries(
            table.header.filter((h) => h !== valueColumn && parseHeader(h).column !== labelColumn && r[h]).map((h) => [h, r[h]]),
          );
          return [{ value, label, ...(Object.keys(properties).length ? { properties } : {}) }];
        });
      }
      qtype = fromFile[1].toLowerCase().includes('one') ? 'select_one' : 'select_multiple';
      choices = listName;
    }
    if (type === 'range') {
      // A slider from start to end (parameters start=, end=, step=): a number within those bounds.
      const params = parametersOf(cells);
      const [start, end, step] = [params.start ?? '1', params.end ?? '10', params.step ?? '1'].map(Number);
      if (![start, end, step].every(Number.isFinite) || step <= 0)
        throw new XlsformError(`survey row ${line}: range "${name}" needs numeric parameters start, end and step > 0`, `survey row ${line}`);
      qtype = [start, end, step].every(Number.isInteger) ? 'integer' : 'decimal';
      const [lo, hi] = start <= end ? [start, end] : [end, start];
      const bounds = `. >= ${lo} and . <= ${hi}`;
      cells.constraint = cells.constraint ? `${bounds} and (${cells.constraint})` : bounds;
      onWarning(`survey row ${line}: range "${name}" is asked as a number from ${lo} to ${hi}`);
    }
    if (type === 'barcode') {
      // A barcode is text: ODK reads it with the camera, the browser app takes it typed or from a scanner (which types it).
      qtype = 'text';
      onWarning(`survey row ${line}: barcode "${name}" is asked as text (typed, or from a scanner that types)`);
    }
    if (type === 'phone number' || type === 'phone_number') {
      // pyxform's alias: text of digits (its constraint), the number kept as typed.
      qtype = 'text';
      if (!cells.constraint) cells.constraint = "regex(., '^[0-9]*$')";
    }
    const extType = ext('type') as QuestionType | undefined;
    if (extType === 'country' || extType === 'amount' || extType === 'year') {
      qtype = extType;
      choices = undefined;
    }
    if (!qtype) {
      const base = type.split(' ')[0];
      const feature = UNSUPPORTED_TYPES[type] ?? UNSUPPORTED_TYPES[base] ?? UNSUPPORTED_TYPES[rawType.split(' ')[0]];
      throw new XlsformError(`survey row ${line}: question type "${rawType}"${feature ? ` (${feature})` : ''} is not supported`, `survey row ${line}`);
    }
    if (choices && !choiceLists[choices])
      throw new XlsformError(`survey row ${line}: choice list "${choices}" is not on the choices sheet`, `survey row ${line}`);
    if (orOther && choices) {
      const withOther = `${choices}_or_other`;
      if (!choiceLists[withOther])
        choiceLists[withOther] = choiceLists[choices].some((c) => c.value === 'other')
          ? choiceLists[choices]
          : [...choiceLists[choices], { value: 'other', label: 'Other' }];
      choices = withOther;
    }
    const required = cells.required?.trim();
    here.items.push({
      kind: 'question',
      ...common,
      type: qtype,
      label: label ?? (mediaOnly ? name : ''),
      ...(textOf(cells, survey.header, 'hint') !== undefined ? { hint: textOf(cells, survey.header, 'hint') } : {}),
      ...(choices ? { choices } : {}),
      ...(cells.choice_filter ? { choiceFilter: cells.choice_filter } : {}),
      ...(ext('multiple') ? { multiple: yes(ext('multiple')) } : {}),
      ...(ext('special_countries') ? { specialCountries: yes(ext('special_countries')) } : {}),
      ...(ext('currencies') ? { currencies: ext('currencies').split(/\s+/).filter(Boolean) } : {}),
      ...(required ? { required: /^(yes|true|true\(\)|no|false|false\(\))$/i.test(required) ? yes(required) : required } : {}),
      ...(textOf(cells, survey.header, 'required_message') !== undefined ? { requiredMessage: textOf(cells, survey.header, 'required_message') } : {}),
      ...(cells.constraint ? { constraint: cells.constraint } : {}),
      ...(textOf(cells, survey.header, 'constraint_message') !== undefined ? { constraintMessage: textOf(cells, survey.header, 'constraint_message') } : {}),
      ...(cells.default ? { default: defaultExpression(cells.default, qtype) } : {}),
      ...(cells.calculation ? { calculation: cells.calculation } : {}),
      ...(cells.read_only && yes(cells.read_only) ? { readOnly: true } : {}),
      ...appearance,
      ...(ext('identifier') ? { identifier: yes(ext('identifier')) } : {}),
      ...(ext('quasi_identifier') ? { quasiIdentifier: yes(ext('quasi_identifier')) } : {}),
    } as Item);
    if (orOther)
      here.items.push({ kind: 'question', name: `${name}_other`, type: 'text', label: 'Specify other.', relevant: `selected(\${${name}}, 'other')` } as Item);
  }
  if (stack.length > 1) {
    const open = stack[stack.length - 1];
    problems.push({ where: `survey row ${open.line}`, message: `survey row ${open.line}: "begin ${open.kind}" ${open.name} is never closed` });
  }
  const extraSettings = Object.fromEntries(
    Object.entries(settingsRow).filter(([k, v]) => !['form_title', 'form_id', 'version', 'default_language', DOCUMENT_COLUMN].includes(k) && v !== ''),
  );
  const written = (settingsRow.form_id || fallbackId).trim();
  // An id is letters, digits, _ . -; other characters (a space, as pyxform lets through) become _.
  const id = written.replace(/[^A-Za-z0-9_.-]/g, '_');
  if (id !== written) onWarning(`settings: form_id "${written}" is "${id}" here (letters, digits, _ . -)`);
  // Data files read by pulldata travel inside the questionnaire (the app has them offline).
  const attachments: Record<string, Attachment> = {};
  for (const file of pulldataFiles(survey)) {
    const table = attachment(file);
    if (table) attachments[file] = table;
    else
      problems.push({
        where: file,
        message: `the data file "${file}" read by pulldata() is not with the workbook (put it beside the .xlsx, or give --media DIR)`,
      });
  }
  if (problems.length === 1) throw new XlsformError(problems[0].message, problems[0].where);
  if (problems.length > 1)
    throw new XlsformError(`the workbook has ${problems.length} problems:\n${problems.map((p) => `  ${p.message}`).join('\n')}`, problems[0].where, problems);
  // What XLSForm has no place for (titles in every language, language names, module metadata), as mdsurvey wrote it.
  const document: Partial<Pick<Questionnaire, 'title' | 'languages' | 'description' | 'meta'>> = settingsRow[DOCUMENT_COLUMN]
    ? documentOf(settingsRow[DOCUMENT_COLUMN])
    : {};
  const meta = { ...(document.meta ?? {}), ...(Object.keys(extraSettings).length ? { xlsform: { settings: extraSettings } } : {}) };
  return {
    id,
    version: settingsRow.version || '1',
    title: document.title ?? (settingsRow.form_title || id),
    languages: document.languages ?? { default: defaultLanguage, available: languagesSeen },
    ...(document.description !== undefined ? { description: document.description } : {}),
    ...(Object.keys(surveySettings).length ? { settings: surveySettings } : {}),
    ...(Object.keys(meta).length ? { meta } : {}),
    ...(Object.keys(choiceLists).length ? { choiceLists } : {}),
    ...(Object.keys(attachments).length ? { attachments } : {}),
    items: root,
  };
}

/** The `parameters` column: `value=code label=title start=0` as key -> value. */
function parametersOf(cells: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    (cells.parameters ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((p) => p.split('=').map((x) => x.trim())),
  ) as Record<string, string>;
}

/** Older XLSForm type names pyxform still reads (its question type dictionary and aliases), as today's names. */
const LEGACY_TYPES: Record<string, string> = {
  'q picture': 'image',
  'q image': 'image',
  'add image prompt': 'image',
  'add photo prompt': 'image',
  'q audio': 'audio',
  'add audio prompt': 'audio',
  'q video': 'video',
  'add video prompt': 'video',
  'add file prompt': 'file',
  'q date time': 'dateTime',
  'add date time prompt': 'dateTime',
  'get start time': 'start',
  'start time': 'start',
  'get end time': 'end',
  'end time': 'end',
  'get today': 'today',
  'get device id': 'deviceid',
  'get sim id': 'simserial',
  'sim id': 'simserial',
  'get phone number': 'phonenumber',
  'get subscriber id': 'subscriberid',
  'q note': 'note',
  'add note prompt': 'note',
  location: 'geopoint',
  'q location': 'geopoint',
  'q geopoint': 'geopoint',
  'add location prompt': 'geopoint',
  'q string': 'text',
  'add text prompt': 'text',
  'q int': 'integer',
  'add integer prompt': 'integer',
  'q decimal': 'decimal',
  'add decimal prompt': 'decimal',
  'q date': 'date',
  'add date prompt': 'date',
  'q acknowledge': 'acknowledge',
  'add acknowledge prompt': 'acknowledge',
  'q barcode': 'barcode',
  'add barcode prompt': 'barcode',
  'q calculate': 'calculate',
  'add calculate prompt': 'calculate',
};
/** pyxform's whole-number types with their range (days in a period, a percentage). */
const RANGED_INTEGERS: Record<string, number> = {
  'number of days in last month': 31,
  'number of days in last six months': 183,
  'number of days in last year': 365,
  percentage: 100,
};

/** A type as today's XLSForm names it; a ranged integer type also gets its constraint (unless the row has one). */
function legacyType(type: string, cells: Record<string, string>): string {
  const lower = type.toLowerCase();
  if (Object.hasOwn(LEGACY_TYPES, lower)) return LEGACY_TYPES[lower];
  if (Object.hasOwn(RANGED_INTEGERS, lower)) {
    if (!cells.constraint) cells.constraint = `. >= 0 and . <= ${RANGED_INTEGERS[lower]}`;
    return 'integer';
  }
  // select one using LIST, add select one prompt using LIST, select multiple using LIST ...
  const using = /^(?:add )?select (one|multiple)(?: prompt)? using (\S+.*)$/i.exec(type);
  if (using) return `select_${using[1].toLowerCase()} ${using[2]}`;
  return type;
}

/** A boolean cell (TRUE/FALSE) in an expression column is the XPath true()/false(). */
function booleanExpression(v: string | undefined): string | undefined {
  return v !== undefined && /^(true|false)$/i.test(v.trim()) ? `${v.trim().toLowerCase()}()` : v;
}

/** Columns that hold expressions (or names and types), where a smart quote or doubled space is a typing accident. */
const EXPRESSION_COLUMNS = new Set([
  'type',
  'name',
  'relevant',
  'constraint',
  'calculation',
  'required',
  'default',
  'choice_filter',
  'repeat_count',
  'read_only',
  'parameters',
]);

/**
 * pyxform's clean_text_values: smart quotes made plain and runs of spaces collapsed. Done in the
 * columns of expressions, names and types only: labels and hints keep their typography (l’ex-URSS).
 */
function cleanCells(cells: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(cells))
    out[k] = EXPRESSION_COLUMNS.has(parseHeader(k).column)
      ? v
          .replace(/[\u2018\u2019]/g, "'")
          .replace(/[\u201c\u201d]/g, '"')
          .replace(/ {2,}/g, ' ')
      : v;
  return out;
}

/**
 * A default as mdsurvey's expression. XLSForm's default is a value unless it looks dynamic (pyxform's
 * default_is_dynamic: a reference, a function call, brackets, an arithmetic or union operator; a hyphen
 * does not count for dates and locations): a plain value becomes a quoted literal.
 */
export function defaultExpression(text: string, type: QuestionType | undefined): string {
  let t = text.trim();
  // A date or time cell read as `YYYY-MM-DD HH:MM:SS`: the part the question takes.
  const stamp = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})$/.exec(t);
  if (stamp) t = type === 'time' ? stamp[2] : type === 'date' ? stamp[1] : `${stamp[1]}T${stamp[2]}`;
  if (type === 'time' && /^\d{2}:\d{2}(:\d{2})?$/.test(t)) return `'${t}'`;
  const hyphenIsText = type === 'date' || type === 'datetime' || type === 'geopoint';
  const unquoted = t.replace(/'[^']*'|"[^"]*"/g, "''");
  const dynamic = /\$\{|[()[\]{}+*|]|\b(div|mod)\b/.test(unquoted) || (!hyphenIsText && /-/.test(unquoted) && !/^-?\d+(\.\d+)?$/.test(t));
  if (dynamic || /^-?\d+(\.\d+)?$/.test(t) || /^'[^']*'$|^"[^"]*"$/.test(t)) return t;
  return t.includes("'") ? `"${t}"` : `'${t}'`;
}

/** A default as XLSForm writes it: a literal unquoted (pyxform would keep the quotes), an expression as it is. */
function defaultCell(expr: string): string {
  const m = /^'([^']*)'$/.exec(expr) ?? /^"([^"]*)"$/.exec(expr);
  return m ? m[1] : expr;
}

/** The settings-sheet column that keeps what XLSForm cannot say (ODK ignores it). */
const DOCUMENT_COLUMN = 'mdsurvey::document';

/** The parts of a questionnaire kept in mdsurvey::document, checked. */
function documentOf(text: string): Partial<Pick<Questionnaire, 'title' | 'languages' | 'description' | 'meta'>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new XlsformError(`settings: ${DOCUMENT_COLUMN} is not JSON (${(err as Error).message})`, 'settings');
  }
  const v = value as Record<string, unknown>;
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new XlsformError(`settings: ${DOCUMENT_COLUMN} must be a JSON object`, 'settings');
  const langs = v.languages as { default?: unknown; available?: unknown } | undefined;
  if (langs !== undefined && (typeof langs !== 'object' || typeof langs.default !== 'string' || !Array.isArray(langs.available)))
    throw new XlsformError(`settings: ${DOCUMENT_COLUMN}.languages needs "default" and "available"`, 'settings');
  return v as Partial<Pick<Questionnaire, 'title' | 'languages' | 'description' | 'meta'>>;
}

/** Converts a questionnaire to XLSForm sheets that ODK and KoboToolbox read; mdsurvey:: columns keep what XLSForm lacks, so the round trip is lossless. */
export function questionnaireToXlsform(q: Questionnaire): SheetModel {
  const langs = q.languages.available;
  const multilingual = langs.length > 1;
  const col = (base: string, lang: string) => (multilingual ? `${base}::${q.languages.names?.[lang] ? `${q.languages.names[lang]} (${lang})` : lang}` : base);
  const texts = (base: string, t: Text | undefined, cells: Record<string, string>) => {
    if (t === undefined) return;
    if (typeof t === 'string') cells[col(base, q.languages.default)] = t;
    else for (const [lang, v] of Object.entries(t)) cells[col(base, lang)] = v;
  };
  const rows: Record<string, string>[] = [];
  const choiceLists: Record<string, Choice[]> = { ...(q.choiceLists ?? {}) };
  let needCountries = false;
  for (const [name, value] of Object.entries(q.settings ?? {}))
    rows.push({ type: 'calculate', name, calculation: settingLiteral(value), 'mdsurvey::setting': 'yes' });
  const walk = (items: Item[]) => {
    for (const item of items) {
      const cells: Record<string, string> = { name: item.name };
      if ('relevant' in item && item.relevant) cells.relevant = item.relevant;
      switch (item.kind) {
        case 'group':
        case 'roster': {
          const r = item.kind === 'roster';
          cells.type = r ? 'begin repeat' : 'begin group';
          texts('label', item.label, cells);
          if (item.appearance) cells.appearance = item.appearance;
          if (r && item.repeatCount) cells.repeat_count = item.repeatCount;
          if (r && item.rowsFrom) {
            // ODK cannot follow another repeat's rows; it gets one row per source row, mdsurvey reads the filter back.
            cells.repeat_count = `count(\${${item.rowsFrom.roster}})`;
            cells['mdsurvey::rows_from'] = item.rowsFrom.roster;
            if (item.rowsFrom.filter) cells['mdsurvey::rows_filter'] = item.rowsFrom.filter;
          }
          if (r && item.maxRows) cells['mdsurvey::max_rows'] = String(item.maxRows);
          rows.push(cells);
          const start = rows.length;
          walk(item.items);
          if (r && item.rowsFrom) linkFollowUpRows(rows, start, item, sourceFieldNames(q.items, item.rowsFrom.roster));
          const cap = r && (item.maxRows || q.settings?.max_roster_rows !== undefined) ? rosterRowCap(item, q.settings) : undefined;
          if (cap) {
            const words: Record<string, string> = { en: `At most ${cap} rows`, fr: `Au plus ${cap} lignes`, es: `Como máximo ${cap} filas` };
            capRows(
              rows,
              start,
              cap,
              Object.fromEntries((multilingual ? langs : [q.languages.default]).map((l) => [col('constraint_message', l), words[l] ?? words.en])),
            );
          }
          rows.push({ type: r ? 'end repeat' : 'end group', name: '' });
          continue;
        }
        case 'metadata':
          if (item.type === 'seed') {
            cells.type = 'calculate';
            cells.calculation = 'once(random())';
            cells['mdsurvey::type'] = 'seed';
          } else cells.type = item.type === 'enumerator' ? 'username' : item.type;
          break;
        case 'note':
          cells.type = 'note';
          texts('label', item.label, cells);
          texts('hint', item.hint, cells);
          if (item.appearance) cells.appearance = item.appearance;
          break;
        case 'calculate':
          cells.type = 'calculate';
          cells.calculation = item.calculation;
          texts('label', item.label, cells);
          break;
        case 'question': {
          if (item.type === 'country') {
            needCountries = true;
            cells.type = `${item.multiple ? 'select_multiple' : 'select_one'} ${COUNTRY_LIST}`;
            cells['mdsurvey::type'] = 'country';
            if (item.multiple) cells['mdsurvey::multiple'] = 'yes';
            if (item.specialCountries === false) cells['mdsurvey::special_countries'] = 'no';
          } else if (item.type === 'amount') {
            cells.type = 'decimal';
            cells['mdsurvey::type'] = 'amount';
            cells['mdsurvey::currencies'] = (item.currencies ?? []).join(' ');
            // ODK asks the currency with a question of its own, right after the amount (mdsurvey folds it back in).
            const codes = amountCurrencies(item.currencies, q.settings?.local_currency);
            const list = item.currencies?.length ? `${CURRENCY_LIST}_${item.name}` : CURRENCY_LIST;
            choiceLists[list] ??= codes.map((c) => ({ value: c, label: `${c} ${currencyName(c)}`.trim() }));
            const currency: Record<string, string> = {
              type: `select_one ${list}`,
              name: `${item.name}_currency`,
              relevant: `\${${item.name}} != ''`,
              required: 'yes',
              'mdsurvey::currency_of': item.name,
            };
            texts(
              'label',
              multilingual
                ? Object.fromEntries(langs.map((l) => [l, CURRENCY_LABEL[l] ?? CURRENCY_LABEL.en]))
                : (CURRENCY_LABEL[q.languages.default] ?? CURRENCY_LABEL.en),
              currency,
            );
            after.push(currency);
          } else if (item.type === 'select_one' || item.type === 'select_multiple') cells.type = `${item.type} ${item.choices}`;
          else if (item.type === 'year') {
            cells.type = 'integer';
            cells['mdsurvey::type'] = 'year';
          } else cells.type = item.type;
          texts('label', item.label, cells);
          texts('hint', item.hint, cells);
          if (item.required !== undefined) cells.required = typeof item.required === 'string' ? item.required : item.required ? 'yes' : 'no';
          texts('required_message', item.requiredMessage, cells);
          if (item.constraint) cells.constraint = item.constraint;
          texts('constraint_message', item.constraintMessage, cells);
          if (item.default) cells.default = defaultCell(item.default);
          if (item.calculation) cells.calculation = item.calculation;
          if (item.choiceFilter) cells.choice_filter = item.choiceFilter;
          if (item.readOnly) cells.read_only = 'yes';
          if (item.appearance) cells.appearance = item.appearance;
          if (item.identifier !== undefined) cells['mdsurvey::identifier'] = item.identifier ? 'yes' : 'no';
          if (item.quasiIdentifier !== undefined) cells['mdsurvey::quasi_identifier'] = item.quasiIdentifier ? 'yes' : 'no';
          break;
        }
      }
      rows.push(cells, ...after.splice(0));
    }
  };
  const after: Record<string, string>[] = [];
  walk(q.items);
  // The columns XLSForm knows first, in the order the importer lists them.
  const surveyHeader = orderedHeader(rows, [...KNOWN_COLUMNS]);
  // ODK needs the country list as choices; mdsurvey's importer leaves it out again.
  if (needCountries) {
    choiceLists[COUNTRY_LIST] = countryChoices(true).map((c) => {
      const names = c.label as Record<string, string>;
      return {
        value: c.value,
        label: multilingual ? Object.fromEntries(langs.map((l) => [l, names[l] ?? names.en])) : (names[q.languages.default] ?? names.en),
      };
    });
  }
  const choiceRows: Record<string, string>[] = [];
  for (const [listName, choices] of Object.entries(choiceLists)) {
    for (const c of choices) {
      const cells: Record<string, string> = { list_name: listName, name: c.value };
      texts('label', c.label, cells);
      for (const [k, v] of Object.entries(c.properties ?? {})) cells[k] = v;
      choiceRows.push(cells);
    }
  }
  return {
    survey: toSheet(surveyHeader, rows),
    choices: toSheet(orderedHeader(choiceRows, ['list_name', 'name', 'label']), choiceRows),
    settings: toSheet(
      [
        'form_title',
        'form_id',
        'version',
        'default_language',
        ...Object.keys((q.meta?.xlsform as { settings?: Record<string, string> } | undefined)?.settings ?? {}),
        DOCUMENT_COLUMN,
      ],
      [
        {
          form_title: typeof q.title === 'string' ? q.title : (q.title[q.languages.default] ?? Object.values(q.title)[0]),
          form_id: q.id,
          version: q.version,
          default_language: multilingual
            ? q.languages.names?.[q.languages.default]
              ? `${q.languages.names[q.languages.default]} (${q.languages.default})`
              : q.languages.default
            : q.languages.default,
          ...((q.meta?.xlsform as { settings?: Record<string, string> } | undefined)?.settings ?? {}),
          [DOCUMENT_COLUMN]: JSON.stringify({
            title: q.title,
            languages: q.languages,
            ...(q.description !== undefined ? { description: q.description } : {}),
            ...(documentMeta(q) ? { meta: documentMeta(q) } : {}),
          }),
        },
      ],
    ),
  };
}

/** The names of the fields of roster `name` (in its groups too). */
function sourceFieldNames(items: Item[], name: string): Set<string> {
  const out = new Set<string>();
  const collect = (its: Item[]) => {
    for (const i of its) {
      out.add(i.name);
      if (i.kind === 'group' || i.kind === 'roster') collect(i.items);
    }
  };
  const find = (its: Item[]): boolean => {
    for (const i of its) {
      if (i.kind === 'roster' && i.name === name) {
        collect(i.items);
        return true;
      }
      if ((i.kind === 'group' || i.kind === 'roster') && find(i.items)) return true;
    }
    return false;
  };
  find(items);
  return out;
}

/** `${x}` references in the cells of a row that hold text or expressions (not its name, type or mdsurvey columns). */
const rewriteRefs = (cells: Record<string, string>, rename: (n: string) => string | undefined) => {
  for (const [k, v] of Object.entries(cells))
    if (k !== 'name' && k !== 'type' && !k.startsWith('mdsurvey::'))
      cells[k] = v.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, n: string) => {
        const to = rename(n);
        return to ? `\${${to}}` : m;
      });
};

/**
 * A follow-up roster for ODK: one row per row of its source roster (repeat_count), each source field it
 * reads (a member's name in a label, the age in the filter) brought into the row with
 * indexed-repeat(${x}, ${source}, position(..)), and its questions in a group relevant by the filter,
 * so ODK asks them of the eligible members only, by name. The rows are marked mdsurvey::link, and the
 * importer takes them out again.
 */
function linkFollowUpRows(rows: Record<string, string>[], start: number, roster: Roster, fields: Set<string>): void {
  const source = roster.rowsFrom!.roster;
  const linked = (x: string) => `${roster.name}_src_${x}`;
  const inner = rows.slice(start);
  const used = new Set<string>();
  const filter = roster.rowsFrom!.filter;
  for (const text of [
    filter ?? '',
    ...inner.flatMap((r) =>
      Object.entries(r)
        .filter(([k]) => k !== 'name' && k !== 'type' && !k.startsWith('mdsurvey::'))
        .map(([, v]) => v),
    ),
  ])
    for (const m of text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) if (fields.has(m[1])) used.add(m[1]);
  if (used.size === 0 && !filter) return;
  for (const r of inner) rewriteRefs(r, (n) => (used.has(n) ? linked(n) : undefined));
  const links = [...used].map((x) => ({
    type: 'calculate',
    name: linked(x),
    calculation: `indexed-repeat(\${${x}}, \${${source}}, position(..))`,
    'mdsurvey::link': x,
  }));
  const group: Record<string, string> = { type: 'begin group', name: `${roster.name}_row`, 'mdsurvey::link': 'group' };
  if (filter) {
    group.relevant = filter;
    rewriteRefs(group, (n) => (used.has(n) ? linked(n) : undefined));
  }
  rows.splice(start, inner.length, ...links, group, ...inner, { type: 'end group', name: '', 'mdsurvey::link': 'group' });
}

/** Question types that take an answer (the row a roster's cap goes on). */
const ANSWERED = /^(text|integer|decimal|date|time|datetime|select_one |select_multiple |geopoint|image|audio|video|file|acknowledge)/;

/** A roster's cap for ODK: a constraint `position(..) <= N` on its first question (mdsurvey::row_cap says which part to take back). */
function capRows(rows: Record<string, string>[], start: number, cap: number, messages: Record<string, string>): void {
  let nested = 0; // depth of repeats inside this one: their questions are theirs
  for (let k = start; k < rows.length; k++) {
    const t = rows[k].type ?? '';
    if (t === 'begin repeat') nested++;
    else if (t === 'end repeat') nested--;
    else if (nested === 0 && ANSWERED.test(t)) {
      const r = rows[k];
      r.constraint = r.constraint ? `position(..) <= ${cap} and (${r.constraint})` : `position(..) <= ${cap}`;
      r['mdsurvey::row_cap'] = String(cap);
      if (!Object.keys(r).some((h) => parseHeader(h).column === 'constraint_message')) {
        Object.assign(r, messages);
        r['mdsurvey::row_cap_message'] = 'yes';
      }
      return;
    }
  }
}

/**
 * What the exporter wrote for ODK alone, taken out again: the currency question of an amount, the
 * link rows and group of a follow-up roster (references renamed back), a roster's cap in a constraint.
 */
function unlinkOdkRows(rows: { line: number; cells: Record<string, string> }[]): { line: number; cells: Record<string, string> }[] {
  const renamed = new Map<string, string>();
  for (const r of rows)
    if (r.cells['mdsurvey::link'] && r.cells['mdsurvey::link'] !== 'group' && r.cells.name) renamed.set(r.cells.name.trim(), r.cells['mdsurvey::link']);
  const out: { line: number; cells: Record<string, string> }[] = [];
  for (const r of rows) {
    if (r.cells['mdsurvey::link'] || r.cells['mdsurvey::currency_of']) continue;
    const cells = { ...r.cells };
    if (renamed.size) rewriteRefs(cells, (n) => renamed.get(n));
    const cap = cells['mdsurvey::row_cap'];
    if (cap && cells.constraint) {
      const prefix = `position(..) <= ${cap}`;
      if (cells.constraint === prefix) delete cells.constraint;
      else if (cells.constraint.startsWith(`${prefix} and (`) && cells.constraint.endsWith(')'))
        cells.constraint = cells.constraint.slice(prefix.length + 6, -1);
      if (cells['mdsurvey::row_cap_message'] === 'yes') for (const h of Object.keys(cells)) if (parseHeader(h).column === 'constraint_message') delete cells[h];
    }
    out.push({ line: r.line, cells });
  }
  return out;
}

/** The questionnaire's metadata other than the XLSForm settings (those have their own columns). */
function documentMeta(q: Questionnaire): Record<string, unknown> | undefined {
  const { xlsform: _x, ...rest } = (q.meta ?? {}) as Record<string, unknown>;
  return Object.keys(rest).length ? rest : undefined;
}

/** A setting as an XPath literal: a number, true()/false(), or a quoted string. */
function settingLiteral(value: string | number | boolean): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'true()' : 'false()';
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}

/** The value of a setting row's calculation (the inverse of settingLiteral). */
function settingValue(text: string, line: number): string | number | boolean {
  const t = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true()' || t === 'false()') return t === 'true()';
  const m = /^'([^']*)'$/.exec(t) ?? /^"([^"]*)"$/.exec(t);
  if (!m)
    throw new XlsformError(
      `survey row ${line}: a setting (mdsurvey::setting) must be a number, true(), false() or a quoted text, not "${t}"`,
      `survey row ${line}`,
    );
  return m[1];
}

function orderedHeader(rows: Record<string, string>[], first: string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const add = (h: string) => {
    if (!seen.has(h)) {
      seen.add(h);
      out.push(h);
    }
  };
  const all = rows.flatMap((r) => Object.keys(r));
  for (const f of first) for (const h of all) if (h === f || h.startsWith(`${f}::`)) add(h);
  for (const h of all) add(h);
  return out;
}

function toSheet(header: string[], rows: Record<string, string>[]): Sheet {
  return { header, rows: rows.map((cells, k) => ({ line: k + 2, cells })) };
}

/**
 * XML names may hold `-` and `.` (pyxform takes `label-test`); mdsurvey's names are variable names for
 * R, Stata and SQL, so those characters become `_` and every `${reference}` follows.
 */
function renameXmlNames(
  rows: { line: number; cells: Record<string, string> }[],
  onWarning: (message: string) => void,
): { line: number; cells: Record<string, string> }[] {
  const names = new Set(rows.map((r) => (r.cells.name ?? '').trim()));
  const renamed = new Map<string, string>();
  for (const r of rows) {
    const name = (r.cells.name ?? '').trim();
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name) || /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || renamed.has(name)) continue;
    let to = name.replace(/[.-]/g, '_');
    while (names.has(to)) to = `${to}_`;
    names.add(to);
    renamed.set(name, to);
    onWarning(`survey row ${r.line}: name "${name}" is "${to}" here (letters, digits and _)`);
  }
  if (renamed.size === 0) return rows;
  return rows.map((r) => {
    const cells: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.cells))
      cells[k] =
        k === 'name' && renamed.has(v.trim())
          ? renamed.get(v.trim())!
          : v.replace(/\$\{([^}\s]+)\}/g, (m, n: string) => (renamed.has(n) ? `\${${renamed.get(n)}}` : m));
    return { line: r.line, cells };
  });
}

/**
 * pyxform's `begin loop over LIST` ... `end loop`: the rows inside, once per choice of the list, each in
 * a group named after the choice; `%(label)s` in their labels is the choice's label and their names
 * (and references to them) take the choice's name as a suffix, since mdsurvey's names are unique.
 */
function expandLoops(
  rows: readonly { line: number; cells: Record<string, string> }[],
  header: readonly string[],
  choiceLists: Record<string, Choice[]>,
  defaultLanguage: string,
): { line: number; cells: Record<string, string> }[] {
  const out: { line: number; cells: Record<string, string> }[] = [];
  for (let i = 0; i < rows.length; i++) {
    const type = (rows[i].cells.type ?? '').trim().replace(/\s+/g, ' ');
    const m = /^begin[ _]loop over (\S+)$/i.exec(type);
    if (!m) {
      out.push(rows[i]);
      continue;
    }
    const list = choiceLists[m[1]];
    if (!list)
      throw new XlsformError(`survey row ${rows[i].line}: choice list "${m[1]}" of the loop is not on the choices sheet`, `survey row ${rows[i].line}`);
    let depth = 1;
    let j = i + 1;
    for (; j < rows.length; j++) {
      const t = (rows[j].cells.type ?? '').trim().replace(/\s+/g, ' ').toLowerCase();
      if (/^begin[ _]loop/.test(t)) depth++;
      if (/^end[ _]loop$/.test(t) && --depth === 0) break;
    }
    if (j >= rows.length) throw new XlsformError(`survey row ${rows[i].line}: "begin loop" is never closed`, `survey row ${rows[i].line}`);
    const body = expandLoops(rows.slice(i + 1, j), header, choiceLists, defaultLanguage);
    const loopName = (rows[i].cells.name ?? '').trim();
    const names = body.map((r) => (r.cells.name ?? '').trim()).filter(Boolean);
    out.push({ line: rows[i].line, cells: { ...rows[i].cells, type: 'begin group' } });
    for (const choice of list) {
      const labelIn = (column: string) => {
        const lang = parseHeader(column).language ?? defaultLanguage;
        const l = choice.label;
        return typeof l === 'string' ? l : (l[lang] ?? Object.values(l)[0] ?? choice.value);
      };
      const rename = (text: string) => names.reduce((t, n) => t.split(`\${${n}}`).join(`\${${n}_${choice.value}}`), text);
      out.push({ line: rows[i].line, cells: { type: 'begin group', name: `${loopName}_${choice.value}`, label: labelIn('label') } });
      for (const r of body) {
        const cells: Record<string, string> = {};
        for (const [k, v] of Object.entries(r.cells)) {
          const column = parseHeader(k).column;
          if (column === 'name' && v.trim()) cells[k] = `${v.trim()}_${choice.value}`;
          else if (['label', 'hint'].includes(column)) cells[k] = rename(v.split('%(label)s').join(labelIn(k)));
          else if (['relevant', 'constraint', 'calculation', 'required', 'choice_filter', 'repeat_count', 'default'].includes(column)) cells[k] = rename(v);
          else cells[k] = v;
        }
        out.push({ line: r.line, cells });
      }
      out.push({ line: rows[j].line, cells: { type: 'end group' } });
    }
    out.push({ line: rows[j].line, cells: { type: 'end group' } });
    i = j;
  }
  return out;
}

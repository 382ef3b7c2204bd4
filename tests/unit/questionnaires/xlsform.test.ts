/** XLSForm interchange on the pyxform project's own workbooks (tests/fixtures/xlsform, BSD-2-Clause). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  compileQuestionnaire,
  questionnaireToXlsform,
  readXlsformWorkbook,
  writeXlsformWorkbook,
  xlsformToQuestionnaire,
  XlsformError,
  type Attachment,
  type Questionnaire,
  type SheetModel,
} from '../../../questionnaires/index.js';
import { FIXTURES } from '../../helpers/reference.js';

const dir = path.join(FIXTURES, 'xlsform');
const load = async (file: string) => xlsformToQuestionnaire(await readXlsformWorkbook(fs.readFileSync(path.join(dir, file))), file.replace('.xlsx', ''));
const roundTrip = async (q: Questionnaire) => xlsformToQuestionnaire(await readXlsformWorkbook(await writeXlsformWorkbook(questionnaireToXlsform(q))), 'again');

describe('pyxform workbooks that mdsurvey supports: XLSForm -> JSON -> XLSForm -> JSON is lossless', () => {
  it.each(['choice_filter_test.xlsx', 'extra_columns.xlsx', 'field-list.xlsx', 'text_and_integer.xlsx', 'yes_or_no_question.xlsx'])('%s', async (file) => {
    const q = await load(file);
    expect(() => compileQuestionnaire(q)).not.toThrow();
    expect(await roundTrip(q)).toEqual(q);
  });
  it('keeps cascading choice filters and their extra choice columns', async () => {
    const q = await load('choice_filter_test.xlsx');
    const county = q.items.find((i) => i.name === 'county');
    expect(county).toMatchObject({ type: 'select_one', choices: 'counties', choiceFilter: '${state}=cf' });
    expect(q.choiceLists!.counties[0]).toEqual({ value: 'king', label: 'King', properties: { cf: 'washington' } });
    expect(q.meta).toEqual({ xlsform: { settings: { allow_choice_duplicates: 'yes' } } });
  });
  it('reads translations from label::language columns', async () => {
    const q = await load('field-list.xlsx');
    expect(q.languages).toEqual({ default: 'english', available: ['english', 'chinese'] });
    expect(q.choiceLists!.yes_no[0].label).toEqual({ english: 'Yes', chinese: '是' });
  });
  it('reads the old "select one from LIST" syntax', async () => {
    const q = await load('yes_or_no_question.xlsx');
    expect(q.items[0]).toMatchObject({ kind: 'question', type: 'select_one', choices: 'yes_or_no' });
  });
});

describe('pyxform features mdsurvey takes in its own terms', () => {
  it('or_other: an "other" choice and a text question shown when it is chosen (pyxform\'s expansion)', async () => {
    const q = await load('specify_other.xlsx');
    const i = q.items.findIndex((x) => x.kind === 'question' && x.choices?.endsWith('_or_other'));
    const select = q.items[i] as { name: string; choices: string };
    expect(q.choiceLists![select.choices].at(-1)).toEqual({ value: 'other', label: 'Other' });
    expect(q.items[i + 1]).toMatchObject({ kind: 'question', type: 'text', name: `${select.name}_other`, relevant: `selected(\${${select.name}}, 'other')` });
    expect(() => compileQuestionnaire(q)).not.toThrow();
  });
  it('begin loop over a list: the rows once per choice, %(label)s filled, names suffixed by the choice', async () => {
    const q = await load('loop.xlsx');
    const loop = q.items.find((x) => x.kind === 'group' && x.name === 'loop_toilet_types') as {
      items: { name: string; items: { name: string; label: string }[] }[];
    };
    expect(loop.items.map((g) => g.name)).toEqual([
      'loop_toilet_types_pit_latrine_with_slab',
      'loop_toilet_types_open_pit_latrine',
      'loop_toilet_types_bucket_system',
    ]);
    expect(loop.items[2].items[0]).toMatchObject({ name: 'number_bucket_system', label: 'How many Bucket system are on the premises?' });
    expect(() => compileQuestionnaire(q)).not.toThrow();
  });
  it('phone number: text of digits', async () => {
    const q = await load('group.xlsx');
    const phone = JSON.stringify(q).match(/"type":"text","label":[^}]*"constraint":"regex\(\., '\^\[0-9\]\*\$'\)"/);
    expect(phone).not.toBeNull();
    expect(() => compileQuestionnaire(q)).not.toThrow();
  });
  it('sheets that are not part of the form, media of choices and display columns are left aside with a warning', async () => {
    const warnings: string[] = [];
    const model = await readXlsformWorkbook(fs.readFileSync(path.join(dir, 'xlsform_spec_test.xlsx')));
    const q = xlsformToQuestionnaire(model, 'x', (m) => warnings.push(m));
    expect(warnings).toEqual(expect.arrayContaining(['sheet "columns" is not part of the form and was left aside']));
    expect(warnings.some((w) => /media column "image"/.test(w))).toBe(true);
    // A picture beside a question's text: the question is asked with its text.
    expect(warnings).toContain('survey row 9: media column "image" (img_test.jpg) left aside: the question is asked with its text');
    expect(() => compileQuestionnaire(q)).not.toThrow();
  });
});

describe('pyxform workbooks with features mdsurvey cannot represent: a clear message naming the row and feature', () => {
  it.each([
    // Choices from files that are not with the workbook (the test set does not ship them); GPS and photos after.
    ['UCL_Biomass_Plot_Form.xlsx', /survey row 16: the choices file "UCL_regions.csv" of select_one_from_file is not with the workbook/],
    // An OpenStreetMap question needs ODK's mapping app.
    ['case_insensitivity.xlsx', /survey row 4: question type "osm c1" \(OpenStreetMap question\) is not supported/],
  ])('%s', async (file, message) => {
    await expect(load(file)).rejects.toThrow(XlsformError);
    await expect(load(file)).rejects.toThrow(message);
  });
  it('a workbook without a survey sheet, and bytes that are not a workbook', async () => {
    await expect(readXlsformWorkbook(new TextEncoder().encode('not a zip')).then((m) => xlsformToQuestionnaire(m))).rejects.toThrow(/not an Excel workbook/);
    expect(() => xlsformToQuestionnaire({ choices: { header: [], rows: [] } })).toThrow(/no "survey" sheet/);
  });
  it('an unbalanced group names the row', () => {
    const model: SheetModel = {
      survey: {
        header: ['type', 'name', 'label'],
        rows: [
          { line: 2, cells: { type: 'begin group', name: 'g' } },
          { line: 3, cells: { type: 'text', name: 'a', label: 'A' } },
        ],
      },
    };
    expect(() => xlsformToQuestionnaire(model)).toThrow(/survey row 2: "begin group" g is never closed/);
    const model2: SheetModel = { survey: { header: ['type', 'name'], rows: [{ line: 2, cells: { type: 'end repeat', name: '' } }] } };
    expect(() => xlsformToQuestionnaire(model2)).toThrow(/survey row 2: "end repeat" without a matching "begin repeat"/);
  });
});

describe('mdsurvey questionnaires as XLSForm', () => {
  it('the test household (countries, amounts, follow-up rosters, identifiers) round-trips JSON -> XLSForm -> JSON', async () => {
    const q = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'questionnaires', 'household.json'), 'utf8')) as Questionnaire;
    const again = await roundTrip(q);
    // what XLSForm cannot say (settings, descriptions) is outside the round trip; the items and choices are not
    expect(again.items).toEqual(q.items);
    expect(again.choiceLists).toEqual(q.choiceLists);
    expect(again.languages.available).toEqual(q.languages.available);
    expect(() => compileQuestionnaire({ ...again, settings: q.settings })).not.toThrow();
  });
  it('writes what ODK needs: a country list on the choices sheet, repeat_count for follow-up rosters', () => {
    const q = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'questionnaires', 'household.json'), 'utf8')) as Questionnaire;
    const model = questionnaireToXlsform(q);
    expect(model.choices.rows.some((r) => r.cells.list_name === 'mdsurvey_countries' && r.cells.name === 'GHA')).toBe(true);
    const schooling = model.survey.rows.find((r) => r.cells.name === 'schooling')!;
    expect(schooling.cells).toMatchObject({ type: 'begin repeat', repeat_count: 'count(${members})', 'mdsurvey::rows_from': 'members' });
    expect(model.choices.header).toContain('label::fr');
  });
  it('writes what makes ODK behave as designed: the currency of an amount, members by name in a follow-up roster, roster caps', () => {
    const q = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'questionnaires', 'household.json'), 'utf8')) as Questionnaire;
    const model = questionnaireToXlsform(q);
    const rows = model.survey.rows.map((r) => r.cells);
    const at = (name: string) => rows.findIndex((r) => r.name === name);
    // An amount is followed by its currency, asked when an amount is given.
    expect(rows[at('tr_amount') + 1]).toMatchObject({
      name: 'tr_amount_currency',
      relevant: "${tr_amount} != ''",
      required: 'yes',
      'mdsurvey::currency_of': 'tr_amount',
    });
    expect(rows[at('tr_amount') + 1].type).toMatch(/^select_one mdsurvey_currencies/);
    const currencyList = rows[at('tr_amount') + 1].type.split(' ')[1];
    expect(model.choices.rows.filter((r) => r.cells.list_name === currencyList).length).toBeGreaterThan(0);
    // The follow-up roster reads the member's age and name through indexed-repeat, its questions in a group relevant by the filter.
    const s = at('schooling');
    expect(rows.slice(s + 1, s + 4)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'calculate', name: 'schooling_src_age', calculation: 'indexed-repeat(${age}, ${members}, position(..))' }),
      ]),
    );
    const group = rows.find((r) => r.name === 'schooling_row')!;
    expect(group).toMatchObject({ type: 'begin group', relevant: '${schooling_src_age} >= 5 and ${schooling_src_age} <= 24' });
    expect(at('schooling_row')).toBeLessThan(at('attending'));
    // The member roster's cap (60 rows) on its first question.
    expect(rows[at('name')].constraint).toMatch(/^position\(\.\.\) <= 60/);
    expect(rows[at('name')]['mdsurvey::row_cap']).toBe('60');
  });
  it('takes those ODK rows out again on import: the document comes back whole', async () => {
    const q = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'questionnaires', 'household.json'), 'utf8')) as Questionnaire;
    const again = await roundTrip(q);
    expect(again.items).toEqual(q.items);
    expect(again.choiceLists).toEqual(q.choiceLists);
  });
});

describe('select_one_from_file: choices from a CSV attached to the form', () => {
  const model: SheetModel = {
    survey: {
      header: ['type', 'name', 'label', 'parameters'],
      rows: [
        { line: 2, cells: { type: 'select_one_from_file regions.csv', name: 'region', label: 'Region' } },
        { line: 3, cells: { type: 'select_multiple_from_file crops.csv', name: 'crops', label: 'Crops', parameters: 'value=code label=title' } },
      ],
    },
  };
  const files: Record<string, Attachment> = {
    'regions.csv': {
      header: ['name', 'label', 'zone'],
      rows: [
        ['N', 'North', 'z1'],
        ['S', 'South', 'z2'],
        ['N', 'North again', 'z1'],
      ],
    },
    'crops.csv': {
      header: ['code', 'title'],
      rows: [
        ['m', 'Maize'],
        ['r', 'Rice'],
      ],
    },
  };
  it('reads the choices, value and label columns as parameters say, other columns as properties; a repeated value once, with a warning', () => {
    const warnings: string[] = [];
    const q = xlsformToQuestionnaire(
      model,
      'f',
      (w) => warnings.push(w),
      (name) => files[name] ?? null,
    );
    expect(q.items[0]).toMatchObject({ type: 'select_one', choices: 'file_regions' });
    expect(q.choiceLists!.file_regions).toEqual([
      { value: 'N', label: 'North', properties: { zone: 'z1' } },
      { value: 'S', label: 'South', properties: { zone: 'z2' } },
    ]);
    expect(q.items[1]).toMatchObject({ type: 'select_multiple', choices: 'file_crops' });
    expect(q.choiceLists!.file_crops.map((c) => c.label)).toEqual(['Maize', 'Rice']);
    expect(warnings).toEqual(['regions.csv row 4: choice "N" repeated; kept once']);
    expect(() => compileQuestionnaire(q)).not.toThrow();
  });
  it('a missing file is refused by row, naming the file', () => {
    expect(() => xlsformToQuestionnaire(model, 'f')).toThrow(/survey row 2: the choices file "regions.csv" of select_one_from_file is not with the workbook/);
  });
});

describe('forms as authors write them', () => {
  it('annotation columns are left aside with one warning each; groups named alike take a suffix', () => {
    const warnings: string[] = [];
    const model: SheetModel = {
      survey: {
        header: ['type', 'name', 'label', 'question_no', 'source'],
        rows: [
          { line: 2, cells: { type: 'begin group', name: 'details', label: 'Household', question_no: 'H1' } },
          { line: 3, cells: { type: 'text', name: 'village', label: 'Village', question_no: 'H1.1', source: 'DHS' } },
          { line: 4, cells: { type: 'end group', name: '' } },
          { line: 5, cells: { type: 'begin repeat', name: 'people', label: 'People' } },
          { line: 6, cells: { type: 'begin group', name: 'details', label: 'Person', question_no: 'P1' } },
          { line: 7, cells: { type: 'integer', name: 'age', label: 'Age' } },
          { line: 8, cells: { type: 'end group', name: '' } },
          { line: 9, cells: { type: 'end repeat', name: '' } },
        ],
      },
    };
    const q = xlsformToQuestionnaire(model, 'f', (w) => warnings.push(w));
    expect(() => compileQuestionnaire(q)).not.toThrow();
    const roster = q.items[1] as { items: { name: string }[] };
    expect(roster.items[0].name).toBe('details_2');
    expect(warnings).toEqual([
      'column "question_no" is not an XLSForm column: left aside as an annotation',
      'column "source" is not an XLSForm column: left aside as an annotation',
      'survey row 6: group "details" is named like an earlier one; it is "details_2" here',
    ]);
  });
});

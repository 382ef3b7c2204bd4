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

describe('pyxform workbooks with features mdsurvey does not support: a clear message naming the row and feature', () => {
  it.each([
    ['UCL_Biomass_Plot_Form.xlsx', /survey row 16: question type "select_one_from_file UCL_regions.csv" \(choices from an external file\) is not supported/],
    ['case_insensitivity.xlsx', /sheet "external_choices" is not supported/],
    ['flat_xlsform_test.xlsx', /sheet "columns" is not supported/],
    ['xlsform_spec_test.xlsx', /sheet "columns" is not supported/],
    ['group.xlsx', /survey row 4: question type "phone number"/],
    ['loop.xlsx', /survey row 2: "or specify other" is not supported/],
    ['specify_other.xlsx', /survey row 2: "or specify other" is not supported/],
  ])('%s', async (file, message) => {
    await expect(load(file)).rejects.toThrow(XlsformError);
    await expect(load(file)).rejects.toThrow(message);
  });
  it('a workbook without a survey sheet, and bytes that are not a workbook', async () => {
    await expect(readXlsformWorkbook(new TextEncoder().encode('not a zip')).then((m) => xlsformToQuestionnaire(m))).rejects.toThrow(
      /not a readable .xlsx workbook/,
    );
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
});

/**
 * pyxform's whole test set of XLSForm workbooks (tests/fixtures/xlsform and its pyxform-tests folder,
 * BSD-2-Clause): each one imports and compiles, or is refused for a reason written here by hand, every
 * problem named with its row. Where Python and pyxform's packages are present, ODK's converter is the
 * oracle: a workbook it accepts is refused only for what mdsurvey cannot represent, or for data the
 * test set does not ship.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  compileQuestionnaire,
  FormState,
  readAttachmentCsv,
  readXlsformWorkbook,
  xlsformToQuestionnaire,
  XlsformError,
  type Questionnaire,
} from '../../../questionnaires/index.js';
import { FIXTURES } from '../../helpers/reference.js';
import { need, pyxformTool } from '../../helpers/tools.js';

const dir = path.join(FIXTURES, 'xlsform');
const workbooks = [
  ...fs.readdirSync(dir).filter((f) => /\.xlsx?$/.test(f)),
  ...fs
    .readdirSync(path.join(dir, 'pyxform-tests'))
    .filter((f) => /\.xlsx?$/.test(f))
    .map((f) => `pyxform-tests/${f}`),
].sort();

/** Why a workbook is refused: the message (a row named), and whether pyxform refuses it too. */
const REFUSED: Record<string, { message: RegExp; why: string; pyxformRefuses: boolean }> = {};
const refuse = (names: string[], message: RegExp, why: string, pyxformRefuses: boolean) => {
  for (const n of names) REFUSED[n] = { message, why, pyxformRefuses };
};
refuse(
  ['UCL_Biomass_Plot_Form.xlsx', 'pyxform-tests/bug_example_xls__UCL_Biomass_Plot_Form.xlsx'],
  /survey row 16: the choices file "UCL_regions.csv" of select_one_from_file is not with the workbook/,
  'its choice files are not shipped with the test set (it imports once they are: see below)',
  false,
);
refuse(
  ['pyxform-tests/example_xls__pull_data.xlsx'],
  /the data file "fruits.csv" read by pulldata\(\) is not with the workbook/,
  'fruits.csv is not shipped (it imports once it is: see below)',
  false,
);
refuse(
  ['case_insensitivity.xlsx', 'pyxform-tests/example_xls__case_insensitivity.xlsx', 'pyxform-tests/example_xls__case_insensitivity.xls'],
  /survey row 4: question type "osm c1" \(OpenStreetMap question\) is not supported/,
  "an OpenStreetMap question needs ODK Collect's map editor and OSM tag files",
  false,
);
refuse(
  ['pyxform-tests/bug_example_xls__bad_calc.xlsx', 'pyxform-tests/example_xls__bad_calc.xlsx'],
  /badcalc: calculation: unterminated string/,
  'the calculation is not an expression (pyxform passes it on; ODK Validate and Collect fail on it)',
  false,
);
refuse(
  ['pyxform-tests/bug_example_xls__calculate_without_calculation.xls'],
  /survey row 34: calculate "calculate_test" has no calculation/,
  'a calculate without a calculation',
  true,
);
refuse(['pyxform-tests/bug_example_xls__group_name_test.xls'], /survey row 3: name "" is not a valid variable name/, 'a group without a name', true);
refuse(
  [
    'pyxform-tests/example_xls__include.xls',
    'pyxform-tests/example_xls__include.xlsx',
    'pyxform-tests/example_xls__include_json.xls',
    'pyxform-tests/example_xls__include_json.xlsx',
  ],
  /question type "include" is not supported/,
  'an include of another workbook that is not there',
  true,
);
refuse(
  ['pyxform-tests/example_xls__unknown_question_type.xls'],
  /survey row 2: question type "set form title" is not supported[\s\S]*survey row 52: question type "unknown" is not supported/,
  'made-up question types (every one named in one run)',
  true,
);

async function importWorkbook(file: string, media?: string, warnings: string[] = []): Promise<Questionnaire> {
  const model = await readXlsformWorkbook(fs.readFileSync(path.join(dir, file)));
  const mediaDir = media ?? path.dirname(path.join(dir, file));
  return xlsformToQuestionnaire(
    model,
    path.basename(file).replace(/\.xlsx?$/, ''),
    (w) => warnings.push(w),
    (name) => (fs.existsSync(path.join(mediaDir, name)) ? readAttachmentCsv(name, fs.readFileSync(path.join(mediaDir, name))) : null),
  );
}

describe("pyxform's test workbooks", () => {
  it('holds the whole set (12 reference workbooks and pyxform-tests, .xls and .xlsx)', () => {
    expect(workbooks.length).toBeGreaterThanOrEqual(69);
    expect(workbooks.some((f) => f.endsWith('.xls'))).toBe(true);
  });
  it.each(workbooks)('%s', async (file) => {
    const refusal = REFUSED[file];
    if (!refusal) {
      const q = await importWorkbook(file);
      expect(() => compileQuestionnaire(q)).not.toThrow();
      return;
    }
    let error: unknown;
    try {
      compileQuestionnaire(await importWorkbook(file));
    } catch (err) {
      error = err;
    }
    expect(error, refusal.why).toBeDefined();
    expect((error as Error).message).toMatch(refusal.message);
    expect((error as Error).message).not.toMatch(/\n\s+at /); // a message, not a stack
  });
});

describe('the refused ones import once their data is there', () => {
  it('UCL Biomass Plot Form with its choice files: every file-backed select has its choices', async () => {
    const media = fs.mkdtempSync(path.join(os.tmpdir(), 'ucl-'));
    for (const f of ['UCL_regions.csv', 'UCL_districts.csv', 'UCL_villages.csv', 'ULC_Biomass_Plots.csv', 'species_names.csv'])
      fs.writeFileSync(path.join(media, f), `name,label\n${f.slice(0, 3)}1,First ${f}\n${f.slice(0, 3)}2,Second ${f}\n`);
    const warnings: string[] = [];
    const q = await importWorkbook('UCL_Biomass_Plot_Form.xlsx', media, warnings);
    const c = compileQuestionnaire(q);
    const fileSelects = c.fields.filter((f) => f.item.kind === 'question' && f.item.type === 'select_one' && /^file_/.test(f.item.choices ?? ''));
    expect(fileSelects.length).toBeGreaterThanOrEqual(5);
    for (const f of fileSelects) expect(f.choices!.length).toBe(2);
    // Its photo questions are media questions now.
    expect(c.fields.filter((f) => f.item.kind === 'question' && f.item.type === 'image').length).toBe(3);
  });
  it('pull_data with fruits.csv: the file travels inside the questionnaire and pulldata() reads it in the form engine', async () => {
    const media = fs.mkdtempSync(path.join(os.tmpdir(), 'pull-'));
    fs.writeFileSync(path.join(media, 'fruits.csv'), 'name,label,colour\nmango,Mango,yellow\nbanana,Banana,yellow\napple,Apple,red\n');
    const q = await importWorkbook('pyxform-tests/example_xls__pull_data.xlsx', media);
    expect(q.attachments?.['fruits.csv']).toEqual({
      header: ['name', 'label', 'colour'],
      rows: [
        ['mango', 'Mango', 'yellow'],
        ['banana', 'Banana', 'yellow'],
        ['apple', 'Apple', 'red'],
      ],
    });
    const state = new FormState(compileQuestionnaire(q));
    expect(state.answers().fruit).toBe('mango');
  });
});

describe('every problem of a workbook in one run', () => {
  it('names each row with its feature, not only the first', async () => {
    const err = await importWorkbook('pyxform-tests/example_xls__unknown_question_type.xls').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XlsformError);
    const problems = (err as XlsformError).problems.map((p) => p.where);
    expect(problems).toEqual(['survey row 2', 'survey row 3', 'survey row 52']);
  });
});

describe("ODK's converter as the oracle", () => {
  const tool = pyxformTool();
  it.runIf(need(tool, "pyxform's verdict on its own test workbooks"))(
    'a workbook pyxform accepts is refused only for an OpenStreetMap question, data not shipped, or an expression ODK cannot run',
    () => {
      const files = workbooks.map((f) => path.join(dir, f));
      const out = spawnSync(tool.command, files, { encoding: 'utf8', timeout: 300_000 });
      const verdicts = new Map<string, string>();
      for (const line of `${out.stdout}`.split('\n')) {
        const m = /^(OK|WARN|ERROR) (\S+?)(:|$)/.exec(line);
        if (m) verdicts.set(path.relative(dir, m[2]), m[1]);
      }
      expect(verdicts.size).toBe(workbooks.length);
      for (const [file, verdict] of verdicts) {
        const refusal = REFUSED[file];
        if (verdict === 'ERROR') continue; // refused by pyxform too, or taken by mdsurvey: both fine
        if (refusal) expect(refusal.pyxformRefuses, `${file}: pyxform accepts it, and mdsurvey refuses it because ${refusal.why}`).toBe(false);
      }
      for (const [file, r] of Object.entries(REFUSED)) if (r.pyxformRefuses) expect(verdicts.get(file), file).toBe('ERROR');
    },
  );
});

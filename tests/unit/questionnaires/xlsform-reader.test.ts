/**
 * Workbooks as authors and their tools write them: hyperlinks, date cells, formulas, stray cells,
 * far-away rows, legacy .xls, and hostile files (a zip bomb, bytes that are no workbook). Each is read
 * as pyxform reads it or refused with a message, never a crash.
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileQuestionnaire, readAttachmentCsv, readXlsformWorkbook, xlsformToQuestionnaire, XlsformError } from '../../../questionnaires/index.js';
import { defaultExpression } from '../../../questionnaires/xlsform.js';
import { FIXTURES } from '../../helpers/reference.js';

async function workbook(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('cells as authors write them', () => {
  it('a hyperlinked label is its text, a date cell in the settings is a date, a formula its value', async () => {
    const bytes = await workbook((wb) => {
      const s = wb.addWorksheet('survey');
      s.addRow(['type', 'name', 'label', 'default']);
      s.addRow(['text', 'name', { text: 'Name (see the manual)', hyperlink: 'https://example.org/manual' }]);
      s.addRow(['date', 'visit', 'Visit date', new Date(Date.UTC(2026, 11, 1))]);
      s.addRow(['time', 'visit_time', 'Time', new Date(Date.UTC(1899, 11, 30, 9, 30))]);
      s.addRow(['integer', 'n', { formula: '1+1', result: 2 } as ExcelJS.CellFormulaValue, '3']);
      const t = wb.addWorksheet('settings');
      t.addRow(['form_id', 'version']);
      t.addRow(['visits', new Date(Date.UTC(2026, 11, 1))]);
    });
    const q = xlsformToQuestionnaire(await readXlsformWorkbook(bytes));
    expect(q.version).toBe('2026-12-01');
    const items = q.items as { name: string; label?: unknown; default?: string }[];
    expect(items[0].label).toBe('Name (see the manual)');
    expect(items[1].default).toBe("'2026-12-01'");
    expect(items[2].default).toBe("'09:30:00'");
    expect(items[3].label).toBe('2');
    expect(items[3].default).toBe('3');
    expect(() => compileQuestionnaire(q)).not.toThrow();
  });
  it('a value under no header, and rows after 60 empty ones, are left aside with a warning (as pyxform reads a sheet)', async () => {
    const bytes = await workbook((wb) => {
      const s = wb.addWorksheet('survey');
      s.addRow(['type', 'name', 'label']);
      s.addRow(['text', 'a', 'A', 'a stray note']);
      s.getCell('A80').value = 'text';
      s.getCell('B80').value = 'far';
    });
    const warnings: string[] = [];
    const q = xlsformToQuestionnaire(await readXlsformWorkbook(bytes), 'f', (w) => warnings.push(w));
    expect(q.items.map((i) => i.name)).toEqual(['a']);
    expect(warnings).toContain('survey row 2: the value "a stray note" in column D has no header and was left aside');
    expect(warnings).toContain('survey row 80: rows after 60 empty ones are not part of the form (as pyxform reads a sheet) and were left aside');
  });
  it('takes every header alias pyxform takes (relevance, bind::X, bind:jr:constraintMsg, control::appearance, calculate)', async () => {
    const bytes = await workbook((wb) => {
      const s = wb.addWorksheet('survey');
      s.addRow(['type', 'name', 'label', 'relevance', 'bind::required', 'bind::constraint', 'bind:jr:constraintMsg', 'control::appearance', 'calculate']);
      s.addRow(['integer', 'a', 'A', '', 'yes', '. > 0', 'Must be positive', 'thousands-sep']);
      s.addRow(['integer', 'b', 'B', '${a} > 1']);
      s.addRow(['calculate', 'c', '', '', '', '', '', '', '${a} * 2']);
    });
    const q = xlsformToQuestionnaire(await readXlsformWorkbook(bytes));
    expect(q.items[0]).toMatchObject({ name: 'a', required: true, constraint: '. > 0', constraintMessage: 'Must be positive', appearance: 'thousands-sep' });
    expect(q.items[1]).toMatchObject({ name: 'b', relevant: '${a} > 1' });
    expect(q.items[2]).toMatchObject({ kind: 'calculate', calculation: '${a} * 2' });
  });
  it('constraint and required on a calculate are said, not dropped silently', () => {
    const warnings: string[] = [];
    xlsformToQuestionnaire(
      {
        survey: {
          header: ['type', 'name', 'calculation', 'constraint', 'required'],
          rows: [{ line: 2, cells: { type: 'calculate', name: 'c', calculation: '1', constraint: '. > 0', required: 'yes' } }],
        },
      },
      'f',
      (w) => warnings.push(w),
    );
    expect(warnings).toEqual([
      'survey row 2: constraint on calculate "c" left aside: nobody answers a calculation, so ODK never checks it',
      'survey row 2: required on calculate "c" left aside: nobody answers a calculation, so ODK never checks it',
    ]);
  });
  it("static defaults are values, dynamic ones expressions (pyxform's default_is_dynamic)", () => {
    expect(defaultExpression('yes', 'select_one')).toBe("'yes'");
    expect(defaultExpression('2026-01-31', 'date')).toBe("'2026-01-31'");
    expect(defaultExpression('12', 'integer')).toBe('12');
    expect(defaultExpression('today()', 'date')).toBe('today()');
    expect(defaultExpression('${a} + 1', 'integer')).toBe('${a} + 1');
    expect(defaultExpression("it's", 'text')).toBe(`"it's"`);
  });
});

describe('hostile or foreign files', () => {
  it('a zip bomb is refused before it is inflated, with a message', async () => {
    const zip = new JSZip();
    zip.file('xl/worksheets/sheet1.xml', new Uint8Array(110 * 1024 * 1024));
    const bomb = await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 9 } });
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expect(readXlsformWorkbook(bomb)).rejects.toThrow(/inflate to more than 100 MB/);
  });
  it('bytes that are no workbook, and a workbook over the size budget, are refused by name', async () => {
    await expect(readXlsformWorkbook(new TextEncoder().encode('type,name,label\ntext,a,A\n'))).rejects.toThrow(XlsformError);
    await expect(readXlsformWorkbook(new Uint8Array(21 * 1024 * 1024))).rejects.toThrow(/at most 20 MB/);
  });
  it('a legacy .xls reads as its .xlsx twin', async () => {
    const dir = path.join(FIXTURES, 'xlsform', 'pyxform-tests');
    const xls = xlsformToQuestionnaire(await readXlsformWorkbook(fs.readFileSync(path.join(dir, 'example_xls__text_and_integer.xls'))), 'x');
    const xlsx = xlsformToQuestionnaire(await readXlsformWorkbook(fs.readFileSync(path.join(dir, 'example_xls__text_and_integer.xlsx'))), 'x');
    expect(xls.items).toEqual(xlsx.items);
  });
  it('an attachment CSV is bounded and named when bad', () => {
    expect(readAttachmentCsv('a.csv', new TextEncoder().encode('\uFEFFname,label\nN,North\n'))).toEqual({ header: ['name', 'label'], rows: [['N', 'North']] });
    expect(() => readAttachmentCsv('a.csv', new TextEncoder().encode('name,name\n1,2\n'))).toThrow(/column "name" is named twice/);
    expect(() => readAttachmentCsv('a.csv', new TextEncoder().encode('name,"x\n'))).toThrow(/a.csv.*not a readable CSV/);
    expect(() => readAttachmentCsv('a.csv', new Uint8Array(11 * 1024 * 1024))).toThrow(/at most 10 MB/);
  });
});

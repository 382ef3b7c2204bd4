import ExcelJS from 'exceljs';
import { XlsformError, parseHeader, type Sheet, type SheetModel } from './xlsform.js';

/** The text of a cell as XLSForm means it (formula results, rich text, hyperlinks, dates, booleans). */
function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('richText' in v)
      return v.richText
        .map((r) => r.text)
        .join('')
        .trim();
    if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? '');
    if ('text' in v) return String((v as { text: unknown }).text).trim();
    if ('error' in v) return '';
  }
  return String(v);
}

/** A header's key: base columns normalised (`LIST NAME` -> list_name), translated columns as written. */
function headerKey(raw: string): string {
  const p = parseHeader(raw);
  return p.language === null ? p.column : raw.trim();
}

/** Reads an XLSForm workbook (bytes of an .xlsx) into sheets; sheet and column names are case-insensitive. */
export async function readXlsformWorkbook(bytes: Uint8Array): Promise<SheetModel> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw new XlsformError(`not a readable .xlsx workbook (${(err as Error).message})`);
  }
  const model: SheetModel = {};
  wb.eachSheet((ws) => {
    const name = ws.name.trim().toLowerCase();
    const headerRow = ws.getRow(1);
    const header: string[] = [];
    headerRow.eachCell({ includeEmpty: true }, (cell, col) => {
      header[col - 1] = headerKey(cellText(cell.value));
    });
    const sheet: Sheet = { header: header.filter((h) => h !== undefined && h !== ''), rows: [] };
    ws.eachRow({ includeEmpty: false }, (row, line) => {
      if (line === 1) return;
      const cells: Record<string, string> = {};
      let any = false;
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const key = header[col - 1];
        const text = cellText(cell.value);
        if (text === '') return;
        if (!key) {
          any = true;
          cells[`__column_${col}`] = text;
          return;
        }
        cells[key] = text;
        any = true;
      });
      if (any) {
        const stray = Object.keys(cells).find((k) => k.startsWith('__column_'));
        if (stray) throw new XlsformError(`${name} row ${line}: a value in column ${stray.slice(9)}, which has no header`, `${name} row ${line}`);
        sheet.rows.push({ line, cells });
      }
    });
    model[name] = sheet;
  });
  return model;
}

/** Writes sheets as an .xlsx workbook (bytes). */
export async function writeXlsformWorkbook(model: SheetModel): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const [name, sheet] of Object.entries(model)) {
    const ws = wb.addWorksheet(name);
    ws.addRow(sheet.header);
    for (const r of sheet.rows) ws.addRow(sheet.header.map((h) => r.cells[h] ?? null));
    ws.getRow(1).font = { bold: true };
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

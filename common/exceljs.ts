import type ExcelJS from 'exceljs';

/**
 * ExcelJS, loaded on first use: it pulls in some sixty CommonJS packages (150 ms), which every CLI
 * command paid at start although only the workbook readers and writers need them.
 */
export async function excel(): Promise<typeof ExcelJS> {
  return (await import('exceljs')).default;
}

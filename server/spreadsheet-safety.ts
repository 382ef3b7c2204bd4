/**
 * CSV and XLSX files meant for spreadsheets: text that begins with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is run by Excel, LibreOffice and Google Sheets as a formula (CSV injection, OWASP).
 * Such text gets a leading apostrophe, which spreadsheets show as text; plain numbers (`-5`, `+3.2`)
 * are left alone. .dta and JSON outputs keep the raw answer.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The text as a spreadsheet should receive it. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

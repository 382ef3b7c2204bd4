// Money conversion of a dataset: every amount to local currency and USD before any sum or ratio
// (DOMAIN.md, Money). The exchange-rate file and its rule are in exchange-rates.ts.
import { InputError } from '../common/errors.js';
import { analysisTable, cellText, withColumn, type Dataset } from './dataset.js';
import { RateTable, validDay, type ExchangeRate, type MoneySettings } from './exchange-rates.js';
import type { DataTable } from './table.js';
import type { CodebookEntry } from '../questionnaires/index.js';

/** The unit of a dataset's money figures, as published: `GHS, current prices of 2026-06` ... */
export function moneyUnit(money: MoneySettings, target: 'local' | 'USD' = 'local'): string {
  return `${target === 'local' ? money.localCurrency : 'USD'}, ${money.priceBasis}`;
}

/** Amount variables of a dataset level: codebook entries with a currency column (`unit`) the table has. */
function amountVariables(dataset: Dataset, level: string, table: DataTable): { variable: string; currency: string }[] {
  return dataset.codebook.variables
    .filter((v) => v.level === level && v.unit && table.columns.has(v.variable) && table.columns.has(v.unit))
    .map((v) => ({ variable: v.variable, currency: v.unit! }));
}

/**
 * Adds, for every amount of the dataset (a codebook variable with its currency column), `<name>_local`
 * and `<name>_usd`: the amount converted with the rate of its currency on the interview's reference date.
 * Throws an InputError naming the currency, the date, the variable and the row when a rate to the local
 * currency is missing; a variable missing a USD rate gets no `_usd` column (a note says which rate).
 * A dataset without amounts is returned unchanged; one with amounts but no money settings is an error.
 */
export function convertAmounts(dataset: Dataset, rates: readonly ExchangeRate[] = dataset.exchangeRates ?? []): { dataset: Dataset; notes: string[] } {
  const notes: string[] = [];
  const added: CodebookEntry[] = [];
  const money = dataset.design.money;
  const tables = new Map(dataset.tables);
  let table: RateTable | null = null;
  for (const level of dataset.design.levels) {
    const own = tables.get(level.name);
    if (!own) continue;
    // An amount already converted (a public-use file, converted before its interview dates were dropped) stays as it is.
    const amounts = amountVariables(dataset, level.name, own).filter((a) => !own.columns.has(`${a.variable}_local`));
    if (amounts.length === 0) continue;
    if (!money)
      throw new InputError(
        'no-money-settings',
        `${level.file} has amounts (${amounts.map((a) => a.variable).join(', ')}) but design.json has no "money" settings: name the local currency, the price basis and the exchange-rate file`,
        'design.json',
      );
    table ??= new RateTable(money.localCurrency, rates);
    // The reference date comes from the household level (through the join), as the analysis table has it.
    const joined = analysisTable({ ...dataset, tables }, level.name);
    const dateCol = joined.columns.get(money.dateColumn ?? 'start');
    if (!dateCol)
      throw new InputError(
        'unknown-column',
        `design.json money.dateColumn: no column "${money.dateColumn ?? 'start'}" gives the interview dates`,
        'design.json',
      );
    let out = own;
    for (const a of amounts) {
      const col = own.columns.get(a.variable)!;
      // A column with no value at all reads as text (an empty file): it is an amount column with no amounts.
      const values = col.kind === 'number' ? col : col.codes.every((c) => c < 0) ? { values: new Float64Array(own.nRows).fill(NaN) } : null;
      if (!values) throw new InputError('not-numeric', `${level.file}, column ${a.variable}: amounts must be numbers`, `${level.file}, column ${a.variable}`);
      const cur = own.columns.get(a.currency)!;
      const local = new Float64Array(own.nRows);
      const usd = new Float64Array(own.nRows);
      let usdMissing: string | null = null;
      for (let i = 0; i < own.nRows; i++) {
        const v = values.values[i];
        if (Number.isNaN(v)) {
          local[i] = NaN;
          usd[i] = NaN;
          continue;
        }
        const currency = cellText(cur, i);
        const date = (cellText(dateCol, i) ?? '').slice(0, 10);
        const where = `${level.file} row ${i + 2}, column ${a.variable}`;
        if (!currency) throw new InputError('missing-currency', `${where}: the amount ${v} has no currency (${a.currency} is empty)`, where);
        if (!validDay(date))
          throw new InputError('missing-date', `${where}: no interview date to pick the exchange rate (${money.dateColumn ?? 'start'})`, where);
        const toLocal = table.rate(currency, date, 'local');
        if (toLocal === undefined)
          throw new InputError(
            'missing-exchange-rate',
            `no exchange rate from ${currency} to ${money.localCurrency} for ${date} (${where}); add a row for ${currency} covering ${date} to ${money.exchangeRates ?? 'the exchange-rate file'}`,
            where,
          );
        local[i] = v * toLocal;
        const toUsd = table.rate(currency, date, 'USD');
        if (toUsd === undefined && usdMissing === null) usdMissing = `${currency} on ${date} (${where})`;
        usd[i] = toUsd === undefined ? NaN : v * toUsd;
      }
      out = withColumn(out, { kind: 'number', name: `${a.variable}_local`, values: local });
      added.push(convertedEntry(dataset, level.name, a.variable, 'local'));
      // A USD figure is published only when every amount of the variable has its USD rate.
      if (usdMissing === null) {
        out = withColumn(out, { kind: 'number', name: `${a.variable}_usd`, values: usd });
        added.push(convertedEntry(dataset, level.name, a.variable, 'USD'));
      } else notes.push(`${a.variable}_usd not computed: no USD rate for ${usdMissing}`);
    }
    tables.set(level.name, out);
  }
  const known = new Set(dataset.codebook.variables.map((v) => `${v.level} ${v.variable}`));
  const variables = [...dataset.codebook.variables, ...added.filter((v) => !known.has(`${v.level} ${v.variable}`))];
  return { dataset: { ...dataset, tables, codebook: { ...dataset.codebook, variables } }, notes };
}

/** The codebook entry of a converted amount: the amount's label with its unit. */
function convertedEntry(dataset: Dataset, level: string, variable: string, target: 'local' | 'USD'): CodebookEntry {
  const source = dataset.codebook.variables.find((v) => v.level === level && v.variable === variable)!;
  const unit = moneyUnit(dataset.design.money!, target);
  return {
    level,
    variable: `${variable}_${target === 'local' ? 'local' : 'usd'}`,
    label: Object.fromEntries(Object.entries(source.label).map(([lang, text]) => [lang, `${text} (${unit}; converted at the interview month's rate)`])),
    type: 'decimal',
    identifier: source.identifier,
    quasiIdentifier: source.quasiIdentifier,
  };
}

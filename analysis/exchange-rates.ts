// Money: every amount converted to one unit before any sum or ratio (DOMAIN.md, Money).
//
// A survey names its local currency and price basis and keeps a dated exchange-rate table, one CSV file:
//
//   currency,period,to_local,to_usd
//   USD,2026,12.1,1
//   USD,2026-06,12.4,1
//   GBP,2026-01-01/2026-06-30,15.6,1.27
//   GHS,2026,1,0.0806
//
// `period` is a year, a month, a day or an interval `FROM/TO` (ISO dates, both days included). An amount
// is converted with the rate of its currency whose period contains the amount's reference date (the
// interview date); when several do, the shortest period wins (a month's rate before the year's). The local
// currency converts to itself at 1 and USD to USD at 1 without a row. A rate that is missing is an error
// naming the currency, the date and the variable: nothing is summed with a guessed rate.
import { parse } from 'csv-parse/sync';
import { InputError } from '../common/errors.js';
import { isCurrencyCode } from '../questionnaires/codes/index.js';

/** One row of the exchange-rate table. */
export interface ExchangeRate {
  currency: string;
  /** First and last day of the period (ISO dates, inclusive). */
  from: string;
  to: string;
  /** Units of local currency for one unit of `currency`. */
  toLocal: number;
  /** US dollars for one unit of `currency`. */
  toUsd: number;
  /** Line of the file (for messages). */
  line: number;
}

/** The money settings of a dataset (design.json `money`). */
export interface MoneySettings {
  /** ISO 4217 code of the local currency. */
  localCurrency: string;
  /** Price basis of published money figures: `current prices of the interview period`, `2026 prices` ... */
  priceBasis: string;
  /** The exchange-rate file of the dataset (CSV, format above). */
  exchangeRates?: string;
  /** Household-level column holding each interview's reference date (default `start`). */
  dateColumn?: string;
}

/** Most bytes of an exchange-rate file (a few thousand rows are plenty). */
export const MAX_RATE_FILE_BYTES = 1 << 20;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const YEAR = /^(\d{4})$/;

/** True for an ISO date that exists (2026-02-30 does not). */
export function validDay(s: string): boolean {
  const m = DAY.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

/** A period as its first and last day, or null when it is not one of the accepted forms. */
export function periodBounds(period: string): { from: string; to: string } | null {
  const p = period.trim();
  let m: RegExpExecArray | null;
  if ((m = YEAR.exec(p))) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31` };
  if ((m = MONTH.exec(p))) {
    const month = +m[2];
    if (month < 1 || month > 12) return null;
    const last = new Date(Date.UTC(+m[1], month, 0)).getUTCDate();
    return { from: `${m[1]}-${m[2]}-01`, to: `${m[1]}-${m[2]}-${String(last).padStart(2, '0')}` };
  }
  if (validDay(p)) return { from: p, to: p };
  const parts = p.split('/');
  if (parts.length === 2 && validDay(parts[0]) && validDay(parts[1]) && parts[0] <= parts[1]) return { from: parts[0], to: parts[1] };
  return null;
}

const days = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;

/**
 * Reads and checks an exchange-rate file. Every problem names the line and column: an unknown currency
 * code, a period that is not a year, month, day or FROM/TO interval, a rate that is not a positive number,
 * a local-currency rate other than 1, two rows of the same currency over the same period.
 */
export function parseExchangeRates(text: string | Uint8Array, localCurrency: string, source = 'exchange-rates.csv'): ExchangeRate[] {
  const bytes = typeof text === 'string' ? Buffer.byteLength(text) : text.byteLength;
  if (bytes > MAX_RATE_FILE_BYTES) throw new InputError('bad-exchange-rates', `${source}: larger than ${MAX_RATE_FILE_BYTES} bytes`, source);
  let records: string[][];
  try {
    records = parse(typeof text === 'string' ? text : Buffer.from(text), { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true });
  } catch (err) {
    throw new InputError('bad-exchange-rates', `${source}: not a readable CSV file (${(err as Error).message})`, source);
  }
  if (records.length === 0) throw new InputError('bad-exchange-rates', `${source}: the file is empty`, source);
  const header = records[0].map((h) => h.toLowerCase());
  const col = (name: string, required: boolean) => {
    const i = header.indexOf(name);
    if (i < 0 && required)
      throw new InputError('bad-exchange-rates', `${source}: the header needs a column "${name}" (currency,period,to_local,to_usd)`, `${source} line 1`);
    return i;
  };
  const ci = col('currency', true);
  const pi = col('period', true);
  const li = col('to_local', true);
  const ui = col('to_usd', true);
  const rates: ExchangeRate[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((r, k) => {
    const line = k + 2;
    const where = (column: string) => `${source} line ${line}, column ${column}`;
    const currency = r[ci].toUpperCase();
    if (!isCurrencyCode(currency))
      throw new InputError('bad-exchange-rates', `${where('currency')}: "${r[ci]}" is not an ISO 4217 currency code`, where('currency'));
    const bounds = periodBounds(r[pi]);
    if (!bounds)
      throw new InputError(
        'bad-exchange-rates',
        `${where('period')}: "${r[pi]}" is not a period (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD/YYYY-MM-DD)`,
        where('period'),
      );
    const rate = (i: number, column: string) => {
      const v = Number(r[i]);
      if (r[i] === '' || !Number.isFinite(v) || v <= 0)
        throw new InputError('bad-exchange-rates', `${where(column)}: "${r[i]}" is not a positive number`, where(column));
      return v;
    };
    const toLocal = rate(li, 'to_local');
    const toUsd = rate(ui, 'to_usd');
    if (currency === localCurrency && toLocal !== 1)
      throw new InputError(
        'bad-exchange-rates',
        `${where('to_local')}: the local currency ${localCurrency} converts to itself at 1, not ${r[li]}`,
        where('to_local'),
      );
    if (currency === 'USD' && toUsd !== 1)
      throw new InputError('bad-exchange-rates', `${where('to_usd')}: USD converts to USD at 1, not ${r[ui]}`, where('to_usd'));
    const key = `${currency} ${bounds.from} ${bounds.to}`;
    if (seen.has(key))
      throw new InputError('bad-exchange-rates', `${where('period')}: ${currency} ${r[pi]} already has a rate on line ${seen.get(key)}`, where('period'));
    seen.set(key, line);
    rates.push({ currency, ...bounds, toLocal, toUsd, line });
  });
  return rates;
}

/** Writes rates back as the CSV file format (one row per rate, periods as FROM/TO unless a whole year, month or day). */
export function formatExchangeRates(rates: readonly ExchangeRate[]): string {
  const period = (r: ExchangeRate) => {
    if (r.from === r.to) return r.from;
    if (r.from.endsWith('-01-01') && r.to === `${r.from.slice(0, 4)}-12-31`) return r.from.slice(0, 4);
    const month = periodBounds(r.from.slice(0, 7));
    if (month && month.from === r.from && month.to === r.to) return r.from.slice(0, 7);
    return `${r.from}/${r.to}`;
  };
  return ['currency,period,to_local,to_usd', ...rates.map((r) => `${r.currency},${period(r)},${r.toLocal},${r.toUsd}`)].join('\n') + '\n';
}

/** Looks up the rate of a currency on a date: the shortest period containing the date, or undefined. */
export class RateTable {
  private readonly byCurrency = new Map<string, ExchangeRate[]>();
  constructor(
    readonly localCurrency: string,
    rates: readonly ExchangeRate[],
  ) {
    for (const r of rates) {
      const list = this.byCurrency.get(r.currency) ?? [];
      list.push(r);
      this.byCurrency.set(r.currency, list);
    }
    for (const list of this.byCurrency.values()) list.sort((a, b) => days(a.from, a.to) - days(b.from, b.to));
  }

  /** Units of `target` (`local` or `USD`) for one unit of `currency` on `date`, or undefined when no rate covers it. */
  rate(currency: string, date: string, target: 'local' | 'USD'): number | undefined {
    if (target === 'local' && currency === this.localCurrency) return 1;
    if (target === 'USD' && currency === 'USD') return 1;
    const r = this.byCurrency.get(currency)?.find((x) => x.from <= date && date <= x.to);
    if (r) return target === 'local' ? r.toLocal : r.toUsd;
    // Through the other unit when only that one is known: USD -> local uses the local currency's USD rate.
    if (target === 'local' && currency === 'USD') {
      const local = this.byCurrency.get(this.localCurrency)?.find((x) => x.from <= date && date <= x.to);
      return local ? 1 / local.toUsd : undefined;
    }
    return undefined;
  }
}

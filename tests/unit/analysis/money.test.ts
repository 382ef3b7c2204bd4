// Money (issue 15, DOMAIN.md Money): amounts in several currencies are converted with a dated
// exchange-rate table before any sum or ratio; a missing rate is an error naming the currency and period.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeIndicators,
  convertAmounts,
  formatExchangeRates,
  parseExchangeRates,
  periodBounds,
  prepareDataset,
  RateTable,
  shippedCatalogue,
  tableFromRecords,
  type Dataset,
  type ExchangeRate,
} from '../../../analysis/index.js';
import { InputError } from '../../../common/errors.js';

const RATES = `currency,period,to_local,to_usd
GHS,2026,1,0.08
USD,2026,12,1
USD,2026-06,12.5,1
GBP,2026-01-01/2026-06-30,16,1.25
`;

describe('the exchange-rate file', () => {
  it('reads years, months, days and intervals', () => {
    expect(periodBounds('2026')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(periodBounds('2028-02')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(periodBounds('2026-06-15')).toEqual({ from: '2026-06-15', to: '2026-06-15' });
    expect(periodBounds('2026-01-01/2026-03-31')).toEqual({ from: '2026-01-01', to: '2026-03-31' });
    for (const bad of ['2026-13', '2026-02-30', '26', '2026-03-31/2026-01-01', 'June 2026']) expect(periodBounds(bad), bad).toBeNull();
    const rates = parseExchangeRates(RATES, 'GHS');
    expect(rates).toHaveLength(4);
    expect(parseExchangeRates(formatExchangeRates(rates), 'GHS').map(({ line: _l, ...r }) => r)).toEqual(rates.map(({ line: _l, ...r }) => r));
  });

  it.each([
    ['currency,period,to_local,to_usd\nUSX,2026,12,1\n', /line 2, column currency: "USX" is not an ISO 4217 currency code/],
    ['currency,period,to_local,to_usd\nUSD,June,12,1\n', /line 2, column period: "June" is not a period/],
    ['currency,period,to_local,to_usd\nUSD,2026,-12,1\n', /line 2, column to_local: "-12" is not a positive number/],
    ['currency,period,to_local,to_usd\nUSD,2026,,1\n', /line 2, column to_local: "" is not a positive number/],
    ['currency,period,to_local,to_usd\nGHS,2026,2,0.08\n', /line 2, column to_local: the local currency GHS converts to itself at 1/],
    ['currency,period,to_local,to_usd\nUSD,2026,12,1\nUSD,2026,13,1\n', /line 3, column period: USD 2026 already has a rate on line 2/],
    ['currency,period,to_local\nUSD,2026,12\n', /needs a column "to_usd"/],
    ['currency,period,to_local,to_usd\nUSD,2026,12\n', /not a readable CSV file/],
  ])('refuses a bad file, naming the line and column (%#)', (text, message) => {
    let err: unknown;
    try {
      parseExchangeRates(text, 'GHS', 'rates.csv');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(message);
  });

  it("takes the rate of the shortest period holding the date; USD goes to local through the local currency's USD rate", () => {
    const t = new RateTable('GHS', parseExchangeRates(RATES, 'GHS'));
    expect(t.rate('USD', '2026-06-15', 'local')).toBe(12.5); // the month's rate before the year's
    expect(t.rate('USD', '2026-07-15', 'local')).toBe(12);
    expect(t.rate('GBP', '2026-06-30', 'local')).toBe(16);
    expect(t.rate('GBP', '2026-07-01', 'local')).toBeUndefined();
    expect(t.rate('GHS', '2030-01-01', 'local')).toBe(1);
    expect(t.rate('GHS', '2026-03-01', 'USD')).toBe(0.08);
    expect(new RateTable('GHS', parseExchangeRates('currency,period,to_local,to_usd\nGHS,2026,1,0.08\n', 'GHS')).rate('USD', '2026-05-01', 'local')).toBe(12.5);
  });
});

/** A dataset of households with emigrants sending amounts in the given currencies, interviewed on `date`. */
function remittances(sent: { hh: number; amount: number; currency: string }[], date = '2026-06-15', rates = RATES): Dataset {
  const ids = [...new Set(sent.map((s) => s.hh))].sort((a, b) => a - b);
  const household = tableFromRecords(
    ids.map((h, i) => ({ interview_id: `h${h}`, start: `${date}T09:00:00Z`, weight: 1 + i, hh_remit_receiving: 1, consumption_annual: 10000 })),
  );
  const emigrants = tableFromRecords(
    sent.map((s, i) => ({ interview_id: `h${s.hh}`, emigrants_key: `e${i}`, rr_cash: '1', rr_amount: s.amount, rr_amount_currency: s.currency })),
  );
  return {
    design: {
      format: 'mdsurvey-dataset/1',
      designLevel: 'household',
      weights: 'weight',
      levels: [
        { name: 'household', file: 'household.csv', keys: ['interview_id'], parent: null },
        { name: 'emigrants', file: 'emigrants.csv', keys: ['interview_id', 'emigrants_key'], parent: 'household' },
        { name: 'other_senders', file: 'other_senders.csv', keys: ['interview_id', 'other_senders_key'], parent: 'household' },
      ],
      money: { localCurrency: 'GHS', priceBasis: 'current prices, June 2026', exchangeRates: 'rates.csv', dateColumn: 'start' },
    },
    codebook: {
      variables: [
        {
          level: 'emigrants',
          variable: 'rr_amount',
          label: { en: 'Amount received' },
          type: 'amount',
          unit: 'rr_amount_currency',
          identifier: false,
          quasiIdentifier: false,
        },
        {
          level: 'other_senders',
          variable: 'os_amount',
          label: { en: 'Amount' },
          type: 'amount',
          unit: 'os_amount_currency',
          identifier: false,
          quasiIdentifier: false,
        },
      ],
    },
    tables: new Map([
      ['household', household],
      ['emigrants', emigrants],
      ['other_senders', tableFromRecords([], ['interview_id', 'other_senders_key', 'os_amount', 'os_amount_currency'])],
    ]),
    exchangeRates: parseExchangeRates(rates, 'GHS'),
  };
}

const remitTotal = (d: Dataset) => {
  const { dataset } = prepareDataset(d, shippedCatalogue());
  const col = dataset.tables.get('household')!.columns.get('remit_total')!;
  return Array.from((col as { values: Float64Array }).values);
};

describe('converting amounts before summing them', () => {
  it('amounts in two currencies are converted before they are summed', () => {
    const d = remittances([
      { hh: 1, amount: 100, currency: 'USD' },
      { hh: 1, amount: 500, currency: 'GHS' },
      { hh: 2, amount: 50, currency: 'GBP' },
    ]);
    expect(remitTotal(d)).toEqual([100 * 12.5 + 500, 50 * 16]);
    const report = computeIndicators(d, shippedCatalogue(), { only: ['rem_mean_amount', 'rem_mean_amount_usd'] });
    const local = report.rows.find((r) => r.id === 'rem_mean_amount')!;
    expect(local.estimate).toBeCloseTo((1 * 1750 + 2 * 800) / 3, 9);
    expect(local.moneyUnit).toBe('GHS, current prices, June 2026');
    const usd = report.rows.find((r) => r.id === 'rem_mean_amount_usd')!;
    expect(usd.estimate).toBeCloseTo((1 * (100 + 500 * 0.08) + 2 * (50 * 1.25)) / 3, 9);
    expect(usd.moneyUnit).toBe('USD, current prices, June 2026');
  });

  it('a missing rate is an error naming the currency, the date and the row; nothing is computed', () => {
    const d = remittances([
      { hh: 1, amount: 100, currency: 'USD' },
      { hh: 2, amount: 70, currency: 'EUR' },
    ]);
    expect(() => convertAmounts(d)).toThrow(/no exchange rate from EUR to GHS for 2026-06-15 \(emigrants\.csv row 3, column rr_amount\)/);
    expect(() => computeIndicators(d, shippedCatalogue())).toThrow(InputError);
    // Out of the GBP interval: the same error, not the year's rate of another currency.
    expect(() => convertAmounts(remittances([{ hh: 1, amount: 5, currency: 'GBP' }], '2026-08-01'))).toThrow(/from GBP to GHS for 2026-08-01/);
  });

  it('a USD figure needs every USD rate: without one the USD column is left out, with a note', () => {
    const d = remittances([{ hh: 1, amount: 100, currency: 'USD' }], '2026-06-15', 'currency,period,to_local,to_usd\nUSD,2026,12,1\n');
    const { dataset, notes } = convertAmounts(
      remittances([{ hh: 1, amount: 100, currency: 'GHS' }], '2026-06-15', 'currency,period,to_local,to_usd\nUSD,2026,12,1\n'),
    );
    expect(dataset.tables.get('emigrants')!.columns.has('rr_amount_local')).toBe(true);
    expect(dataset.tables.get('emigrants')!.columns.has('rr_amount_usd')).toBe(false);
    expect(notes[0]).toMatch(/rr_amount_usd not computed: no USD rate for GHS on 2026-06-15/);
    expect(convertAmounts(d).dataset.tables.get('emigrants')!.columns.has('rr_amount_usd')).toBe(true);
  });

  it('property: the total is the sum of each amount times its own rate, whatever the mix of currencies', () => {
    const rate: Record<string, number> = { GHS: 1, USD: 12.5, GBP: 16 };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ hh: fc.integer({ min: 1, max: 4 }), amount: fc.integer({ min: 1, max: 100_000 }), currency: fc.constantFrom('GHS', 'USD', 'GBP') }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (sent) => {
          const ids = [...new Set(sent.map((s) => s.hh))].sort((a, b) => a - b);
          const expected = ids.map((h) => sent.filter((s) => s.hh === h).reduce((a, s) => a + s.amount * rate[s.currency], 0));
          const got = remitTotal(remittances(sent));
          got.forEach((g, i) => expect(Math.abs(g - expected[i])).toBeLessThanOrEqual(1e-9 * expected[i]));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('rates given as rows', () => {
  it('keeps the file lines for messages', () => {
    const rates: ExchangeRate[] = parseExchangeRates(RATES, 'GHS');
    expect(rates.map((r) => r.line)).toEqual([2, 3, 4, 5]);
  });
});

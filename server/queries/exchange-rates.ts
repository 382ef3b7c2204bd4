import type { ExchangeRate } from '../../analysis/index.js';
import type { Queryable } from '../db/index.js';

/** The survey's exchange-rate table, or undefined when none was uploaded. */
export async function exchangeRatesOf(db: Queryable, surveyId: string): Promise<{ rates: ExchangeRate[]; csv: string; uploadedAt: string } | undefined> {
  const r = await db.query<{ rates: ExchangeRate[] | string; csv: string; uploadedAt: string }>(
    'SELECT rates, csv, uploaded_at AS "uploadedAt" FROM exchange_rates WHERE survey_id = $1',
    [surveyId],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return { ...row, rates: typeof row.rates === 'string' ? (JSON.parse(row.rates) as ExchangeRate[]) : row.rates };
}

/** Replaces the survey's exchange-rate table. */
export async function putExchangeRates(tx: Queryable, surveyId: string, rates: ExchangeRate[], csv: string, userId: string): Promise<void> {
  await tx.query(
    `INSERT INTO exchange_rates (survey_id, rates, csv, uploaded_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (survey_id) DO UPDATE SET rates = EXCLUDED.rates, csv = EXCLUDED.csv, uploaded_by = EXCLUDED.uploaded_by, uploaded_at = now()`,
    [surveyId, JSON.stringify(rates), csv, userId],
  );
}

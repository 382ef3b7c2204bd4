-- The exchange-rate table of a survey (analysis/exchange-rates.ts): every amount is converted with it
-- before any sum or ratio. One current table per survey; the file as sent is kept beside the parsed rows.
CREATE TABLE exchange_rates (
  survey_id   uuid PRIMARY KEY REFERENCES surveys(id) ON DELETE CASCADE,
  rates       jsonb NOT NULL,
  csv         text NOT NULL,
  uploaded_by uuid REFERENCES users(id),
  uploaded_at timestamptz NOT NULL DEFAULT now()
);

-- Visits to a sampled case that gave no (complete) interview, with their AAPOR disposition
-- (common/dispositions.ts). Idempotent by the visit's id, which the enumerator's app makes offline.
CREATE TABLE assignment_visits (
  id            uuid PRIMARY KEY,
  assignment_id uuid NOT NULL REFERENCES assignments(id),
  survey_id     uuid NOT NULL REFERENCES surveys(id),
  enumerator_id uuid NOT NULL REFERENCES users(id),
  code          text NOT NULL,
  note          text NOT NULL DEFAULT '',
  visited_at    timestamptz NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assignment_visits_case ON assignment_visits (assignment_id, visited_at);

-- The two-phase screening sample of a survey (the DotM design): the design and seed, the EAs drawn at
-- the first stage with their listing cases (in the survey's listing survey), and for each EA whose
-- listing is closed the report of the second-stage draw. The household cases it creates are ordinary
-- assignments of the survey, with pi1, pi2 and the design weight in their case data.
CREATE TABLE screening_samples (
  survey_id         uuid PRIMARY KEY REFERENCES surveys(id),
  listing_survey_id uuid NOT NULL UNIQUE REFERENCES surveys(id),
  design            jsonb NOT NULL,
  seed              integer NOT NULL,
  strata            jsonb NOT NULL,
  created_by        uuid NOT NULL REFERENCES users(id),
  created_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE screening_units (
  survey_id             uuid NOT NULL REFERENCES screening_samples(survey_id),
  unit                  text NOT NULL,
  position              integer NOT NULL,
  first_stage           jsonb NOT NULL,
  listing_assignment_id uuid NOT NULL REFERENCES assignments(id),
  closed_at             timestamptz,
  closed_by             uuid REFERENCES users(id),
  report                jsonb,
  PRIMARY KEY (survey_id, unit)
);

-- The weights computed at HQ: the steps asked for and what each did (the Kish table), kept so that the
-- same inputs are seen to give the same weights when they are computed again after late interviews.
CREATE TABLE survey_weights (
  survey_id   uuid PRIMARY KEY REFERENCES surveys(id),
  steps       jsonb NOT NULL,
  report      jsonb NOT NULL,
  cases       integer NOT NULL,
  computed_by uuid NOT NULL REFERENCES users(id),
  computed_at timestamptz NOT NULL DEFAULT now()
);

-- Users, sessions, surveys with immutable questionnaire versions, assignments, submissions kept in
-- every version, and the audit log of every state change.
CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username      text NOT NULL UNIQUE,
  display_name  text NOT NULL DEFAULT '',
  role          text NOT NULL CHECK (role IN ('admin', 'statistician', 'supervisor', 'enumerator', 'analyst')),
  supervisor_id uuid REFERENCES users(id),
  password_hash text NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind       text NOT NULL CHECK (kind IN ('cookie', 'bearer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE surveys (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title      text NOT NULL,
  state      text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'fieldwork', 'closed')),
  settings   jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by uuid REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE questionnaire_versions (
  survey_id      uuid NOT NULL REFERENCES surveys(id),
  version        text NOT NULL,
  questionnaire_id text NOT NULL,
  definition     jsonb NOT NULL,
  published_by   uuid REFERENCES users(id),
  published_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (survey_id, version)
);

CREATE TABLE assignments (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  survey_id     uuid NOT NULL REFERENCES surveys(id),
  enumerator_id uuid NOT NULL REFERENCES users(id),
  case_data     jsonb NOT NULL DEFAULT '{}'::jsonb,
  quota         integer NOT NULL DEFAULT 1 CHECK (quota >= 1),
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assignments_enumerator ON assignments (survey_id, enumerator_id);

-- One row per submission version; never updated but for the review state of the current version.
CREATE TABLE submissions (
  instance_id   uuid PRIMARY KEY,
  interview_id  uuid NOT NULL,
  deprecated_id uuid REFERENCES submissions(instance_id),
  superseded    boolean NOT NULL DEFAULT false,
  survey_id     uuid NOT NULL REFERENCES surveys(id),
  questionnaire_version text NOT NULL,
  assignment_id uuid REFERENCES assignments(id),
  enumerator_id uuid NOT NULL REFERENCES users(id),
  state         text NOT NULL DEFAULT 'completed' CHECK (state IN ('completed', 'supervisor_approved', 'rejected', 'hq_approved')),
  answers       jsonb NOT NULL,
  paradata      jsonb NOT NULL DEFAULT '{}'::jsonb,
  meta          jsonb NOT NULL DEFAULT '{}'::jsonb,
  review        jsonb,
  content_hash  text NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX submissions_survey_state ON submissions (survey_id, state) WHERE NOT superseded;
CREATE INDEX submissions_interview ON submissions (interview_id);
CREATE UNIQUE INDEX submissions_one_successor ON submissions (deprecated_id) WHERE deprecated_id IS NOT NULL;

CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  user_id   uuid REFERENCES users(id),
  action    text NOT NULL,
  entity    text NOT NULL,
  entity_id text NOT NULL,
  details   jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);

-- Facts about this installation that must survive restarts.
CREATE TABLE app_meta (
  key        text PRIMARY KEY,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO app_meta (key, value) VALUES ('installation', jsonb_build_object('id', gen_random_uuid()::text, 'createdAt', now()));

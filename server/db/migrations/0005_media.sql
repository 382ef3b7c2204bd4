-- Files of media questions (XLSForm image, audio, video, file): the answer holds the file's name, the
-- file is kept here, once per interview (every version of a corrected interview refers to the same file).
CREATE TABLE submission_media (
  interview_id  uuid NOT NULL,
  name          text NOT NULL,
  instance_id   uuid NOT NULL REFERENCES submissions(instance_id),
  content_type  text NOT NULL,
  size          integer NOT NULL,
  sha256        text NOT NULL,
  data          bytea NOT NULL,
  uploaded_by   uuid NOT NULL REFERENCES users(id),
  received_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (interview_id, name)
);

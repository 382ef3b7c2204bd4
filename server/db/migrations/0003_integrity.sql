-- A corrected interview stays on its sample case: versions written before this fix lost the
-- assignment of the version they replaced. Every version of an interview takes the assignment that
-- any version of it carries (an interview is on one case at most).
UPDATE submissions s
SET assignment_id = k.assignment_id
FROM (SELECT interview_id, min(assignment_id::text)::uuid AS assignment_id FROM submissions WHERE assignment_id IS NOT NULL GROUP BY interview_id) k
WHERE s.interview_id = k.interview_id AND s.assignment_id IS NULL;

-- Sessions end after a time without use (idle limit) as well as at their absolute expiry.
ALTER TABLE sessions ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();

-- Keyset paging of exports and lists: (survey, received_at, instance_id) in order.
CREATE INDEX submissions_survey_received ON submissions (survey_id, received_at, instance_id) WHERE NOT superseded;
CREATE INDEX submissions_assignment ON submissions (assignment_id) WHERE assignment_id IS NOT NULL;

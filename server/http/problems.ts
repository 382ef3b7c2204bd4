/**
 * The catalogue of problem codes the API answers with: each code has one HTTP status, so a client can
 * rely on either. The rule for the 4xx statuses:
 * - 400: the request cannot be read as meant (malformed JSON, a bad path or query parameter, text that
 *   cannot be stored, nesting too deep);
 * - 401: no valid session; 403: signed in, but the policy does not allow it;
 * - 404: no such thing, or nothing the user may see (the two are not told apart);
 * - 409: the request is valid but the state of things does not allow it now (a survey not in fieldwork,
 *   a stale version, a filled quota, an illegal review step);
 * - 413 too large, 415 not JSON, 429 too many attempts;
 * - 422: the request is readable but its content is invalid (body schema, questionnaire checks, rules).
 */
export const PROBLEMS = {
  'bad-parameter': 400,
  'malformed-json': 400,
  'too-deep': 400,
  'unstorable-text': 400,
  'bad-request': 400,
  unauthenticated: 401,
  'bad-credentials': 401,
  forbidden: 403,
  'wrong-password': 403,
  'approved-only': 403,
  'not-in-survey': 403,
  'not-your-assignment': 403,
  'not-your-interview': 403,
  'not-your-team': 403,
  'not-found': 404,
  'already-approved': 409,
  'already-reviewed': 409,
  'illegal-transition': 409,
  'instance-id-reused': 409,
  'media-conflict': 409,
  'no-design': 409,
  'no-sample': 409,
  'no-listing': 409,
  'listing-closed': 409,
  'sample-exists': 409,
  'not-stored': 409,
  'other-questionnaire': 409,
  'own-account': 409,
  'quota-reached': 409,
  'stale-version': 409,
  'survey-not-in-fieldwork': 409,
  'username-taken': 409,
  'version-exists': 409,
  'body-too-large': 413,
  'unsupported-media-type': 415,
  'unsupported-encoding': 415,
  'invalid-body': 422,
  'unknown-media': 422,
  'media-too-large': 422,
  'media-type-refused': 422,
  'xlsform-unsupported': 422,
  'bad-exchange-rates': 422,
  'assignment-mismatch': 422,
  'assignment-required': 422,
  'bad-supervisor': 422,
  'comment-required': 422,
  'invalid-questionnaire': 422,
  'invalid-submission': 422,
  'not-a-grouping-variable': 422,
  'not-an-analysis-variable': 422,
  'not-an-enumerator': 422,
  'unknown-assignment': 422,
  'unknown-deprecated-id': 422,
  'unknown-questionnaire': 422,
  'unknown-questionnaire-version': 422,
  'weak-password': 422,
  /** Bad input found by the analysis code (an InputError: unknown variable, singular system ...). */
  'invalid-analysis-input': 422,
  'too-many-attempts': 429,
  internal: 500,
  /** A rescue item that could not be stored for an unexpected reason: send it again. */
  retry: 503,
  'pdf-unavailable': 503,
} as const;

/** A code of the catalogue. */
export type ProblemCode = keyof typeof PROBLEMS;

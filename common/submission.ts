/**
 * A submission as the server takes it (POST /surveys/{id}/submissions), and as the enumerator app's
 * outbox keeps it until sent: one type so the two cannot drift apart.
 */
export interface Submission {
  instanceId: string;
  /** The version this one replaces (a corrected, previously returned interview). */
  deprecatedId?: string;
  assignmentId?: string;
  questionnaire: { id: string; version: string };
  answers: Record<string, unknown>;
  paradata?: Record<string, unknown>;
  meta?: Record<string, unknown>;
}

/**
 * The JSON Schema of the submission envelope: what the server takes and the outbox keeps. The answers
 * are any object here; each questionnaire version's response schema (questionnaires/response-schema.ts)
 * narrows `answers` and `questionnaire` from this same envelope.
 */
export const SUBMISSION_ENVELOPE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['instanceId', 'questionnaire', 'answers'],
  properties: {
    instanceId: { type: 'string', format: 'uuid' },
    deprecatedId: { type: 'string', format: 'uuid' },
    assignmentId: { type: 'string', format: 'uuid' },
    questionnaire: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'version'],
      properties: { id: { type: 'string', maxLength: 200 }, version: { type: 'string', maxLength: 100 } },
    },
    answers: { type: 'object' },
    paradata: { type: 'object' },
    meta: { type: 'object' },
  },
} as const;

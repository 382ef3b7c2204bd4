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

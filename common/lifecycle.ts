/**
 * The life of a submitted interview, stated once for the server, the review screens and the
 * enumerator's app: its review states, the review steps between them, and who takes each step.
 *
 *   completed --approve (supervisor)--> supervisor_approved --approve (HQ)--> hq_approved (final)
 *       \--reject (supervisor)--> rejected <--reject (HQ)--/
 *   rejected: the enumerator sends a corrected version, which starts again as completed.
 */
export const SUBMISSION_STATES = ['completed', 'supervisor_approved', 'rejected', 'hq_approved'] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];

/** Review actions. */
export type ReviewAction = 'approve' | 'reject';

/** Which review a step is: the supervisor's first review, or headquarters' (HQ). */
export type ReviewLevel = 'first' | 'hq';

/** From state -> action -> [review level, next state]; a missing entry is an illegal step. */
export const REVIEW_STEPS: Partial<Record<SubmissionState, Record<ReviewAction, [ReviewLevel, SubmissionState]>>> = {
  completed: { approve: ['first', 'supervisor_approved'], reject: ['first', 'rejected'] },
  supervisor_approved: { approve: ['hq', 'hq_approved'], reject: ['hq', 'rejected'] },
};

/** The state a new interview, or a new version of one, starts in. */
export const INITIAL_STATE: SubmissionState = 'completed';

/** States whose interviews count as approved: the default of exports, and all an analyst may read. */
export const APPROVED_STATES: readonly SubmissionState[] = ['supervisor_approved', 'hq_approved'];

/** Final: an HQ-approved interview is never replaced. */
export const FINAL_STATES: readonly SubmissionState[] = ['hq_approved'];

/** The queue a review level works on. */
export const QUEUE_OF_LEVEL: Record<ReviewLevel, SubmissionState> = { first: 'completed', hq: 'supervisor_approved' };

/** True when the text names a submission state. */
export const isSubmissionState = (s: string): s is SubmissionState => (SUBMISSION_STATES as readonly string[]).includes(s);

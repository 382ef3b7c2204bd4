import type { Role } from './users.js';
import type { ReviewLevel, SubmissionState } from '../../common/lifecycle.js';

/**
 * The access policy: who may do what to whose object. One table that the routes read, so the rules
 * are stated once; the tests check it against an expected matrix written by hand, not against this table.
 *
 * Scopes of an object relative to the signed-in user:
 * - `any`: every object of the survey;
 * - `team`: objects of the enumerators the user supervises;
 * - `own`: the user's own objects (interviews they made, cases assigned to them);
 * - `orphan`: objects of enumerators that have no supervisor (HQ stands in for the missing supervisor);
 * - absent: never.
 */
export type Scope = 'any' | 'team' | 'own' | 'orphan';

/** Actions on interviews and their data. */
export type Action =
  | 'submission.create'
  | 'submission.correct'
  | 'submission.read'
  | 'submission.review.first'
  | 'submission.review.hq'
  | 'export.read'
  | 'export.identifiers'
  | 'export.unapproved';

export const POLICY: Record<Action, Partial<Record<Role, readonly Scope[]>>> = {
  // New interviews: on the user's own case (a supervisor on a case of the team); admin anywhere.
  'submission.create': { admin: ['any'], supervisor: ['team', 'own'], enumerator: ['own'] },
  // A new version of an interview: the enumerator who made it, the supervisor of that enumerator.
  'submission.correct': { admin: ['any'], supervisor: ['team', 'own'], enumerator: ['own'] },
  'submission.read': { admin: ['any'], statistician: ['any'], supervisor: ['team', 'own'], enumerator: ['own'] },
  // First review: the enumerator's supervisor; HQ reviews interviews of enumerators without one.
  'submission.review.first': { admin: ['any'], supervisor: ['team'], statistician: ['orphan'] },
  'submission.review.hq': { admin: ['any'], statistician: ['any'] },
  // Survey data for analysis: approved interviews only for analysts, never identifiers.
  'export.read': { admin: ['any'], statistician: ['any'], analyst: ['any'] },
  'export.identifiers': { admin: ['any'], statistician: ['any'] },
  'export.unapproved': { admin: ['any'], statistician: ['any'] },
};

/** Review states of the current version of an interview in which each role may still replace it. */
export const REPLACEABLE_IN: Partial<Record<Role, readonly SubmissionState[]>> = {
  // Once the supervisor approved it, the enumerator's version is final unless it is sent back.
  enumerator: ['completed', 'rejected'],
  supervisor: ['completed', 'rejected', 'supervisor_approved'],
  // HQ-approved interviews are final for everyone.
  admin: ['completed', 'rejected', 'supervisor_approved'],
};

export { APPROVED_STATES } from '../../common/lifecycle.js';

/** The policy action that takes a review step of a level. */
export const REVIEW_ACTION: Record<ReviewLevel, Action> = { first: 'submission.review.first', hq: 'submission.review.hq' };

/** How an object relates to the user: the owner (enumerator) and the owner's supervisor. */
export interface Ownership {
  enumeratorId: string | null;
  supervisorId: string | null;
}

/** The scopes by which `user` reaches an object with that ownership. */
export function scopesOf(user: { id: string; role: Role }, o: Ownership): Scope[] {
  const s: Scope[] = ['any'];
  if (o.enumeratorId !== null && o.enumeratorId === user.id) s.push('own');
  if (o.supervisorId !== null && o.supervisorId === user.id) s.push('team');
  if (o.enumeratorId !== null && o.supervisorId === null) s.push('orphan');
  return s;
}

/** True when the policy lets `user` do `action` on an object with that ownership (or, without one, on some object). */
export function allows(user: { id: string; role: Role }, action: Action, o?: Ownership): boolean {
  const granted = POLICY[action][user.role];
  if (!granted) return false;
  if (!o) return granted.length > 0;
  const have = scopesOf(user, o);
  return granted.some((g) => have.includes(g));
}

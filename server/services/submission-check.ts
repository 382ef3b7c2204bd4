import { jsonSafetyProblem, type JsonSafetyProblem } from '../../common/json-safety.js';
import type { Submission } from '../../common/submission.js';
import { validateResponseText, type AnswerProblem, type CompiledQuestionnaire } from '../../questionnaires/index.js';
import { contentHash } from './content-hash.js';

/** What storing a submission needs to know of its content, worked out without the database. */
export interface SubmissionCheck {
  /** contentHash of the submission. */
  hash: string;
  /** The problems of its answers (validateResponseText); none means valid. */
  problems: AnswerProblem[];
  /** The answers to save, as JSON text (when valid). */
  answersText?: string;
  /** Text PostgreSQL cannot store in its answers, paradata or meta (looked for only when the answers are valid). */
  unsafe: JsonSafetyProblem | null;
}

/**
 * The content checks of a submission: its hash, the response schema and the engine, the text check.
 * Run on the request loop or in the validation thread (server/workers/validation.ts), with the same result.
 */
export function checkSubmission(q: CompiledQuestionnaire, b: Submission): SubmissionCheck {
  const hash = contentHash(b);
  const { problems, answersText } = validateResponseText(q, {
    instanceId: b.instanceId,
    questionnaire: b.questionnaire,
    answers: b.answers,
    paradata: b.paradata,
    meta: b.meta,
  });
  const unsafe = problems.length ? null : jsonSafetyProblem({ answers: b.answers, paradata: b.paradata ?? {}, meta: b.meta ?? {} });
  return { hash, problems, answersText, unsafe };
}

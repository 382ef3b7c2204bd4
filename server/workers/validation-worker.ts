/**
 * Worker thread: checks submissions (checkSubmission: hash, response schema and engine, text) off
 * the server's request loop. Protocol (server/workers/validation.ts): `{ id, key, source?, doc }`, the
 * questionnaire's definition sent with the first document of each compiled version; the answer is
 * `{ id, ...checkSubmission's result }`, `{ id, error }`, or `{ id, missing }` for a version it no longer keeps.
 */
import { parentPort } from 'node:worker_threads';
import { compileQuestionnaire, type CompiledQuestionnaire, type Questionnaire } from '../../questionnaires/index.js';
import { checkSubmission } from '../services/submission-check.js';
import { WORKER_VERSIONS, type ValidationRequest, type ValidationResult } from './validation.js';

const compiled = new Map<number, CompiledQuestionnaire>();

parentPort!.on('message', (m: ValidationRequest) => {
  let answer: ValidationResult;
  try {
    // The server checked the definition when it was stored and compiled it itself: trusted here.
    if (m.source) {
      compiled.set(m.key, compileQuestionnaire(m.source as Questionnaire, { trusted: true }));
      // The oldest version goes first (a Map keeps insertion order); the server sends it again if needed.
      if (compiled.size > WORKER_VERSIONS) compiled.delete(compiled.keys().next().value!);
    }
    const q = compiled.get(m.key);
    if (q) {
      answer = { id: m.id, ...checkSubmission(q, m.doc) };
    } else answer = { id: m.id, missing: true };
  } catch (err) {
    answer = { id: m.id, error: (err as Error).message ?? String(err) };
  }
  parentPort!.postMessage(answer);
});

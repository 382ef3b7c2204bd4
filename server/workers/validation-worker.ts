/**
 * Worker thread: validates submissions (validateResponse: the response schema, then the engine) off
 * the server's request loop. Protocol (server/workers/validation.ts): `{ id, key, source?, doc }`, the
 * questionnaire's definition sent with the first document of each compiled version; the answer is
 * `{ id, problems, answersText }`, `{ id, error }`, or `{ id, missing }` for a version it no longer keeps.
 */
import { parentPort } from 'node:worker_threads';
import { compileQuestionnaire, validateResponseText, type CompiledQuestionnaire, type Questionnaire } from '../../questionnaires/index.js';
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
      const { problems, answersText } = validateResponseText(q, m.doc);
      answer = { id: m.id, problems, answersText };
    } else answer = { id: m.id, missing: true };
  } catch (err) {
    answer = { id: m.id, error: (err as Error).message ?? String(err) };
  }
  parentPort!.postMessage(answer);
});

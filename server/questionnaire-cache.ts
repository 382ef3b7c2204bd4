import { compileQuestionnaire, type CompiledQuestionnaire, type Questionnaire } from '../questionnaires/index.js';
import { questionnaireDefinition } from './queries/surveys.js';
import type { Queryable } from './db/index.js';

const cache = new Map<string, CompiledQuestionnaire>();

/** The compiled questionnaire of a published version (versions are immutable, so the cache never goes stale). */
export async function compiledVersion(db: Queryable, surveyId: string, version: string): Promise<CompiledQuestionnaire | null> {
  const key = `${surveyId}@${version}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const def = await questionnaireDefinition(db, surveyId, version);
  if (def === undefined) return null;
  const compiled = compileQuestionnaire(def as Questionnaire);
  if (cache.size > 200) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

import { compileQuestionnaire, type CompiledQuestionnaire } from '../questionnaires/index.js';
import type { Queryable } from './db/index.js';

const cache = new Map<string, CompiledQuestionnaire>();

/** The compiled questionnaire of a published version (versions are immutable, so the cache never goes stale). */
export async function compiledVersion(db: Queryable, surveyId: string, version: string): Promise<CompiledQuestionnaire | null> {
  const key = `${surveyId}@${version}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const r = await db.query<{ definition: unknown }>('SELECT definition FROM questionnaire_versions WHERE survey_id = $1 AND version = $2', [surveyId, version]);
  if (!r.rows[0]) return null;
  const def = typeof r.rows[0].definition === 'string' ? JSON.parse(r.rows[0].definition) : r.rows[0].definition;
  const compiled = compileQuestionnaire(def);
  if (cache.size > 200) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

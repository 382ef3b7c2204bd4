/**
 * Checks of JSON documents from outside before anything recursive or the database sees them: nesting
 * depth (recursive code would overflow its stack) and text PostgreSQL cannot store (NUL, lone UTF-16
 * surrogates). Iterative, linear in the size of the document.
 */

/** Deepest nesting of arrays and objects accepted in a request body. */
export const MAX_JSON_DEPTH = 64;

/** What is wrong with a document, and where (a JSON path such as `answers.members[3].name`). */
export interface JsonSafetyProblem {
  path: string;
  message: string;
}

// A high surrogate not followed by a low one, or a low one not preceded by a high one; or NUL.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// Cheap first test: only text with NUL or a surrogate at all can fail UNSTORABLE.
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const unstorable = (t: string) => SUSPECT.test(t) && UNSTORABLE.test(t);

/** Whether a value passes, without building paths (the common case, checked first). */
function passes(v: unknown, depth: number, maxDepth: number, text: boolean): boolean {
  if (typeof v === 'string') return !(text && unstorable(v));
  if (v === null || typeof v !== 'object') return true;
  if (depth >= maxDepth) return false;
  if (Array.isArray(v)) {
    for (let k = 0; k < v.length; k++) if (!passes(v[k], depth + 1, maxDepth, text)) return false;
    return true;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (text && unstorable(k)) return false;
    if (!passes(o[k], depth + 1, maxDepth, text)) return false;
  }
  return true;
}

const childPath = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * The first problem of a parsed JSON value, or null: too deep, or (with `text`) a key or string with
 * an unstorable character.
 */
export function jsonSafetyProblem(value: unknown, opts: { maxDepth?: number; text?: boolean; root?: string } = {}): JsonSafetyProblem | null {
  const { maxDepth = MAX_JSON_DEPTH, text = true, root = '' } = opts;
  // Recursion here is bounded by maxDepth; the walk below finds where the problem is.
  if (passes(value, 0, maxDepth, text)) return null;
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: root, depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (text && UNSTORABLE.test(v))
        return { path: path || '(document)', message: 'contains a NUL character or an unpaired UTF-16 surrogate, which cannot be stored' };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return { path: path || '(document)', message: `is nested more than ${maxDepth} levels deep` };
    if (Array.isArray(v)) {
      for (let k = 0; k < v.length; k++) stack.push({ v: v[k], path: childPath(path, k), depth: depth + 1 });
    } else {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (text && UNSTORABLE.test(k))
          return { path: childPath(path, k.replace(UNSTORABLE, '?')), message: 'a field name contains a NUL character or an unpaired UTF-16 surrogate' };
        stack.push({ v: x, path: childPath(path, k), depth: depth + 1 });
      }
    }
  }
  return null;
}

import { tokenize } from './expressions/lexer.js';
import { ExpressionError } from './expressions/index.js';

/** Prefix of references to the choice being filtered. */
export const CHOICE_PREFIX = '__choice.';

/**
 * XLSForm choice filters name the choices' own columns bare (`${state} = cf`, `name != 'other'`).
 * Rewrites each bare name (not a function call, not an operator word) to ${__choice.NAME} so the
 * expression language can compile it; questions are still written ${name}.
 */
export function rewriteChoiceFilter(source: string): string {
  let tokens;
  try {
    tokens = tokenize(source);
  } catch (err) {
    if (err instanceof ExpressionError) return source; // the compiler reports it
    throw err;
  }
  let out = source;
  for (let k = tokens.length - 1; k >= 0; k--) {
    const t = tokens[k];
    if (t.type !== 'name') continue;
    const next = tokens[k + 1];
    if (next && next.type === 'op' && next.value === '(') continue;
    if (['and', 'or', 'div', 'mod'].includes(t.value)) continue;
    out = `${out.slice(0, t.pos)}\${${CHOICE_PREFIX}${t.value}}${out.slice(t.pos + t.value.length)}`;
  }
  return out;
}

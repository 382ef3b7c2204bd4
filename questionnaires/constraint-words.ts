import { parseExpression, type Expr } from './expressions/index.js';
import { interfaceText } from './interface-text.js';

/**
 * A constraint said in words for the enumerator, when its author wrote no message: `. >= 0 and . <= 120`
 * is "must be from 0 to 120", `regex(., '^[0-9]*$')` "is not in the expected form". What is not one of
 * these simple shapes is "is not accepted by this question's check" (never the expression itself).
 */
export function constraintInWords(source: string, language = 'en'): string {
  const t = interfaceText(language);
  let ast: Expr;
  try {
    ast = parseExpression(source);
  } catch {
    return t('generic');
  }
  const bounds = boundsOf(ast);
  if (bounds) {
    const { lo, hi, loStrict, hiStrict } = bounds;
    if (lo !== undefined && hi !== undefined && !loStrict && !hiStrict) return t('between', { lo, hi });
    const parts: string[] = [];
    if (lo !== undefined) parts.push(t(loStrict ? 'moreThan' : 'atLeast', { v: lo }));
    if (hi !== undefined) parts.push(t(hiStrict ? 'lessThan' : 'atMost', { v: hi }));
    return t('mustBe', { parts: parts.join(t('and')) });
  }
  if (ast.kind === 'binary' && ast.op === '!=' && ast.left.kind === 'current' && (ast.right.kind === 'number' || ast.right.kind === 'string'))
    return t('mustNotBe', { v: String(ast.right.value) });
  if (ast.kind === 'call' && ast.name === 'regex') return t('form');
  if (ast.kind === 'binary' && ['<', '<=', '>', '>='].includes(ast.op) && ast.left.kind === 'current' && ast.right.kind === 'ref') {
    const cmp = t(({ '<': 'lessThan', '<=': 'atMost', '>': 'moreThan', '>=': 'atLeast' } as const)[ast.op as '<'], { v: '' }).trim();
    return t('thanAnswer', { cmp, q: ast.right.name });
  }
  return t('generic');
}

type Bounds = { lo?: string; hi?: string; loStrict?: boolean; hiStrict?: boolean };

/** `. OP number` comparisons joined by `and`: the interval they allow. */
function boundsOf(e: Expr): Bounds | null {
  if (e.kind === 'binary' && e.op === 'and') {
    const a = boundsOf(e.left);
    const b = boundsOf(e.right);
    if (!a || !b) return null;
    return { ...a, ...Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)) };
  }
  if (e.kind !== 'binary' || !['<', '<=', '>', '>='].includes(e.op)) return null;
  let op = e.op;
  let n: Expr = e.right;
  if (e.left.kind !== 'current') {
    if (e.right.kind !== 'current') return null;
    n = e.left;
    op = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as const)[e.op as '<'];
  }
  if (n.kind !== 'number') return null;
  const v = String(n.value);
  if (op === '>=' || op === '>') return { lo: v, loStrict: op === '>' };
  return { hi: v, hiStrict: op === '<' };
}

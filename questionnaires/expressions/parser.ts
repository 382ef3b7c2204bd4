import type { BinaryOp, Expr } from './ast.js';
import { ExpressionError } from './errors.js';
import { tokenize, type Token } from './lexer.js';

/** Binding power of each binary operator (XPath 1.0 precedence, lowest first). */
const PRECEDENCE: Record<BinaryOp, number> = {
  or: 1,
  and: 2,
  '=': 3,
  '!=': 3,
  '<': 4,
  '<=': 4,
  '>': 4,
  '>=': 4,
  '+': 5,
  '-': 5,
  '*': 6,
  div: 6,
  mod: 6,
};
const UNARY_MINUS = 7;
const MAX_DEPTH = 200;

/** Parses an expression to its syntax tree; throws ExpressionError naming the position on bad syntax. */
export function parseExpression(src: string): Expr {
  if (src.trim() === '') throw new ExpressionError('expression-syntax', 'empty expression', src, 0);
  const tokens = tokenize(src);
  let i = 0;
  let depth = 0;
  const peek = (): Token => tokens[i];
  const fail = (detail: string, t: Token = peek()): never => {
    throw new ExpressionError('expression-syntax', detail, src, Math.min(t.pos, Math.max(src.length - 1, 0)));
  };
  const describe = (t: Token): string => (t.type === 'eof' ? 'end of expression' : t.type === 'op' || t.type === 'name' ? `'${t.value}'` : t.type);
  const expectOp = (value: string): void => {
    const t = peek();
    if (t.type !== 'op' || t.value !== value) fail(`expected '${value}' but found ${describe(t)}`);
    i++;
  };

  const binaryOpAt = (t: Token): BinaryOp | undefined => {
    if (t.type === 'op' && t.value in PRECEDENCE && t.value !== '.') return t.value as BinaryOp;
    if (t.type === 'name' && (t.value === 'and' || t.value === 'or' || t.value === 'div' || t.value === 'mod')) return t.value;
    return undefined;
  };

  const parseBinary = (minPower: number): Expr => {
    if (++depth > MAX_DEPTH) fail('expression nested too deeply');
    let left = parseUnary();
    for (;;) {
      const t = peek();
      const op = binaryOpAt(t);
      if (!op || PRECEDENCE[op] < minPower) break;
      i++;
      const right = parseBinary(PRECEDENCE[op] + 1); // left-associative
      left = { kind: 'binary', op, left, right, pos: t.pos };
    }
    depth--;
    return left;
  };

  const parseUnary = (): Expr => {
    const t = peek();
    if (t.type === 'op' && t.value === '-') {
      i++;
      if (++depth > MAX_DEPTH) fail('expression nested too deeply');
      const operand = parseBinary(UNARY_MINUS);
      depth--;
      return { kind: 'unary', op: '-', operand, pos: t.pos };
    }
    return parsePrimary();
  };

  const parsePrimary = (): Expr => {
    const t = peek();
    switch (t.type) {
      case 'number':
        i++;
        return { kind: 'number', value: t.value, pos: t.pos };
      case 'string':
        i++;
        return { kind: 'string', value: t.value, pos: t.pos };
      case 'ref':
        i++;
        return { kind: 'ref', name: t.value, pos: t.pos };
      case 'op':
        if (t.value === '(') {
          i++;
          const inner = parseBinary(0);
          expectOp(')');
          return inner;
        }
        if (t.value === '.') {
          i++;
          return { kind: 'current', pos: t.pos };
        }
        if (t.value === '..') {
          i++;
          return { kind: 'parent', pos: t.pos };
        }
        return fail(`expected a value but found ${describe(t)}`);
      case 'name': {
        const next = tokens[i + 1];
        if (next.type === 'op' && next.value === '(') {
          i += 2;
          const args: Expr[] = [];
          if (!(peek().type === 'op' && (peek() as { value: string }).value === ')')) {
            for (;;) {
              args.push(parseBinary(0));
              const sep = peek();
              if (sep.type === 'op' && sep.value === ',') {
                i++;
                continue;
              }
              break;
            }
          }
          expectOp(')');
          return { kind: 'call', name: t.value, args, pos: t.pos };
        }
        return fail(`'${t.value}' is not supported here: refer to questions as \${name}, call functions as name(...)`);
      }
      case 'eof':
        return fail('expected a value but the expression ended');
    }
  };

  const tree = parseBinary(0);
  if (peek().type !== 'eof') fail(`unexpected ${describe(peek())}`);
  return tree;
}

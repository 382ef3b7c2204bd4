import { calledFunctions, referencedNames, type Expr } from './ast.js';
import type { EvalContext } from './context.js';
import { ExpressionError } from './errors.js';
import { FUNCTIONS, SPECIAL_FUNCTIONS, knownFunctionNames, userRegex } from './functions.js';
import { parseExpression } from './parser.js';
import { compare, compareNumbers, isEmpty, toBoolean, toNumber, toText, type Value } from './values.js';

type Evaluator = (ctx: EvalContext) => Value;

/** Options of compileExpression. */
export interface CompileOptions {
  /**
   * Binds a ${name} at compile time to a getter (e.g. a column of a data table read at the current
   * row), skipping the context lookup on every evaluation; names it returns undefined for use ctx.ref.
   */
  bindRef?: (name: string) => (() => Value) | undefined;
  /** A number for a ${name} (a questionnaire's field index): evaluated with ctx.refAt(number, name) when the context has refAt. */
  refIndex?: (name: string) => number | undefined;
}

/** A parsed and checked expression, ready to evaluate many times. */
export interface CompiledExpression {
  readonly source: string;
  readonly ast: Expr;
  /** The ${names} it reads: the edges of the dependency graph. */
  readonly refs: readonly string[];
  /** Uses the clock or randomness (today, now, uuid): re-evaluated whenever asked. */
  readonly volatile: boolean;
  evaluate(ctx: EvalContext): Value;
  evaluateBoolean(ctx: EvalContext): boolean;
  evaluateNumber(ctx: EvalContext): number;
}

/**
 * Parses and compiles an expression to closures (never eval). Unknown functions, wrong argument
 * counts and invalid literal regular expressions are compile errors naming the position; `where`
 * (a question name, a flag) prefixes every message.
 */
export function compileExpression(source: string, where?: string, options: CompileOptions = {}): CompiledExpression {
  try {
    const ast = parseExpression(source);
    const fn = compileNode(ast, source, options);
    return {
      source,
      ast,
      refs: referencedNames(ast),
      volatile: calledFunctions(ast).some((f) => FUNCTIONS[f]?.volatile),
      evaluate: fn,
      evaluateBoolean: (ctx) => toBoolean(fn(ctx)),
      evaluateNumber: (ctx) => toNumber(fn(ctx)),
    };
  } catch (err) {
    if (err instanceof ExpressionError && where) throw err.at(where);
    throw err;
  }
}

function compileNode(e: Expr, src: string, env: CompileOptions): Evaluator {
  switch (e.kind) {
    case 'number': {
      const v = e.value;
      return () => v;
    }
    case 'string': {
      const v = e.value;
      return () => v;
    }
    case 'ref': {
      const name = e.name;
      const bound = env.bindRef?.(name);
      if (bound) return bound;
      const index = env.refIndex?.(name);
      if (index !== undefined) return (ctx) => (ctx.refAt ? ctx.refAt(index, name) : ctx.ref(name));
      return (ctx) => ctx.ref(name);
    }
    case 'current':
      return (ctx) => (ctx.current ? ctx.current() : null);
    case 'parent':
      throw new ExpressionError('expression-unsupported', "'..' is only supported inside position(..)", src, e.pos);
    case 'unary': {
      const f = compileNode(e.operand, src, env);
      return (ctx) => -toNumber(f(ctx));
    }
    case 'binary':
      return compileBinary(e, src, env);
    case 'call':
      return compileCall(e, src, env);
  }
}

function compileBinary(e: Extract<Expr, { kind: 'binary' }>, src: string, env: CompileOptions): Evaluator {
  const l = compileNode(e.left, src, env);
  const r = compileNode(e.right, src, env);
  switch (e.op) {
    case 'or':
      return (ctx) => toBoolean(l(ctx)) || toBoolean(r(ctx));
    case 'and':
      return (ctx) => toBoolean(l(ctx)) && toBoolean(r(ctx));
    case '+':
      return (ctx) => toNumber(l(ctx)) + toNumber(r(ctx));
    case '-':
      return (ctx) => toNumber(l(ctx)) - toNumber(r(ctx));
    case '*':
      return (ctx) => toNumber(l(ctx)) * toNumber(r(ctx));
    case 'div':
      return (ctx) => toNumber(l(ctx)) / toNumber(r(ctx));
    case 'mod':
      return (ctx) => toNumber(l(ctx)) % toNumber(r(ctx));
    default: {
      const op = e.op;
      // Against a literal (`${x} = '1'`, `${age} >= 15`, most comparisons of a questionnaire), the common
      // operand types are settled here; anything else takes compare(), which gives the same for these.
      const lit = e.right.kind === 'string' || e.right.kind === 'number' ? e.right.value : undefined;
      if (typeof lit === 'string' && (op === '=' || op === '!=')) {
        const eq = op === '=';
        return (ctx) => {
          const a = l(ctx);
          return typeof a === 'string' ? (a === lit) === eq : a === null ? (lit === '') === eq : compare(op, a, lit);
        };
      }
      if (typeof lit === 'number') {
        return (ctx) => {
          const a = l(ctx);
          return typeof a === 'number' ? compareNumbers(op, a, lit) : compare(op, a, lit);
        };
      }
      return (ctx) => compare(op, l(ctx), r(ctx));
    }
  }
}

function compileCall(e: Extract<Expr, { kind: 'call' }>, src: string, env: CompileOptions): Evaluator {
  const special = SPECIAL_FUNCTIONS[e.name];
  const def = FUNCTIONS[e.name];
  if (!special && !def) {
    throw new ExpressionError('expression-unknown-function', `unknown function ${e.name}() (known: ${knownFunctionNames().join(', ')})`, src, e.pos);
  }
  const { min, max } = special ?? def;
  if (e.args.length < min || e.args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw new ExpressionError('expression-arity', `${e.name}() takes ${want} argument${want === '1' ? '' : 's'}, got ${e.args.length}`, src, e.pos);
  }
  if (special) return compileSpecial(e, src, env);
  if (e.name === 'regex' && e.args[1].kind === 'string') {
    try {
      userRegex(e.args[1].value);
    } catch (err) {
      throw new ExpressionError('expression-regex', (err as Error).message, src, e.args[1].pos);
    }
  }
  const args = e.args.map((a) => compileNode(a, src, env));
  const impl = def.impl;
  return (ctx) =>
    impl(
      args.map((a) => a(ctx)),
      ctx,
    );
}

function compileSpecial(e: Extract<Expr, { kind: 'call' }>, src: string, env: CompileOptions): Evaluator {
  switch (e.name) {
    case 'if': {
      const [c, a, b] = e.args.map((x) => compileNode(x, src, env));
      return (ctx) => (toBoolean(c(ctx)) ? a(ctx) : b(ctx));
    }
    case 'coalesce': {
      const [a, b] = e.args.map((x) => compileNode(x, src, env));
      return (ctx) => {
        const v = a(ctx);
        return isEmpty(v) ? b(ctx) : v;
      };
    }
    case 'once': {
      const a = compileNode(e.args[0], src, env);
      return (ctx) => {
        const cur = ctx.current ? ctx.current() : null;
        return isEmpty(cur) ? a(ctx) : cur;
      };
    }
    case 'position': {
      const arg = e.args[0];
      if (arg && arg.kind !== 'parent' && arg.kind !== 'current') {
        throw new ExpressionError('expression-unsupported', 'position() takes .. (the current roster row)', src, arg.pos);
      }
      return (ctx) => (ctx.position ? ctx.position() : NaN);
    }
    case 'jr:choice-name': {
      const value = compileNode(e.args[0], src, env);
      const q = e.args[1];
      const m = q.kind === 'string' ? /^\s*\$\{([A-Za-z_][\w.-]*)\}\s*$/.exec(q.value) : null;
      if (!m) throw new ExpressionError('expression-unsupported', "jr:choice-name() needs the question as a quoted '${name}'", src, q.pos);
      const question = m[1];
      return (ctx) => {
        const v = toText(value(ctx));
        return ctx.choiceLabel?.(question, v) ?? '';
      };
    }
    case 'indexed-repeat': {
      const [target, roster, index] = e.args;
      if (target.kind !== 'ref' || roster.kind !== 'ref') {
        throw new ExpressionError('expression-unsupported', 'indexed-repeat() takes ${question}, ${roster}, index', src, e.pos);
      }
      const idx = compileNode(index, src, env);
      return (ctx) => (ctx.indexedRepeat ? ctx.indexedRepeat(target.name, roster.name, toNumber(idx(ctx))) : null);
    }
  }
  throw new ExpressionError('expression-unknown-function', `unknown function ${e.name}()`, src, e.pos);
}

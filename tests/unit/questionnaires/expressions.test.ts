import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  compileExpression,
  ExpressionError,
  EvaluationError,
  parseExpression,
  printExpr,
  referencedNames,
  type EvalContext,
  type Scalar,
  type Value,
} from '../../../questionnaires/expressions/index.js';

const FIXED_NOW = new Date('2026-03-15T10:30:00Z');
const ctxOf = (vars: Record<string, Value>, extra: Partial<EvalContext> = {}): EvalContext => ({
  ref: (n) => (n in vars ? vars[n] : null),
  now: () => FIXED_NOW,
  ...extra,
});
const ev = (src: string, vars: Record<string, Value> = {}, extra: Partial<EvalContext> = {}) => compileExpression(src).evaluate(ctxOf(vars, extra));

describe('parser', () => {
  it('follows XPath precedence: or < and < equality < relational < additive < multiplicative < unary', () => {
    expect(printExpr(parseExpression('1 + 2 * 3'))).toBe('(1 + (2 * 3))');
    expect(printExpr(parseExpression('1 - 2 - 3'))).toBe('((1 - 2) - 3)');
    expect(printExpr(parseExpression('${a} > 1 and ${b} = 2 or ${c}'))).toBe('(((${a} > 1) and (${b} = 2)) or ${c})');
    expect(printExpr(parseExpression('-${x} * 2'))).toBe('((-${x}) * 2)');
    expect(printExpr(parseExpression('8 div 2 mod 3'))).toBe('((8 div 2) mod 3)');
  });
  it('reads names with dashes and prefixes as function names', () => {
    const e = parseExpression("jr:choice-name(${q}, '${q}') + count-selected(${m})");
    expect(e.kind).toBe('binary');
    expect(referencedNames(e)).toEqual(['q', 'm']);
  });
  it.each([
    ['${a} >', 'expected a value but the expression ended'],
    ['(1 + 2', "expected ')'"],
    ['1 2', 'unexpected number'],
    ["'abc", 'unterminated string'],
    ['${a', "unclosed '${'"],
    ['${1a}', 'not a valid question name'],
    ['a + 1', "'a' is not supported here"],
    ['/data/age > 3', "unexpected character '/'"],
    ['', 'empty expression'],
  ])('rejects %j with a message naming the problem and position', (src, message) => {
    try {
      parseExpression(src);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ExpressionError);
      expect((err as Error).message).toContain(message);
      expect((err as Error).message).toMatch(/at position \d+ of "/);
    }
  });
  it('names the question when compiled for one', () => {
    expect(() => compileExpression('${age} >', 'q_age')).toThrow(/^q_age: expected a value .* at position 8 of "\$\{age\} >"$/);
  });
  it('rejects unknown functions, wrong arity and invalid literal regexes at compile time', () => {
    expect(() => compileExpression('frobnicate(1)')).toThrow(/unknown function frobnicate\(\)/);
    expect(() => compileExpression('if(1, 2)')).toThrow(/if\(\) takes 3 arguments, got 2/);
    expect(() => compileExpression("regex(${a}, '[a-')")).toThrow(/invalid regular expression/);
  });
  it('never throws anything but ExpressionError on arbitrary input (fuzz)', () => {
    const alphabet = fc.constantFrom(...'${}()\'". ,=!<>+-*/abcdivmodandor0123456789_:[]'.split(''));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(alphabet, { maxLength: 40 }).map((a) => a.join('')),
        ),
        (src) => {
          try {
            compileExpression(src);
          } catch (err) {
            if (!(err instanceof ExpressionError)) throw err;
          }
        },
      ),
      { numRuns: 3000 },
    );
  });
  it('parses what it prints (round trip on generated trees)', () => {
    const leaf = fc.oneof(fc.integer({ min: 0, max: 1000 }).map(String), fc.constantFrom('${a}', '${b_1}', "'x'", '.'));
    const tree: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', 'div', 'mod', '=', '!=', '<', '>=', 'and', 'or'), tie('e')).map(([l, o, r]) => `${l} ${o} ${r}`),
        tie('e').map((x) => `(${x})`),
        tie('e').map((x) => `not(${x})`),
      ),
    })).e;
    fc.assert(
      fc.property(tree, (src) => {
        const once = printExpr(parseExpression(src));
        expect(printExpr(parseExpression(once))).toBe(once);
      }),
    );
  });
});

describe('evaluation: operators and coercion (XPath 1.0)', () => {
  it('does arithmetic with div and mod', () => {
    expect(ev('7 div 2')).toBe(3.5);
    expect(ev('7 mod 3')).toBe(1);
    expect(ev('-7 mod 3')).toBe(-1);
    expect(ev('1 div 0')).toBe(Infinity);
    expect(ev('${a} + ${b}', { a: '2', b: 3 })).toBe(5);
  });
  it('treats an unanswered question as empty: NaN in arithmetic, false in comparisons, equal to the empty string', () => {
    expect(ev('${x} + 1')).toBeNaN();
    expect(ev('${x} > 3')).toBe(false);
    expect(ev("${x} = ''")).toBe(true);
    expect(ev("${x} != ''")).toBe(false);
  });
  it('compares numbers numerically and strings as strings', () => {
    expect(ev('${a} = 1', { a: '1' })).toBe(true);
    expect(ev("${a} = '01'", { a: '1' })).toBe(false);
    expect(ev('${a} = 1.0', { a: '01' })).toBe(true);
    expect(ev("'abc' < 'abd'")).toBe(false); // relational operators are numeric in XPath
  });
  it('compares booleans as booleans', () => {
    expect(ev("true() = 'x'")).toBe(true);
    expect(ev('false() = 0')).toBe(true);
  });
  it('compares node-sets existentially', () => {
    expect(ev('${ages} > 60', { ages: [10, 70] })).toBe(true);
    expect(ev('${ages} = 5', { ages: [10, 70] })).toBe(false);
  });
  it('short-circuits and / or', () => {
    let calls = 0;
    const ctx = ctxOf({}, { ref: () => (calls++, 1) });
    compileExpression('false() and ${a}').evaluate(ctx);
    compileExpression('true() or ${a}').evaluate(ctx);
    expect(calls).toBe(0);
  });
  it('compares ISO dates as days', () => {
    expect(ev('${d} < today()', { d: '2025-01-01' })).toBe(true);
    expect(ev('today() - ${d}', { d: '2026-03-01' })).toBe(14);
    expect(ev("${d} >= '2026-03-16'", { d: '2026-03-15' })).toBe(false);
  });
});

describe('functions', () => {
  const cases: [string, Record<string, Value>, Value][] = [
    ["selected(${m}, 'b')", { m: 'a b c' }, true],
    ["selected(${m}, 'd')", { m: 'a b c' }, false],
    ['selected(${m}, 2)', { m: '1 2' }, true],
    ['count-selected(${m})', { m: ' a  b ' }, 2],
    ['count-selected(${m})', {}, 0],
    ['selected-at(${m}, 1)', { m: 'a b c' }, 'b'],
    ['selected-at(${m}, 5)', { m: 'a b c' }, ''],
    ['if(${a} > 1, "big", "small")', { a: 2 }, 'big'],
    ['if(${a} > 1, "big", "small")', { a: 0 }, 'small'],
    ['coalesce(${a}, ${b})', { b: 'y' }, 'y'],
    ['coalesce(${a}, ${b})', { a: 'x', b: 'y' }, 'x'],
    ['not(${a})', { a: '' }, true],
    ['true()', {}, true],
    ['false()', {}, false],
    ["concat(${a}, '-', 3)", { a: 'x' }, 'x-3'],
    ["join(', ', ${names})", { names: ['Ana', 'Ben'] }, 'Ana, Ben'],
    ['string(3)', {}, '3'],
    ['string(2.5)', {}, '2.5'],
    ["string-length('héllo')", {}, 5],
    ["contains('abc', 'bc')", {}, true],
    ["starts-with('abc', 'ab')", {}, true],
    ["ends-with('abc', 'ab')", {}, false],
    ["substr('abcdef', 1, 3)", {}, 'bc'],
    ["substr('abcdef', 2)", {}, 'cdef'],
    ["regex(${p}, '^[0-9]{9}$')", { p: '123456789' }, true],
    ["regex(${p}, '^[0-9]{9}$')", { p: '12345' }, false],
    ["number('3.25')", {}, 3.25],
    ["number('abc')", {}, NaN],
    ['int(-3.7)', {}, -3],
    ['round(2.5)', {}, 3],
    ['round(3.14159, 2)', {}, 3.14],
    ['floor(-1.5)', {}, -2],
    ['ceiling(1.2)', {}, 2],
    ['sum(${x})', { x: [1, '2', '', 3] }, 6],
    ['count(${x})', { x: [1, 2, 3] }, 3],
    ['min(${x}, 0.5)', { x: [1, 2] }, 0.5],
    ['max(${x})', { x: [1, 7, 2] }, 7],
    ['today()', {}, '2026-03-15'],
    ['now()', {}, '2026-03-15T10:30:00.000Z'],
    ['date(0)', {}, '1970-01-01'],
    ["date('2024-02-29')", {}, '2024-02-29'],
    ["decimal-date-time('1970-01-02T12:00:00Z')", {}, 1.5],
    ["format-date('2024-02-09', '%Y/%m/%d %e %n %b %a')", {}, '2024/02/09 9 2 Feb Fri'],
  ];
  it.each(cases)('%s with %j is %j', (src, vars, expected) => {
    const v = ev(src, vars);
    if (typeof expected === 'number' && Number.isNaN(expected)) expect(v).toBeNaN();
    else expect(v).toEqual(expected);
  });
  it('position(..), jr:choice-name, indexed-repeat, once and uuid use the context', () => {
    const extra: Partial<EvalContext> = {
      position: () => 3,
      choiceLabel: (q, v) => (q === 'sex' && v === '2' ? 'Female' : undefined),
      indexedRepeat: (n, r, i) => `${n}@${r}[${i}]`,
      current: () => '',
      newUuid: () => 'u-1',
    };
    expect(ev('position(..)', {}, extra)).toBe(3);
    expect(ev("jr:choice-name(${s}, '${sex}')", { s: 2 }, extra)).toBe('Female');
    expect(ev('indexed-repeat(${name}, ${members}, 2)', {}, extra)).toBe('name@members[2]');
    expect(ev('once(uuid())', {}, extra)).toBe('u-1');
    expect(ev('once(uuid())', {}, { ...extra, current: () => 'kept' })).toBe('kept');
    expect(compileExpression('uuid()').volatile).toBe(true);
    expect(compileExpression('${a} + 1').volatile).toBe(false);
  });
  it('reports an invalid regular expression built at run time as an EvaluationError', () => {
    expect(() => ev('regex(${s}, ${p})', { s: 'a', p: '(' })).toThrow(EvaluationError);
  });
  it('lists the references of an expression for the dependency graph', () => {
    expect(compileExpression('${age} >= 6 and ${age} <= 17 and selected(${m}, ${x})').refs).toEqual(['age', 'm', 'x']);
  });
});

describe('comparisons with a literal', () => {
  // Compiled with the operand types settled at compile time; they must equal compare() on every value.
  const scalar = fc.oneof(
    fc.constantFrom<Scalar>(null, '', '1', '2', ' 2 ', '10', 'abc', '2026-01-01', true, false, 0, 1, 2, -1, 1.5, NaN),
    fc.string({ maxLength: 3 }),
    fc.double(),
  );
  const value: fc.Arbitrary<Value> = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
  const literal = fc.oneof(fc.constantFrom("'1'", "''", "'abc'", "'2'", '2', '0', '1.5', '-1', '10'), fc.integer({ min: -3, max: 12 }).map(String));
  it('give what the same comparison of two values gives', () => {
    fc.assert(
      fc.property(value, fc.constantFrom('=', '!=', '<', '<=', '>', '>='), literal, (v, op, lit) => {
        const ctx: EvalContext = { ref: (name) => (name === 'x' ? v : name === 'y' ? (lit.startsWith("'") ? lit.slice(1, -1) : Number(lit)) : null) };
        // ${y} is the literal as a value: the general path of compare().
        expect(compileExpression(`\${x} ${op} ${lit}`).evaluate(ctx)).toBe(compileExpression(`\${x} ${op} \${y}`).evaluate(ctx));
      }),
      { numRuns: 3000 },
    );
  });
});

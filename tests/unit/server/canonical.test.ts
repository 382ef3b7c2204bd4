// The content hash of a submission is taken over its canonical JSON text; stored hashes must keep
// matching resends, so the text of the faster writer (server/services/submissions.ts) must equal the
// recursive definition it replaced, written out here, on any JSON value (and on undefined members).
// The safety check of request bodies gives the same answer with its path-free first pass.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonical } from '../../../server/services/content-hash.js';
import { jsonSafetyProblem } from '../../../common/json-safety.js';

function reference(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(reference).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

describe('canonical JSON of a submission', () => {
  it('is the recursive definition, character for character', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(canonical(v)).toBe(reference(v));
        expect(canonical({ answers: v, meta: undefined, x: [v, undefined] })).toBe(reference({ answers: v, meta: undefined, x: [v, undefined] }));
      }),
      { numRuns: 3000 },
    );
  });
});

/** The walk with paths alone (what jsonSafetyProblem did before its first pass). */
function slowProblem(value: unknown, maxDepth: number): boolean {
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  const bad = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (bad.test(v)) return true;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return true;
    if (Array.isArray(v)) for (const x of v) stack.push({ v: x, depth: depth + 1 });
    else
      for (const [k, x] of Object.entries(v)) {
        if (bad.test(k)) return true;
        stack.push({ v: x, depth: depth + 1 });
      }
  }
  return false;
}

describe('json safety', () => {
  it('finds a problem exactly where the full walk does', () => {
    const text = fc.string({ unit: fc.constantFrom('a', '\u0000', '\uD800', '\uDC00', 'é', '\uD83D\uDE00') });
    const value = fc.letrec((tie) => ({
      v: fc.oneof({ depthSize: 'small' }, text, fc.integer(), fc.array(tie('v')), fc.dictionary(text, tie('v'))),
    })).v;
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 6 }), (v, maxDepth) => {
        expect(jsonSafetyProblem(v, { maxDepth }) !== null).toBe(slowProblem(v, maxDepth));
      }),
      { numRuns: 3000 },
    );
  });
});

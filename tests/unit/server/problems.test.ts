import { describe, expect, it } from 'vitest';
import { PROBLEMS } from '../../../server/http/problems.js';
import { HttpProblem } from '../../../server/http/problem.js';

describe('the problem catalogue', () => {
  it('gives every code one status, following the 400/422 rule', () => {
    // Hand-written expectations for the codes whose status is easy to get wrong.
    const expected: Record<string, number> = {
      'malformed-json': 400,
      'bad-parameter': 400,
      'invalid-body': 422,
      'invalid-submission': 422,
      'quota-reached': 409,
      'stale-version': 409,
      'not-found': 404,
      'approved-only': 403,
      'bad-credentials': 401,
      'wrong-password': 403,
    };
    for (const [code, status] of Object.entries(expected)) expect(PROBLEMS[code as keyof typeof PROBLEMS], code).toBe(status);
    for (const [code, status] of Object.entries(PROBLEMS)) {
      expect(code, 'codes are kebab-case').toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect([400, 401, 403, 404, 409, 413, 415, 422, 429, 500, 503]).toContain(status);
    }
  });
  it('a problem takes its status from the catalogue', () => {
    expect(new HttpProblem('quota-reached', 'full').status).toBe(409);
    expect(new HttpProblem('unstorable-text', 'NUL').status).toBe(400);
  });
});

import { schemaChecker } from '../common/json-schema.js';

/**
 * The spec file of `mdsurvey estimate FILE --spec analysis.json`: a whole table of estimates (each
 * with its statistic, domains and subset) computed from one reading of the file.
 */

/** One estimate of a --spec file: what, of which column(s), by which domains, in which subset. */
export interface SpecEntry {
  name?: string;
  mean?: string | string[];
  total?: string | string[];
  ratio?: string | string[];
  quantile?: string | string[];
  probs?: number[];
  by?: string | string[];
  subset?: string;
}
export const ESTIMATE_SPEC_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['estimates'],
  properties: {
    estimates: {
      type: 'array',
      minItems: 1,
      maxItems: 10000,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          name: { type: 'string', maxLength: 200 },
          mean: {
            anyOf: [
              { type: 'string', minLength: 1 },
              { type: 'array', items: { type: 'string', minLength: 1 } },
            ],
          },
          total: {
            anyOf: [
              { type: 'string', minLength: 1 },
              { type: 'array', items: { type: 'string', minLength: 1 } },
            ],
          },
          ratio: {
            anyOf: [
              { type: 'string', minLength: 3 },
              { type: 'array', items: { type: 'string', minLength: 3 } },
            ],
          },
          quantile: {
            anyOf: [
              { type: 'string', minLength: 1 },
              { type: 'array', items: { type: 'string', minLength: 1 } },
            ],
          },
          probs: { type: 'array', minItems: 1, items: { type: 'number', minimum: 0, maximum: 1 } },
          by: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string', minLength: 1 } }] },
          subset: { type: 'string', minLength: 1, maxLength: 10000 },
        },
      },
    },
  },
} as const;

/** A spec file's contents, once checked. */
export interface EstimateSpec {
  estimates: SpecEntry[];
}

/** Checks a spec file's JSON against the schema; an InputError ('bad-spec') lists every problem with its path. */
export const checkEstimateSpec: (value: unknown, source: string) => void = schemaChecker(ESTIMATE_SPEC_SCHEMA, 'bad-spec');

/** The columns of an entry's field: a list as given, or a comma-separated text. */
export function specNames(v: string | string[] | undefined): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  return v
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
}

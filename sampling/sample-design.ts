import { InputError } from '../common/errors.js';
import { schemaChecker } from '../common/json-schema.js';

/** First stage: primary sampling units (enumeration areas) from a frame. */
export interface FirstStage {
  /** What the units are, for reports. */
  unit?: string;
  /** Frame column identifying a unit. */
  id: string;
  /** Frame column of the explicit strata (optional). */
  strata?: string;
  /** pps: systematic selection with probability proportional to size; srs: simple random sampling without replacement. */
  method: 'pps' | 'srs';
  /** Frame column of the measure of size (pps). */
  size?: string;
  /** Total number of units to select, allocated to strata by `allocation`. */
  sampleSize?: number;
  allocation?: 'proportional' | 'equal' | 'neyman' | 'fixed';
  /** Units per stratum (allocation fixed). */
  fixed?: Record<string, number>;
  /** Standard deviation of the main outcome per stratum (allocation neyman). */
  stratumSd?: Record<string, number>;
  /** Take a unit whose expected hits n M_i / sum M reach 1 with certainty (pps; default true). */
  certainty?: boolean;
  /** Frame column of the number of households, carried to the sample (optional). */
  households?: string;
}

/** Second stage: households from the listing of each selected unit, by screening status with quotas. */
export interface SecondStage {
  unit?: string;
  /** Listing column identifying a household. */
  id: string;
  /** Listing column naming the first-stage unit (same values as the frame's id). */
  cluster: string;
  method: 'srs';
  /** Listing column of the screening status (e.g. migrant / non-migrant, or H0-H3). */
  by?: string;
  /** Households to select per unit: per status when `by` is given, else { "all": m }. */
  quotas: Record<string, number>;
}

/** A two-stage household sample design (design.json). */
export interface SampleDesign {
  title?: string;
  stages: [FirstStage] | [FirstStage, SecondStage];
}

/** JSON Schema (2020-12) of design.json. */
export const SAMPLE_DESIGN_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://mdsurvey.org/schemas/sample-design.json',
  type: 'object',
  additionalProperties: false,
  required: ['stages'],
  properties: {
    title: { type: 'string' },
    stages: {
      type: 'array',
      minItems: 1,
      maxItems: 2,
      prefixItems: [
        {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'method'],
          properties: {
            unit: { type: 'string' },
            id: { type: 'string', minLength: 1 },
            strata: { type: 'string', minLength: 1 },
            method: { enum: ['pps', 'srs'] },
            size: { type: 'string', minLength: 1 },
            sampleSize: { type: 'integer', minimum: 1 },
            allocation: { enum: ['proportional', 'equal', 'neyman', 'fixed'] },
            fixed: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
            stratumSd: { type: 'object', additionalProperties: { type: 'number', exclusiveMinimum: 0 } },
            certainty: { type: 'boolean' },
            households: { type: 'string' },
          },
        },
        {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'cluster', 'method', 'quotas'],
          properties: {
            unit: { type: 'string' },
            id: { type: 'string', minLength: 1 },
            cluster: { type: 'string', minLength: 1 },
            method: { const: 'srs' },
            by: { type: 'string', minLength: 1 },
            quotas: { type: 'object', minProperties: 1, additionalProperties: { type: 'integer', minimum: 0 } },
          },
        },
      ],
    },
  },
} as const;

const checkDesign = schemaChecker(SAMPLE_DESIGN_SCHEMA, 'bad-design');

/** Parses and checks a design; every problem is listed with its JSON path. */
export function parseSampleDesign(value: unknown, source = 'design.json'): SampleDesign {
  checkDesign(value, source);
  const design = value as unknown as SampleDesign;
  const [first, second] = design.stages;
  if (first.method === 'pps' && !first.size) throw new InputError('bad-design', `${source}: /stages/0 uses pps but names no "size" column`, source);
  const allocation = first.allocation ?? (first.strata ? 'proportional' : undefined);
  if (allocation === 'fixed' && !first.fixed)
    throw new InputError('bad-design', `${source}: /stages/0 allocation "fixed" needs "fixed" sizes per stratum`, source);
  if (allocation === 'neyman' && !first.stratumSd)
    throw new InputError('bad-design', `${source}: /stages/0 allocation "neyman" needs "stratumSd" per stratum`, source);
  if (allocation !== 'fixed' && first.sampleSize === undefined) throw new InputError('bad-design', `${source}: /stages/0 needs "sampleSize"`, source);
  if (second && !second.by && Object.keys(second.quotas).some((k) => k !== 'all')) {
    throw new InputError('bad-design', `${source}: /stages/1 quotas per status need a "by" column; without one use { "all": m }`, source);
  }
  return design;
}

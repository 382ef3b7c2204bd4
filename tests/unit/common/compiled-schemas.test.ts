import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkedSchemas, SCHEMA_OPTIONS } from '../../../common/json-schema.js';
import { ROOT } from '../../helpers/cli.js';
// The modules scripts/compile-schemas.mjs loads (from dist/) to find every schema checker.
import '../../../analysis/index.js';
import '../../../sampling/index.js';

// @ts-expect-error a build script in plain JavaScript
import { compileSchemas } from '../../../scripts/compile-schemas.mjs';

type Validator = ((v: unknown) => boolean) & { errors?: unknown[] | null };

/**
 * The validators compiled at build time (ajv standalone) must judge every value exactly as ajv
 * compiling the schema at run time does, errors included (the messages users see), and the build must
 * find every schema checker of the code.
 */
describe('JSON schemas compiled at build time', () => {
  // Under the package (the validators require ajv's small runtime helpers from node_modules).
  fs.mkdirSync(path.join(ROOT, 'node_modules', '.cache'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(ROOT, 'node_modules', '.cache', 'mdsurvey-schemas-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const count = (compileSchemas as (s: Map<string, object>, o: object, d: string) => number)(checkedSchemas, SCHEMA_OPTIONS, dir);
  const requireHere = createRequire(import.meta.url);

  it('covers every schemaChecker of the source', () => {
    const calls = ['cli', 'analysis', 'sampling', 'io', 'server', 'questionnaires', 'common']
      .flatMap((d) => fs.readdirSync(path.join(ROOT, d), { recursive: true, encoding: 'utf8' }).map((f) => path.join(ROOT, d, f)))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('json-schema.ts'))
      .reduce((n, f) => n + (fs.readFileSync(f, 'utf8').match(/\bschemaChecker\(/g)?.length ?? 0), 0);
    expect(calls).toBeGreaterThan(0);
    expect(count).toBe(calls);
  });

  it('judges values as ajv compiling at run time does', () => {
    for (const [key, schema] of checkedSchemas) {
      const built = requireHere(path.join(dir, `${key}.cjs`)) as Validator;
      const runtime = new Ajv2020(SCHEMA_OPTIONS).compile(schema) as Validator;
      // Values shaped like the schema's documents (its own property names, wrong and right types) and arbitrary JSON.
      const names = Object.keys((schema as { properties?: object }).properties ?? {});
      const value = fc.oneof(
        fc.jsonValue(),
        fc.dictionary(fc.constantFrom(...names, 'extra'), fc.oneof(fc.jsonValue(), fc.array(fc.dictionary(fc.string(), fc.jsonValue())))),
      );
      fc.assert(
        fc.property(value, (v) => {
          expect(built(v)).toBe(runtime(v));
          expect(built.errors ?? null).toEqual(runtime.errors ?? null);
        }),
        { numRuns: 300 },
      );
    }
  });
});

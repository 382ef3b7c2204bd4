import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { InputError } from './errors.js';
import { packageRoot } from './package-info.js';

type Validator = ((v: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] | null };

/**
 * ajv's options for the project's schemas. The schemas are the project's own, checked by its tests:
 * checking them against the 2020-12 meta-schema again on every start cost a command 40 ms.
 */
export const SCHEMA_OPTIONS = { allErrors: true, strict: false, validateSchema: false } as const;

/** Every schema a checker was made for, by key (scripts/compile-schemas.mjs compiles them at build time). */
export const checkedSchemas = new Map<string, object>();

/** A schema's key: a hash of its text, so a validator compiled at build time serves exactly that schema. */
export function schemaKey(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 24);
}

/** Where the build puts a schema's compiled validator (ajv's standalone code, a CommonJS module). */
export function compiledSchemaFile(key: string): string {
  return path.join(packageRoot(), 'dist', 'schemas', `${key}.cjs`);
}

const requireHere = createRequire(import.meta.url);

/**
 * The validator of a schema: the one compiled at build time when there is one for this very schema,
 * else compiled now by ajv (loaded only then). Loading ajv and compiling a schema cost a command
 * such as `estimate --spec` about 50 ms, a twentieth of reading a census-sized file.
 */
function validatorOf(schema: object, key: string): Validator {
  try {
    return requireHere(compiledSchemaFile(key)) as Validator;
  } catch {
    const { Ajv2020 } = requireHere('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
    return new Ajv2020(SCHEMA_OPTIONS).compile(schema) as Validator;
  }
}

/**
 * A checker for one JSON Schema (2020-12), compiled on first use: it throws an InputError with `code`
 * listing every problem with its JSON path, prefixed by the source (a file name).
 */
export function schemaChecker(schema: object, code: string): (value: unknown, source: string) => void {
  const key = schemaKey(schema);
  checkedSchemas.set(key, schema);
  let validate: Validator | undefined;
  return (value, source) => {
    validate ??= validatorOf(schema, key);
    if (validate(value)) return;
    const problems = (validate.errors ?? []).map(
      (e) =>
        `${e.instancePath || '/'} ${e.message}${e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as string[]).join(', ')})` : ''}${
          e.params && 'additionalProperty' in e.params ? `: "${String(e.params.additionalProperty)}"` : ''
        }`,
    );
    throw new InputError(code, `${source}: ${problems.join('; ')}`, source);
  };
}

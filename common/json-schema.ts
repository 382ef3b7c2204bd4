import { Ajv2020 } from 'ajv/dist/2020.js';
import { InputError } from './errors.js';

type Validator = ((v: unknown) => boolean) & { errors?: { instancePath: string; message?: string; params?: Record<string, unknown> }[] | null };

/**
 * A checker for one JSON Schema (2020-12), compiled on first use: it throws an InputError with `code`
 * listing every problem with its JSON path, prefixed by the source (a file name).
 */
export function schemaChecker(schema: object, code: string): (value: unknown, source: string) => void {
  let validate: Validator | undefined;
  return (value, source) => {
    // The schemas are the project's own, checked by its tests: checking them against the 2020-12
    // meta-schema again on every start cost a command 40 ms.
    validate ??= new Ajv2020({ allErrors: true, strict: false, validateSchema: false }).compile(schema) as Validator;
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

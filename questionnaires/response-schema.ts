import { _, Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { uniqueBy } from '../common/collections.js';
import type { CompiledQuestionnaire, FieldDef } from './compile-questionnaire.js';
import { FormState, type AnswerProblem, type FormOptions } from './form-state.js';
import { MAX_TEXT_LENGTH, MEDIA_NAME_PATTERN, rosterRowCap } from './limits.js';
import { SUBMISSION_ENVELOPE_SCHEMA } from '../common/submission.js';

type Schema = Record<string, unknown>;

/** JSON Schema (2020-12) of a response document to this questionnaire version: shape and types of every answer. */
export function responseSchema(q: CompiledQuestionnaire): Schema {
  const scopeSchema = (scope: number): Schema => {
    const properties: Record<string, Schema> = scope === -1 ? {} : { _key: { type: 'string', minLength: 1, maxLength: 100 } };
    for (const f of q.fieldsOfScope.get(scope) ?? []) {
      const field = q.fields[f];
      const s = fieldSchema(field, scopeSchema, q.source.settings);
      if (s) properties[field.name] = s;
    }
    return { type: 'object', additionalProperties: false, properties, ...(scope === -1 ? {} : { required: ['_key'] }) };
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://mdsurvey.org/schemas/responses/${q.source.id}/${q.source.version}.json`,
    ...SUBMISSION_ENVELOPE_SCHEMA,
    properties: {
      ...SUBMISSION_ENVELOPE_SCHEMA.properties,
      questionnaire: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'version'],
        properties: { id: { const: q.source.id }, version: { const: q.source.version } },
      },
      answers: scopeSchema(-1),
    },
  };
}

function fieldSchema(field: FieldDef, scopeSchema: (scope: number) => Schema, settings: Record<string, unknown> | undefined): Schema | null {
  const item = field.item;
  switch (item.kind) {
    case 'note':
    case 'group':
      return null;
    case 'roster':
      return { type: 'array', items: scopeSchema(field.index), maxItems: rosterRowCap(item, settings) };
    case 'calculate':
      return { type: ['string', 'number', 'boolean', 'null'] };
    case 'metadata':
      return { type: ['string', 'null'] };
    case 'question':
      break;
  }
  const values = field.choices?.map((c) => c.value);
  switch (item.type) {
    case 'text':
      return { type: 'string', maxLength: MAX_TEXT_LENGTH };
    case 'integer':
      return { type: 'integer' };
    case 'decimal':
      return { type: 'number' };
    case 'year':
      return { type: 'integer', minimum: 1800, maximum: 2200 };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'image':
    case 'audio':
    case 'video':
    case 'file':
      return { type: 'string', pattern: MEDIA_NAME_PATTERN };
    case 'geotrace':
    case 'geoshape':
      return { type: 'string', maxLength: MAX_TEXT_LENGTH, pattern: '^[0-9.; -]+$' };
    case 'geopoint':
      return { type: 'string', maxLength: 100, pattern: '^-?\\d+(\\.\\d+)? -?\\d+(\\.\\d+)?( -?\\d+(\\.\\d+)?){0,2}$' };
    case 'time':
      return { type: 'string', pattern: '^\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$' };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'acknowledge':
      return { enum: ['OK', true] };
    case 'select_one':
      return { enum: values };
    case 'select_multiple':
      return { type: 'array', items: { enum: values }, uniqueItems: true };
    case 'country':
      return item.multiple ? { type: 'array', items: { enum: values }, uniqueItems: true, minItems: 1 } : { enum: values };
    case 'amount':
      return {
        type: 'object',
        additionalProperties: false,
        required: ['amount', 'currency'],
        properties: { amount: { type: 'number' }, currency: { enum: field.currencies ?? item.currencies } },
      };
  }
}

// Choice lists: ajv checks an `enum` value by value (a deep-equality call per value, or with loopEnum a
// chain of === comparisons), so the DotM household's validator held the country list's 250 codes at every
// country question and was too large for V8 to optimise (it ran unoptimised: 41% of a validation). The
// schema ajv compiles (validatorSchema) checks an enum of strings with the `choiceIn` keyword instead: one
// Set lookup in the generated code, the same verdict for every value (a non-string is never in a list of
// strings, for the Set as for the enum), reported as the enum's error (same keyword and allowedValues). The
// published schema (responseSchema) keeps the standard `enum`.
const CHOICE_KEYWORD = 'choiceIn';
const ajv = new Ajv2020({ allErrors: true, strict: false, loopEnum: Infinity, inlineRefs: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
ajv.addKeyword({
  keyword: CHOICE_KEYWORD,
  schemaType: 'array',
  code(cxt) {
    const set = cxt.gen.scopeValue('keyword', { ref: new Set(cxt.schema as string[]) });
    cxt.fail(_`!${set}.has(${cxt.data})`);
  },
  error: { message: 'must be equal to one of the allowed values', params: ({ schemaCode }) => _`{allowedValues: ${schemaCode}}` },
});

/**
 * The schema as compiled here: responseSchema's, with every enum of strings checked by CHOICE_KEYWORD, and
 * the row schema of every roster in $defs, referenced (ajv, inlineRefs false, makes each its own function).
 */
function validatorSchema(schema: Schema): Schema {
  const defs: Record<string, unknown> = {};
  const walk = (s: unknown): unknown => {
    if (Array.isArray(s)) return s.map(walk);
    if (typeof s !== 'object' || s === null) return s;
    const out: Schema = {};
    for (const [k, v] of Object.entries(s)) {
      if (k === 'enum' && Array.isArray(v) && v.every((x) => typeof x === 'string')) out[CHOICE_KEYWORD] = v;
      else if (k === 'items' && typeof v === 'object' && v !== null && 'properties' in v) {
        // The name is taken before the rows' own rosters (nested in them) take theirs.
        const name = `rows${Object.keys(defs).length}`;
        defs[name] = null;
        defs[name] = walk(v);
        out[k] = { $ref: `#/$defs/${name}` };
      } else out[k] = walk(v);
    }
    return out;
  };
  return { ...(walk(schema) as Schema), $defs: defs };
}

const validators = new WeakMap<CompiledQuestionnaire, ReturnType<typeof ajv.compile>>();

/** `/answers/members/3/age` -> `members[3].age` */
function jsonPointerToPath(pointer: string): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (parts[0] === 'answers') parts.shift();
  let out = '';
  for (const p of parts) out += /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out || '(document)';
}

/**
 * Validates a response document: the JSON Schema of its questionnaire version (shape, types), then
 * the engine (skip logic, required answers, constraints, roster rows). Returns every problem with
 * its path (`members[3].age`, rows from 0) and message; none means valid. Also returns the answers
 * as the engine would save them (calculations recomputed, answers that do not apply left out).
 */
export function validateResponse(
  q: CompiledQuestionnaire,
  doc: unknown,
  options: FormOptions = {},
): { problems: AnswerProblem[]; answers?: Record<string, unknown> } {
  const { problems, state } = checkResponse(q, doc, options);
  return state ? { problems, answers: state.answers() } : { problems };
}

/** validateResponse with the answers to save as JSON text (FormState.answersText: what answers would be, as text), as the server stores them. */
export function validateResponseText(q: CompiledQuestionnaire, doc: unknown, options: FormOptions = {}): { problems: AnswerProblem[]; answersText?: string } {
  const { problems, state } = checkResponse(q, doc, options);
  return state ? { problems, answersText: state.answersText() } : { problems };
}

/** The problems of a response document, and the loaded state unless the schema refused it. */
function checkResponse(q: CompiledQuestionnaire, doc: unknown, options: FormOptions): { problems: AnswerProblem[]; state?: FormState } {
  let validate = validators.get(q);
  if (!validate) {
    // Without its $id: two compilations of the same version (a draft edited in place) must not collide in ajv.
    const { $id: _id, ...schema } = responseSchema(q);
    validate = ajv.compile(validatorSchema(schema));
    validators.set(q, validate);
  }
  if (!validate(doc)) return { problems: schemaProblems(validate.errors ?? []) };
  const d = doc as { answers: Record<string, unknown> };
  const state = new FormState(q, options, true);
  const loadProblems = state.load(d.answers);
  const problems = [...loadProblems, ...state.notRelevantAnswers(d.answers), ...rowProblems(state, d.answers), ...state.problems()];
  return { problems, state };
}

/** The problems of a response document the response schema refused, from ajv's errors (an enum's and CHOICE_KEYWORD's alike). */
export function schemaProblems(errors: readonly ErrorObject[]): AnswerProblem[] {
  const problems = errors.map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? `has unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`
        : e.keyword === 'enum' || e.keyword === CHOICE_KEYWORD
          ? `must be one of the choices${(e.params as { allowedValues: unknown[] }).allowedValues.length <= 12 ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : ''}`
          : (e.message ?? 'is invalid');
    return { path: jsonPointerToPath(e.instancePath), code: 'schema' as const, message: extra };
  });
  return dedupeProblems(problems);
}

/** Rosters whose rows follow a count or another roster must have exactly those rows. */
function rowProblems(state: FormState, answers: Record<string, unknown>): AnswerProblem[] {
  const q = state.questionnaire;
  const out: AnswerProblem[] = [];
  for (const field of q.fields) {
    if (field.item.kind !== 'roster' || field.scope !== -1) continue;
    const given = answers[field.name];
    if (!Array.isArray(given)) continue;
    const expected = state.rowsOf(field.index, state.root).map((r) => r.key);
    const keys = given.map((r, k) => String((r as { _key?: unknown })._key ?? `r${k + 1}`));
    if (field.repeatCount && keys.length !== expected.length) {
      out.push({ path: field.name, code: 'rows', message: `has ${keys.length} rows but its repeat count gives ${expected.length}` });
    }
    if (field.rowsFrom !== undefined) {
      const expectedSet = new Set(expected);
      const keySet = new Set(keys);
      const missing = expected.filter((k) => !keySet.has(k));
      const extra = keys.filter((k) => !expectedSet.has(k));
      if (missing.length || extra.length) {
        out.push({
          path: field.name,
          code: 'rows',
          message: `rows must follow roster "${q.fields[field.rowsFrom].name}"${missing.length ? `; missing rows ${missing.join(', ')}` : ''}${extra.length ? `; rows ${extra.join(', ')} do not apply` : ''}`,
        });
      }
    }
  }
  return out;
}

const dedupeProblems = (problems: AnswerProblem[]) => uniqueBy(problems, (p) => `${p.path}|${p.message}`);

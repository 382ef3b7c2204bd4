import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import { uniqueBy } from '../common/collections.js';
import { MAX_ATTACHMENTS, MAX_ATTACHMENT_ROWS, MAX_TEXT_LENGTH } from './limits.js';

const text = { oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: { type: 'string' }, minProperties: 1 }] };
const name = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 64 };
const expression = { type: 'string', minLength: 1 };

/** JSON Schema (2020-12) of the questionnaire format: every questionnaire is checked against it first. */
export const QUESTIONNAIRE_META_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://mdsurvey.org/schemas/questionnaire.json',
  title: 'mdsurvey questionnaire',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'title', 'languages', 'items'],
  properties: {
    $schema: { type: 'string' },
    id: { type: 'string', pattern: '^[A-Za-z0-9_.-]+$' },
    version: { type: 'string', minLength: 1 },
    title: text,
    description: text,
    languages: {
      type: 'object',
      additionalProperties: false,
      required: ['default', 'available'],
      properties: {
        default: { type: 'string', minLength: 1 },
        available: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
        names: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
    settings: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
    meta: { type: 'object' },
    attachments: {
      type: 'object',
      maxProperties: MAX_ATTACHMENTS,
      propertyNames: { pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]*\\.csv$', maxLength: 200 },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['header', 'rows'],
        properties: {
          header: { type: 'array', minItems: 1, maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 200 } },
          rows: {
            type: 'array',
            maxItems: MAX_ATTACHMENT_ROWS,
            items: { type: 'array', maxItems: 200, items: { type: 'string', maxLength: MAX_TEXT_LENGTH } },
          },
        },
      },
    },
    choiceLists: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' },
      additionalProperties: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['value', 'label'],
          properties: { value: { type: 'string', minLength: 1 }, label: text, properties: { type: 'object', additionalProperties: { type: 'string' } } },
        },
      },
    },
    items: { $ref: '#/$defs/items' },
  },
  $defs: {
    items: { type: 'array', items: { $ref: '#/$defs/item' } },
    item: {
      type: 'object',
      required: ['kind', 'name'],
      properties: { kind: { enum: ['question', 'note', 'calculate', 'metadata', 'group', 'roster'] } },
      oneOf: [
        { $ref: '#/$defs/question' },
        { $ref: '#/$defs/note' },
        { $ref: '#/$defs/calculate' },
        { $ref: '#/$defs/metadata' },
        { $ref: '#/$defs/group' },
        { $ref: '#/$defs/roster' },
      ],
    },
    question: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name', 'type', 'label'],
      properties: {
        kind: { const: 'question' },
        name,
        type: {
          enum: [
            'text',
            'integer',
            'decimal',
            'date',
            'year',
            'time',
            'datetime',
            'select_one',
            'select_multiple',
            'country',
            'amount',
            'acknowledge',
            'geopoint',
            'geotrace',
            'geoshape',
            'image',
            'audio',
            'video',
            'file',
          ],
        },
        label: text,
        hint: text,
        relevant: expression,
        choices: { type: 'string' },
        choiceFilter: expression,
        specialCountries: { type: 'boolean' },
        multiple: { type: 'boolean' },
        currencies: { type: 'array', items: { type: 'string', pattern: '^[A-Z]{3}$' }, minItems: 1 },
        required: { oneOf: [{ type: 'boolean' }, expression] },
        requiredMessage: text,
        constraint: expression,
        constraintMessage: text,
        default: expression,
        calculation: expression,
        readOnly: { type: 'boolean' },
        appearance: { type: 'string' },
        identifier: { type: 'boolean' },
        quasiIdentifier: { type: 'boolean' },
      },
    },
    note: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name', 'label'],
      properties: { kind: { const: 'note' }, name, label: text, hint: text, relevant: expression, appearance: { type: 'string' } },
    },
    calculate: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name', 'calculation'],
      properties: { kind: { const: 'calculate' }, name, calculation: expression, label: text, relevant: expression },
    },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name', 'type'],
      properties: {
        kind: { const: 'metadata' },
        name,
        type: { enum: ['start', 'end', 'today', 'deviceid', 'enumerator', 'seed', 'phonenumber', 'simserial', 'subscriberid', 'email', 'audit'] },
      },
    },
    group: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name', 'items'],
      properties: { kind: { const: 'group' }, name, label: text, relevant: expression, appearance: { type: 'string' }, items: { $ref: '#/$defs/items' } },
    },
    roster: {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'name', 'items'],
      properties: {
        kind: { const: 'roster' },
        name,
        label: text,
        relevant: expression,
        appearance: { type: 'string' },
        repeatCount: expression,
        rowsFrom: { type: 'object', additionalProperties: false, required: ['roster'], properties: { roster: name, filter: expression } },
        maxRows: { type: 'integer', minimum: 1 },
        items: { $ref: '#/$defs/items' },
      },
    },
  },
} as const;

// Compiled on first use: ajv generates code with new Function, which the web app's Content Security
// Policy forbids; the browser compiles questionnaires the server has already checked (trusted).
let validateMeta: ReturnType<Ajv2020['compile']> | null = null;

/** Problems of a questionnaire document against the meta-schema, each with its JSON path; empty when it conforms. */
export function metaSchemaProblems(doc: unknown): { path: string; message: string }[] {
  validateMeta ??= new Ajv2020({ allErrors: true, strict: false }).compile(QUESTIONNAIRE_META_SCHEMA);
  if (validateMeta(doc)) return [];
  return simplify(validateMeta.errors ?? []).map((e) => ({ path: e.instancePath || '/', message: describe(e) }));
}

/** oneOf over item kinds reports every branch; keep the errors of the branch the item's kind selects. */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const byPath = new Map<string, ErrorObject[]>();
  for (const e of errors) {
    const list = byPath.get(e.instancePath) ?? [];
    list.push(e);
    byPath.set(e.instancePath, list);
  }
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword === 'oneOf' || (e.keyword === 'const' && e.params && 'allowedValue' in e.params)) continue;
    if (e.schemaPath.includes('/$defs/item/') && e.keyword === 'enum') {
      out.push(e);
      continue;
    }
    // an error inside a branch whose "kind" const failed belongs to another kind: drop it
    const branch = /#\/\$defs\/(question|note|calculate|metadata|group|roster)\//.exec(e.schemaPath)?.[1];
    if (branch) {
      const kindFailed = errors.some(
        (x) => x.keyword === 'const' && x.instancePath === `${e.instancePath.replace(/\/[^/]*$/, '')}/kind` && x.schemaPath.includes(`/$defs/${branch}/`),
      );
      const selfKindFailed = errors.some(
        (x) => x.keyword === 'const' && x.instancePath === `${e.instancePath}/kind` && x.schemaPath.includes(`/$defs/${branch}/`),
      );
      if (kindFailed || selfKindFailed) continue;
    }
    out.push(e);
  }
  return out.length ? dedupe(out) : errors;
}

const dedupe = (errors: ErrorObject[]) => uniqueBy(errors, (e) => `${e.instancePath} ${describe(e)}`);

function describe(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `has unknown property "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'enum') return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  if (e.keyword === 'required') return `needs "${(e.params as { missingProperty: string }).missingProperty}"`;
  if (e.keyword === 'pattern' && e.instancePath.endsWith('/name')) return 'must be a variable name (letters, digits and _, not starting with a digit)';
  return e.message ?? 'is invalid';
}

import { InputError } from '../common/errors.js';
import { uniqueBy } from '../common/collections.js';
import { callsOf, compileExpression, ExpressionError, type CompiledExpression, type Value } from './expressions/index.js';
import type { Attachment, Choice, Item, Questionnaire, Text } from './format.js';
import { metaSchemaProblems } from './meta-schema.js';
import { amountCurrencies, countryChoices, isCountryCode, isCurrencyCode, THIS_COUNTRY } from './codelists.js';
import { CHOICE_PREFIX, rewriteChoiceFilter } from './choice-filter.js';

/** A problem in a questionnaire definition, with where it is. */
export interface DefinitionProblem {
  path: string;
  message: string;
}

/** Raised when a questionnaire does not compile; lists every problem found. */
export class QuestionnaireError extends InputError {
  readonly problems: DefinitionProblem[];
  constructor(problems: DefinitionProblem[]) {
    super(
      'invalid-questionnaire',
      `the questionnaire has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
    this.name = 'QuestionnaireError';
    this.problems = problems;
  }
}

/** One item of the questionnaire, flattened, with its compiled expressions. */
export interface FieldDef {
  index: number;
  name: string;
  item: Item;
  /** Index of the enclosing group or roster definition (-1 at the top). */
  parent: number;
  /** Index of the nearest enclosing roster (-1: the household level). */
  scope: number;
  /** Position of the field's value in a row of its scope. */
  slot: number;
  /** Item path for messages (`members/age`). */
  path: string;
  relevant?: CompiledExpression;
  calculation?: CompiledExpression;
  defaultValue?: CompiledExpression;
  constraint?: CompiledExpression;
  required?: CompiledExpression | boolean;
  choiceFilter?: CompiledExpression;
  repeatCount?: CompiledExpression;
  rowsFromFilter?: CompiledExpression;
  /** Rosters: the roster whose rows this one follows. */
  rowsFrom?: number;
  /** Choices of a select or country question. */
  choices?: Choice[];
  /** amount: the currencies offered (the survey's local currency first). */
  currencies?: string[];
  /** Direct dependents through values, relevance, defaults and row sets. */
  dependents: number[];
  /** Fields whose constraint or required expression reads this one. */
  checkDependents: number[];
  /** Definitions read by each expression of this field. */
  reads: number[];
}

/** A compiled questionnaire: flat definitions in evaluation order, ready for the engine. */
export interface CompiledQuestionnaire {
  source: Questionnaire;
  fields: FieldDef[];
  byName: Map<string, FieldDef>;
  /** Topological order of the definitions (values before what reads them, parents before children). */
  order: number[];
  /** Fields per scope (-1 for the household level, else the roster's index), in document order. */
  fieldsOfScope: Map<number, number[]>;
  /** Number of value slots per scope. */
  slotsOfScope: Map<number, number>;
  settings: Record<string, string | number | boolean>;
  /** Label of a choice, for jr:choice-name. */
  choiceLabel(question: string, value: string, language?: string): string | undefined;
  /** A value of an attached CSV, for pulldata ('' when the file, a column or the key is not there). */
  pulldata(file: string, column: string, keyColumn: string, key: string): string;
}

/** Text in a language, falling back to the default language and then to any. */
export function textIn(text: Text | undefined, language: string, fallback: string): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  return text[language] ?? text[fallback] ?? Object.values(text)[0] ?? '';
}

/**
 * Checks a questionnaire against the meta-schema, then compiles it: names unique, references
 * resolved, choice lists present, expressions parsed, no cycle between computed values. Every problem
 * is collected and thrown together (QuestionnaireError), each with the item path and the expression.
 */
export function compileQuestionnaire(doc: unknown, options: { trusted?: boolean } = {}): CompiledQuestionnaire {
  // trusted: a version the server has already checked (the browser cannot run ajv under its CSP).
  const metaProblems = options.trusted ? [] : metaSchemaProblems(doc);
  if (metaProblems.length) throw new QuestionnaireError(metaProblems);
  const q = doc as Questionnaire;
  const problems: DefinitionProblem[] = [];
  const fields: FieldDef[] = [];
  const byName = new Map<string, FieldDef>();
  const slotsOfScope = new Map<number, number>([[-1, 0]]);
  const fieldsOfScope = new Map<number, number[]>([[-1, []]]);
  const settings = q.settings ?? {};
  // The survey's host country and local currency are codes the engine and the analysis read (DOMAIN.md, Money; Host country).
  if (settings.host_country !== undefined && settings.host_country !== THIS_COUNTRY && !isCountryCode(String(settings.host_country)))
    problems.push({ path: '/settings/host_country', message: `"${String(settings.host_country)}" is not an ISO 3166-1 alpha-3 country code` });
  if (settings.local_currency !== undefined && !isCurrencyCode(String(settings.local_currency)))
    problems.push({ path: '/settings/local_currency', message: `"${String(settings.local_currency)}" is not an ISO 4217 currency code` });

  if (!q.languages.available.includes(q.languages.default)) {
    problems.push({ path: '/languages', message: `the default language "${q.languages.default}" is not among the available ones` });
  }

  // 1. Flatten the item tree.
  const walk = (items: Item[], parent: number, scope: number, prefix: string) => {
    for (const item of items) {
      const path = prefix ? `${prefix}/${item.name}` : item.name;
      if (byName.has(item.name)) {
        problems.push({ path, message: `duplicate name "${item.name}" (also at ${byName.get(item.name)!.path}); names must be unique` });
        continue;
      }
      if (item.name in settings) problems.push({ path, message: `"${item.name}" is also the name of a survey setting` });
      const slot = slotsOfScope.get(scope)!;
      slotsOfScope.set(scope, slot + 1);
      // Every definition has every property, in one order (absent ones undefined): one hidden class, so
      // the engine's reads of field.relevant, field.calculation... stay monomorphic.
      const def: FieldDef = {
        index: fields.length,
        name: item.name,
        item,
        parent,
        scope,
        slot,
        path,
        relevant: undefined,
        calculation: undefined,
        defaultValue: undefined,
        constraint: undefined,
        required: undefined,
        choiceFilter: undefined,
        repeatCount: undefined,
        rowsFromFilter: undefined,
        rowsFrom: undefined,
        choices: undefined,
        currencies: undefined,
        dependents: [],
        checkDependents: [],
        reads: [],
      };
      fields.push(def);
      fieldsOfScope.get(scope)!.push(def.index);
      byName.set(item.name, def);
      if (item.kind === 'group') walk(item.items, def.index, scope, path);
      if (item.kind === 'roster') {
        slotsOfScope.set(def.index, 0);
        fieldsOfScope.set(def.index, []);
        walk(item.items, def.index, def.index, path);
      }
    }
  };
  walk(q.items, -1, -1, '');

  // 2. Choice lists of select and country questions.
  const lists = q.choiceLists ?? {};
  const allowDuplicates = (q.meta?.xlsform as { settings?: Record<string, string> } | undefined)?.settings?.allow_choice_duplicates === 'yes';
  for (const [listName, choices] of Object.entries(lists)) {
    const seen = new Set<string>();
    for (const c of choices) {
      if (seen.has(c.value) && !allowDuplicates) problems.push({ path: `/choiceLists/${listName}`, message: `choice value "${c.value}" appears twice` });
      seen.add(c.value);
    }
  }
  for (const def of fields) {
    const item = def.item;
    if (item.kind !== 'question') continue;
    if (item.type === 'select_one' || item.type === 'select_multiple') {
      if (!item.choices) problems.push({ path: def.path, message: `a ${item.type} question needs a choice list ("choices")` });
      else if (!lists[item.choices]) problems.push({ path: def.path, message: `unknown choice list "${item.choices}"` });
      else def.choices = lists[item.choices];
    } else if (item.type === 'country') {
      def.choices = countryChoices(item.specialCountries ?? true, typeof settings.host_country === 'string' ? settings.host_country : undefined);
    } else if (item.choices) {
      problems.push({ path: def.path, message: `"choices" is only for select and country questions, not ${item.type}` });
    }
    if (item.type === 'amount') {
      const bad = (item.currencies ?? []).filter((c) => !isCurrencyCode(c));
      if (bad.length) problems.push({ path: def.path, message: `not ISO 4217 currencies: ${bad.join(', ')}` });
      def.currencies = amountCurrencies(item.currencies, settings.local_currency);
    }
  }

  // 3. Expressions: compile, resolve references (a reference to a field is compiled to its index).
  const refIndex = { refIndex: (name: string) => byName.get(name)?.index };
  const compile = (def: FieldDef, what: string, source: string | undefined, edge: 'value' | 'check'): CompiledExpression | undefined => {
    if (source === undefined) return undefined;
    let c: CompiledExpression;
    try {
      c = compileExpression(source, `${def.path} (${what})`, refIndex);
    } catch (err) {
      if (err instanceof ExpressionError) {
        problems.push({ path: def.path, message: `${what}: ${err.detail} at position ${err.position + 1} of "${source}"` });
        return undefined;
      }
      throw err;
    }
    // pulldata('file', 'column', 'key column', key): the file is attached and has both columns.
    for (const call of callsOf(c.ast, 'pulldata')) {
      const [file, column, keyColumn] = call.args;
      if (file?.kind !== 'string') continue;
      const table = attachmentOf(q, file.value);
      if (!table) {
        problems.push({ path: def.path, message: `${what}: pulldata() reads "${file.value}.csv", which is not attached to the questionnaire` });
        continue;
      }
      for (const col of [column, keyColumn])
        if (col?.kind === 'string' && !table.header.includes(col.value))
          problems.push({ path: def.path, message: `${what}: pulldata() reads column "${col.value}", which "${file.value}.csv" does not have` });
    }
    for (const ref of c.refs) {
      if (ref.startsWith(CHOICE_PREFIX)) continue; // a column of the choice being filtered
      const target = byName.get(ref);
      if (!target) {
        if (!(ref in settings)) problems.push({ path: def.path, message: `${what} refers to unknown question \${${ref}} in "${source}"` });
        continue;
      }
      def.reads.push(target.index);
      if (edge === 'value') target.dependents.push(def.index);
      else target.checkDependents.push(def.index);
    }
    return c;
  };
  for (const def of fields) {
    const item = def.item;
    if ('relevant' in item) def.relevant = compile(def, 'relevant', item.relevant, 'value');
    if (item.kind === 'calculate') def.calculation = compile(def, 'calculation', item.calculation, 'value');
    if (item.kind === 'question') {
      def.calculation = compile(def, 'calculation', item.calculation, 'value');
      def.defaultValue = compile(def, 'default', item.default, 'value');
      def.constraint = compile(def, 'constraint', item.constraint, 'check');
      def.required = typeof item.required === 'string' ? compile(def, 'required', item.required, 'check') : item.required;
      def.choiceFilter = compile(def, 'choice filter', item.choiceFilter === undefined ? undefined : rewriteChoiceFilter(item.choiceFilter), 'check');
    }
    if (item.kind === 'roster') {
      def.repeatCount = compile(def, 'repeat count', item.repeatCount, 'value');
      if (item.repeatCount && item.rowsFrom)
        problems.push({ path: def.path, message: 'a roster takes its rows from a repeat count or from another roster, not both' });
      if (item.rowsFrom) {
        const source = byName.get(item.rowsFrom.roster);
        if (!source || source.item.kind !== 'roster')
          problems.push({ path: def.path, message: `rowsFrom names "${item.rowsFrom.roster}", which is not a roster` });
        else if (source.scope !== def.scope)
          problems.push({ path: def.path, message: `rowsFrom roster "${item.rowsFrom.roster}" must be at the same level as "${def.name}"` });
        else {
          def.rowsFrom = source.index;
          source.dependents.push(def.index);
          if (item.rowsFrom.filter) {
            def.rowsFromFilter = compile(def, 'rowsFrom filter', item.rowsFrom.filter, 'value');
          }
        }
      }
    }
    // Children follow their group's relevance.
    if (def.parent >= 0) fields[def.parent].dependents.push(def.index);
  }

  // 4. Evaluation order; a cycle between computed values is an error naming it.
  const order: number[] = [];
  const inputs: number[][] = fields.map(() => []);
  for (const f of fields) for (const d of f.dependents) inputs[d].push(f.index);
  const state = new Uint8Array(fields.length); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const visit = (i: number): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      const cycle = stack.slice(stack.indexOf(i)).map((k) => fields[k].name);
      problems.push({ path: fields[i].path, message: `circular reference: ${[...cycle, fields[i].name].join(' -> ')}` });
      return;
    }
    state[i] = 1;
    stack.push(i);
    // Visit what this field reads (its value inputs) and its parent first.
    for (const input of inputs[i]) visit(input);
    stack.pop();
    state[i] = 2;
    order.push(i);
  };
  for (let i = 0; i < fields.length; i++) if (state[i] === 0) visit(i);

  if (problems.length) throw new QuestionnaireError(dedupe(problems));
  const labels = new Map<string, Map<string, Text>>();
  for (const f of fields) if (f.choices) labels.set(f.name, new Map(f.choices.map((c) => [c.value, c.label])));
  return {
    source: q,
    fields,
    byName,
    order,
    fieldsOfScope,
    slotsOfScope,
    settings,
    choiceLabel: (question, value, language) => {
      const l = labels.get(question)?.get(value);
      return l === undefined ? undefined : textIn(l, language ?? q.languages.default, q.languages.default);
    },
    pulldata: pulldataLookup(q),
  };
}

/** The attachment `file` names (`fruits` or `fruits.csv`). */
function attachmentOf(q: Questionnaire, file: string): Attachment | undefined {
  const a = q.attachments ?? {};
  return Object.hasOwn(a, `${file}.csv`) ? a[`${file}.csv`] : Object.hasOwn(a, file) ? a[file] : undefined;
}

/** pulldata over the questionnaire's attachments: an index per (file, key column), built on first use. */
function pulldataLookup(q: Questionnaire): CompiledQuestionnaire['pulldata'] {
  const indexes = new Map<string, Map<string, string[]>>();
  return (file, column, keyColumn, key) => {
    const table = attachmentOf(q, file);
    if (!table) return '';
    const k = table.header.indexOf(keyColumn);
    const c = table.header.indexOf(column);
    if (k < 0 || c < 0) return '';
    const id = `${file}\u0000${keyColumn}`;
    let index = indexes.get(id);
    if (!index) {
      index = new Map();
      // The first row with a key wins, as ODK's lookup.
      for (const row of table.rows) {
        const v = (row[k] ?? '').trim();
        if (!index.has(v)) index.set(v, row);
      }
      indexes.set(id, index);
    }
    return index.get(key)?.[c] ?? '';
  };
}

const dedupe = (problems: DefinitionProblem[]) => uniqueBy(problems, (p) => `${p.path}|${p.message}`);

export type { Value };

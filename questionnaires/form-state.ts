import { InputError } from '../common/errors.js';
import { isEmpty, toBoolean, toNumber, toText, type EvalContext, type Scalar, type Value } from './expressions/index.js';
import { textIn, type CompiledQuestionnaire, type FieldDef } from './compile-questionnaire.js';
import type { ResponseDocument, Text } from './format.js';
import { CHOICE_PREFIX } from './choice-filter.js';
import { rosterRowCap } from './limits.js';
import { constraintInWords } from './constraint-words.js';
import { interfaceText } from './interface-text.js';
import { Row, type AnswerProblem, type ChangeSet, type FormOptions } from './form-row.js';
import { coerceDefault, expressionValue, sameValue, typeProblem } from './answer-values.js';

export { Row, typeProblem };

const FEEDING_ROWS = new WeakMap<CompiledQuestionnaire, Set<number>>();
const QUOTED_NAMES = new WeakMap<CompiledQuestionnaire, string[]>();

/** Each field's name as JSON text, by field index. */
function quotedNames(q: CompiledQuestionnaire): string[] {
  let names = QUOTED_NAMES.get(q);
  if (!names) QUOTED_NAMES.set(q, (names = q.fields.map((f) => JSON.stringify(f.name))));
  return names;
}
export type { AnswerProblem, ChangeSet, FormOptions };

/**
 * The live state of one interview: answers, relevance, computed values and problems for every item
 * and roster row, kept up to date incrementally as answers change (only what depends on the change
 * is evaluated again).
 */
export class FormState {
  readonly root: Row;
  private readonly q: CompiledQuestionnaire;
  private readonly options: FormOptions;
  private rowCache = new Map<number, Row[]>();
  private keyCounter = 0;
  private readonly rank: Int32Array;
  /** Evaluation context: the row an expression is evaluated in, and the field it belongs to. */
  private ctxRow!: Row;
  private ctxField!: FieldDef;
  private readonly ctx: EvalContext;
  private readonly structuralFields: Set<number>;
  /** [root], the rows of the household level. */
  private readonly rootRows: Row[];

  /**
   * An empty form, evaluated. With `forLoad` (the state is about to be given answers by load(), as when
   * a submission is validated) the empty form's evaluation is limited to what a load keeps of it:
   * defaults and the rows of counted rosters, with the fields they read (startFields). Everything else it
   * would compute, load() evaluates again from the answers; the resulting state is the same.
   */
  constructor(compiled: CompiledQuestionnaire, options: FormOptions = {}, forLoad = false) {
    this.q = compiled;
    this.options = options;
    this.rank = new Int32Array(compiled.fields.length);
    compiled.order.forEach((f, k) => (this.rank[f] = k));
    this.root = new Row('root', -1, null, compiled.slotsOfScope.get(-1)!);
    this.structuralFields = this.fieldsFeedingRows();
    this.ctx = {
      ref: (name) => this.resolve(name),
      refAt: (index) => this.resolveField(compiled.fields[index]),
      current: () => {
        // A calculation's value as loaded (a submitted interview, a resumed draft) is its current value,
        // so once() keeps what the device drew: `once(random())` is not drawn again by the server.
        const f = this.ctxField;
        if (f.item.kind === 'calculate') {
          const loaded = this.ctxRow.answers[f.slot];
          if (loaded !== undefined && loaded !== null && loaded !== '') return loaded as Value;
        }
        return this.ctxRow.values[f.slot] as Value;
      },
      position: () => {
        const r = this.ctxRow;
        if (!r.parent) return NaN;
        return (r.parent.children.get(r.scope) ?? []).indexOf(r) + 1;
      },
      choiceLabel: (question, value) => compiled.choiceLabel(question, value, options.language),
      pulldata: compiled.pulldata,
      indexedRepeat: (name, roster, index) => {
        const rosterDef = compiled.byName.get(roster);
        const target = compiled.byName.get(name);
        if (!rosterDef || !target) return null;
        const rows = this.rowsOf(rosterDef.index);
        const row = rows[index - 1];
        return row ? row.values[target.slot] : null;
      },
      now: options.now,
      newUuid: options.newUuid,
    };
    this.rootRows = [this.root];
    if (forLoad) this.evaluateStart();
    else this.evaluateAll();
  }

  /** The compiled questionnaire. */
  get questionnaire(): CompiledQuestionnaire {
    return this.q;
  }

  /** Switches the language of messages (answers are untouched). */
  setLanguage(language: string): void {
    (this.options as { language?: string }).language = language;
    this.evaluateAll();
  }

  // ---------------------------------------------------------------- paths

  /** Field and row of a path: `age`, `members[key].age`, `members[#2].age` (row by position from 0). */
  locate(path: string): { field: FieldDef; row: Row } {
    const segments = path.split('.');
    let row = this.root;
    for (let s = 0; s < segments.length - 1; s++) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\[(#?)([^\]]+)\]$/.exec(segments[s]);
      if (!m) throw new InputError('bad-path', `"${path}": "${segments[s]}" is not roster[key]`, path);
      const roster = this.q.byName.get(m[1]);
      if (!roster || roster.item.kind !== 'roster') throw new InputError('bad-path', `"${path}": "${m[1]}" is not a roster`, path);
      const rows = row.children.get(roster.index) ?? [];
      const next = m[2] ? rows[Number(m[3])] : rows.find((r) => r.key === m[3]);
      if (!next) throw new InputError('bad-path', `"${path}": roster "${m[1]}" has no row ${m[2] ? `#${m[3]}` : `"${m[3]}"`}`, path);
      row = next;
    }
    const field = this.q.byName.get(segments[segments.length - 1]);
    if (!field) throw new InputError('bad-path', `"${path}": no question "${segments[segments.length - 1]}"`, path);
    if (field.scope !== row.scope)
      throw new InputError(
        'bad-path',
        `"${path}": "${field.name}" is ${field.scope === -1 ? 'at the household level' : `in roster "${this.q.fields[field.scope].name}"`}`,
        path,
      );
    return { field, row };
  }

  /** Path of a field in a row, by keys (`members[k3].age`) or by positions (`members[2].age`). */
  pathOf(field: FieldDef, row: Row, style: 'key' | 'index' = 'key'): string {
    const parts: string[] = [field.name];
    let r: Row | null = row;
    while (r && r.parent) {
      const rosterName = this.q.fields[r.scope].name;
      const id = style === 'key' ? r.key : String((r.parent.children.get(r.scope) ?? []).indexOf(r));
      parts.unshift(`${rosterName}[${id}]`);
      r = r.parent;
    }
    return parts.join('.');
  }

  /** Current answer, value, relevance and problem at a path. */
  get(path: string): { answer: unknown; value: Value; relevant: boolean; problem: AnswerProblem | null } {
    const { field, row } = this.locate(path);
    return { answer: row.answers[field.slot], value: row.values[field.slot], relevant: row.relevant[field.slot] === 1, problem: row.problems[field.slot] };
  }

  /** Rows of a roster (under a parent row; by default everywhere). */
  rowsOf(rosterIndex: number, parent?: Row): Row[] {
    if (parent) return parent.children.get(rosterIndex) ?? [];
    let cached = this.rowCache.get(rosterIndex);
    if (!cached) {
      const roster = this.q.fields[rosterIndex];
      const parents = roster.scope === -1 ? [this.root] : this.rowsOf(roster.scope);
      cached = parents.flatMap((p) => p.children.get(rosterIndex) ?? []);
      this.rowCache.set(rosterIndex, cached);
    }
    return cached;
  }

  private rowsOfScope(scope: number): Row[] {
    return scope === -1 ? this.rootRows : this.rowsOf(scope);
  }

  // ---------------------------------------------------------------- expressions

  private resolve(name: string): Value {
    const target = this.q.byName.get(name);
    if (!target) {
      const s = this.q.settings[name];
      return s === undefined ? null : (s as Scalar);
    }
    return this.resolveField(target);
  }

  private resolveField(target: FieldDef): Value {
    // The row of the target's scope among the context row and its ancestors.
    let r: Row | null = this.ctxRow;
    const targetScope = target.item.kind === 'roster' ? target.scope : target.scope;
    while (r && r.scope !== targetScope) r = r.parent;
    if (r) {
      if (target.item.kind === 'roster') return (r.children.get(target.index) ?? []).map((x) => x.key);
      return r.values[target.slot];
    }
    // Otherwise a node-set: the values in every row of the target's roster below the nearest shared row.
    const rows = this.rowsOfScope(targetScope);
    if (target.item.kind === 'roster') return rows.flatMap((x) => (x.children.get(target.index) ?? []).map((c) => c.key));
    return rows.map((x) => x.values[target.slot] as Scalar);
  }

  private evaluate(field: FieldDef, row: Row, expr: { evaluate(ctx: EvalContext): Value }): Value {
    this.ctxRow = row;
    this.ctxField = field;
    return expr.evaluate(this.ctx);
  }

  // ---------------------------------------------------------------- evaluation

  private parentRelevant(field: FieldDef, row: Row): boolean {
    if (field.parent < 0) return true;
    const parent = this.q.fields[field.parent];
    const parentRow = parent.scope === row.scope ? row : row.parent!;
    return parentRow.relevant[parent.slot] === 1;
  }

  /** Evaluates relevance and value of one instance; true when either changed. */
  private evaluateField(field: FieldDef, row: Row): boolean {
    const item = field.item;
    let rel = this.parentRelevant(field, row);
    if (rel && field.relevant) rel = toBoolean(this.evaluate(field, row, field.relevant));
    let value: Value = null;
    if (item.kind === 'metadata') {
      if (row.answers[field.slot] === undefined) row.answers[field.slot] = this.metadataValue(item.type);
      value = row.answers[field.slot] as Value;
    } else if (rel) {
      if (field.calculation) {
        const v = this.evaluate(field, row, field.calculation);
        value = Array.isArray(v) ? toText(v) : (v as Scalar);
        if (typeof value === 'number' && !Number.isFinite(value)) value = null;
        if (item.kind === 'question') row.answers[field.slot] = value;
      } else if (item.kind === 'question') {
        if (row.answers[field.slot] === undefined && field.defaultValue) {
          const d = this.evaluate(field, row, field.defaultValue);
          if (!isEmpty(d)) row.answers[field.slot] = coerceDefault(item.type, d);
        }
        value = expressionValue(item.type, row.answers[field.slot]);
      }
    }
    const relByte = rel ? 1 : 0;
    const changed = row.relevant[field.slot] !== relByte || !sameValue(row.values[field.slot], value);
    row.relevant[field.slot] = relByte;
    row.values[field.slot] = value;
    return changed;
  }

  private metadataValue(type: string): string | null {
    const now = this.options.now ? this.options.now() : new Date();
    switch (type) {
      case 'start':
        return now.toISOString();
      case 'today':
        return now.toISOString().slice(0, 10);
      case 'deviceid':
        return this.options.deviceId ?? null;
      case 'enumerator':
        return this.options.enumerator ?? null;
      case 'seed':
        // A seed for randomize(), not a secret: Math.random (Web Crypto cost the server 26 us per
        // interview validated, for a value the submitted answers then replace).
        return String(this.options.newSeed ? this.options.newSeed() : Math.floor(Math.random() * 2 ** 32));
      default:
        return null; // end: set when the interview is completed
    }
  }

  /** The problem of one instance (required, constraint, choice filter), or null. */
  private checkField(field: FieldDef, row: Row): AnswerProblem | null {
    const item = field.item;
    if (item.kind !== 'question' || !row.relevant[field.slot]) return null;
    const lang = this.options.language ?? this.q.source.languages.default;
    const fallback = this.q.source.languages.default;
    const answer = row.answers[field.slot];
    const empty = answer === undefined || answer === null || answer === '' || (Array.isArray(answer) && answer.length === 0);
    if (empty) {
      const req = field.required === true || (field.required && typeof field.required === 'object' && toBoolean(this.evaluate(field, row, field.required)));
      if (req)
        return {
          path: this.pathOf(field, row, 'index'),
          code: 'required',
          message: textIn(item.requiredMessage, lang, fallback) || interfaceText(lang)('required'),
        };
      return null;
    }
    if (field.choiceFilter && field.choices) {
      const values = Array.isArray(answer) ? (answer as string[]) : [String(answer)];
      const allowed = this.filteredChoices(field, row).map((c) => c.value);
      const bad = values.find((v) => !allowed.includes(v));
      if (bad !== undefined) return { path: this.pathOf(field, row, 'index'), code: 'choice', message: `"${bad}" is not among the choices offered here` };
    }
    if (field.constraint && !toBoolean(this.evaluate(field, row, field.constraint))) {
      return {
        path: this.pathOf(field, row, 'index'),
        code: 'constraint',
        message:
          interpolate(textIn(item.constraintMessage, lang, fallback), this, field, row) ||
          interfaceText(lang)('answerMust', { words: constraintInWords(item.constraint ?? '', lang) }),
      };
    }
    return null;
  }

  /** The choices of a select question that pass its choice filter in this row. */
  filteredChoices(field: FieldDef, row: Row = this.root): { value: string; label: Text }[] {
    const choices = field.choices ?? [];
    if (!field.choiceFilter) return choices;
    const filter = field.choiceFilter;
    return choices.filter((c) => {
      // Bare names in a choice filter read the choice's columns (name/value: the choice itself).
      const props = c.properties ?? {};
      const saved = this.ctx.ref;
      this.ctx.ref = (name) => {
        if (!name.startsWith(CHOICE_PREFIX)) return this.resolve(name);
        const column = name.slice(CHOICE_PREFIX.length);
        if (column === 'name' || column === 'value') return c.value;
        if (Object.hasOwn(props, column)) return props[column];
        // label, label::English, label::English (en): the choice's label in that language.
        const label = /^label(?:::?\s*(.*?)\s*(?:\(([^)]+)\))?)?$/.exec(column);
        if (label) return textIn(c.label, label[2] ?? label[1] ?? this.options.language ?? this.q.source.languages.default, this.q.source.languages.default);
        return null;
      };
      try {
        return toBoolean(this.evaluate(field, row, filter));
      } finally {
        this.ctx.ref = saved;
      }
    });
  }

  /** Full evaluation in dependency order, rows of rosters rebuilt on the way; then every check. */
  evaluateAll(): void {
    this.evaluateFields(null);
    for (const field of this.q.fields) for (const row of this.rowsOfScope(field.scope)) row.problems[field.slot] = this.checkField(field, row);
  }

  /** Evaluation in dependency order of every field, or of those marked in `only`, rows of rosters rebuilt on the way. */
  private evaluateFields(only: Uint8Array | null): void {
    this.rowCache.clear();
    const { order, fields } = this.q;
    for (let k = 0; k < order.length; k++) {
      const f = order[k];
      if (only && only[f] === 0) continue;
      const field = fields[f];
      const syncs = field.item.kind === 'roster' && (field.repeatCount !== undefined || field.rowsFrom !== undefined);
      const rows = this.rowsOfScope(field.scope);
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r];
        this.evaluateField(field, row);
        if (syncs && this.syncRows(field, row)) this.rowCache.clear();
      }
    }
  }

  /**
   * The empty form's evaluation as far as a load keeps it. load() replaces the answers and rows it is
   * given and evaluates every field again, so what survives of the empty form is only what that second
   * evaluation does not redo: the defaults set on unanswered questions (evaluated on the empty form, as a
   * form starting does) and the rows a counted roster made (with their keys). Those fields and
   * everything they read, their groups' relevance included, are evaluated; the checks are not (load() makes them).
   */
  private evaluateStart(): void {
    const only = startFields(this.q);
    if (only) this.evaluateFields(only);
  }

  /** Rebuilds the rows of a counted or follow-up roster; true when rows were added or removed. */
  private syncRows(roster: FieldDef, parent: Row): boolean {
    if (!parent.relevant[roster.slot]) return false;
    const current = parent.children.get(roster.index) ?? [];
    const slots = this.q.slotsOfScope.get(roster.index)!;
    if (roster.repeatCount) {
      const n = Math.max(
        0,
        Math.min(
          Math.trunc(toNumber(this.evaluate(roster, parent, roster.repeatCount))) || 0,
          rosterRowCap(roster.item as { maxRows?: number }, this.q.source.settings),
        ),
      );
      if (n === current.length) return false;
      const rows = current.slice(0, n);
      while (rows.length < n) rows.push(new Row(this.nextKey(), roster.index, parent, slots));
      parent.children.set(roster.index, rows);
      return true;
    }
    const source = this.q.fields[roster.rowsFrom!];
    const sourceRows = parent.children.get(source.index) ?? [];
    const wanted = sourceRows.filter((r) => !roster.rowsFromFilter || toBoolean(this.evaluate(roster, r, roster.rowsFromFilter)));
    const byKey = new Map(current.map((r) => [r.key, r]));
    const rows = wanted.map((s) => byKey.get(s.key) ?? new Row(s.key, roster.index, parent, slots));
    const same = rows.length === current.length && rows.every((r, k) => r === current[k]);
    if (!same) parent.children.set(roster.index, rows);
    return !same;
  }

  private nextKey(): string {
    return `r${++this.keyCounter}`;
  }

  /** Fields whose value changes can add or remove roster rows (everything feeding a repeat count or a follow-up filter). */
  private fieldsFeedingRows(): Set<number> {
    // A property of the questionnaire: worked out once per compiled questionnaire, not per interview.
    const known = FEEDING_ROWS.get(this.q);
    if (known) return known;
    const out = new Set<number>();
    FEEDING_ROWS.set(this.q, out);
    for (const f of this.q.fields) {
      if (f.item.kind !== 'roster' || (!f.repeatCount && f.rowsFrom === undefined)) continue;
      for (const r of f.reads) out.add(r);
      if (f.rowsFrom !== undefined) out.add(f.rowsFrom);
    }
    // and anything upstream of those
    let grew = true;
    while (grew) {
      grew = false;
      for (const f of this.q.fields)
        if (!out.has(f.index) && f.dependents.some((d) => out.has(d))) {
          out.add(f.index);
          grew = true;
        }
    }
    return out;
  }

  // ---------------------------------------------------------------- changes

  /** Sets an answer (JSON form: string, number, string[] for select_multiple, {amount, currency}); re-evaluates what depends on it. */
  setAnswer(path: string, answer: unknown): ChangeSet {
    const { field, row } = this.locate(path);
    const item = field.item;
    if (item.kind !== 'question') throw new InputError('not-a-question', `"${path}" is a ${item.kind}, not a question`, path);
    if (item.readOnly || field.calculation) throw new InputError('read-only', `"${path}" is computed and cannot be answered`, path);
    const problem = typeProblem(field, answer);
    if (problem) throw new InputError('bad-answer', `${path}: ${problem}`, path);
    row.answers[field.slot] = answer === '' ? undefined : answer;
    if (this.structuralFields.has(field.index)) {
      this.evaluateAll();
      return { changed: [path], structural: true };
    }
    return this.propagate(field, row);
  }

  /** Re-evaluates the instances reachable from a changed one, in dependency order, then their checks. */
  private propagate(field: FieldDef, row: Row): ChangeSet {
    const fields = this.q.fields;
    const pending = new Map<number, Set<Row>>([[field.index, new Set([row])]]);
    const touched: [FieldDef, Row][] = [];
    const order = this.q.order;
    for (let k = this.rank[field.index]; k < order.length; k++) {
      const f = fields[order[k]];
      const rows = pending.get(f.index);
      if (!rows) continue;
      for (const r of rows) {
        const changed = this.evaluateField(f, r);
        touched.push([f, r]);
        if (!changed && !(f === field && r === row)) continue;
        for (const d of f.dependents) {
          const target = fields[d];
          let set = pending.get(d);
          if (!set) pending.set(d, (set = new Set()));
          for (const rr of this.related(target.scope, r)) set.add(rr);
        }
      }
    }
    // Checks of what changed and of the questions whose checks read it.
    const toCheck = new Map<string, [FieldDef, Row]>();
    for (const [f, r] of touched) {
      toCheck.set(`${f.index}:${this.rowId(r)}`, [f, r]);
      for (const c of f.checkDependents) for (const rr of this.related(fields[c].scope, r)) toCheck.set(`${c}:${this.rowId(rr)}`, [fields[c], rr]);
    }
    const changedPaths: string[] = [];
    for (const [f, r] of toCheck.values()) {
      const before = r.problems[f.slot];
      const after = this.checkField(f, r);
      r.problems[f.slot] = after;
      if ((before?.message ?? null) !== (after?.message ?? null)) changedPaths.push(this.pathOf(f, r));
    }
    for (const [f, r] of touched) changedPaths.push(this.pathOf(f, r));
    return { changed: [...new Set(changedPaths)], structural: false };
  }

  private rowIds = new WeakMap<Row, number>();
  private rowIdCounter = 0;
  private rowId(r: Row): number {
    let id = this.rowIds.get(r);
    if (id === undefined) this.rowIds.set(r, (id = ++this.rowIdCounter));
    return id;
  }

  /** Rows of a scope affected by a change in `row`: the same row, its ancestor row, the rows below it, or every row. */
  private related(scope: number, row: Row): Row[] {
    if (scope === row.scope) return [row];
    for (let r: Row | null = row.parent; r; r = r.parent) if (r.scope === scope) return [r];
    if (!this.isBelow(scope, row.scope)) return this.rowsOfScope(scope);
    const below: Row[] = [];
    const collect = (r: Row) => {
      for (const [rosterIndex, rows] of r.children) {
        for (const c of rows) {
          if (rosterIndex === scope) below.push(c);
          else collect(c);
        }
      }
    };
    collect(row);
    return below;
  }

  /** True when roster `scope` is nested (at any depth) inside `ancestorScope`. */
  private isBelow(scope: number, ancestorScope: number): boolean {
    for (let s = scope; s !== -1; s = this.q.fields[s].scope) if (this.q.fields[s].scope === ancestorScope) return true;
    return false;
  }

  /** Adds a row to an open-ended roster (under the row of `parentPath`, default the household); returns its key. */
  addRow(rosterName: string, parentPath?: string, key?: string): string {
    const roster = this.q.byName.get(rosterName);
    if (!roster || roster.item.kind !== 'roster') throw new InputError('bad-path', `"${rosterName}" is not a roster`, rosterName);
    if (roster.repeatCount || roster.rowsFrom !== undefined)
      throw new InputError(
        'rows-computed',
        `the rows of "${rosterName}" follow ${roster.repeatCount ? 'its repeat count' : `roster "${this.q.fields[roster.rowsFrom!].name}"`}; they cannot be added by hand`,
        rosterName,
      );
    const parent = parentPath ? this.locate(`${parentPath}.${rosterName}`).row : this.root;
    if (roster.scope !== parent.scope)
      throw new InputError('bad-path', `roster "${rosterName}" is not inside ${parentPath ?? 'the household level'}`, rosterName);
    const rows = parent.children.get(roster.index) ?? [];
    const max = rosterRowCap(roster.item as { maxRows?: number }, this.q.source.settings);
    if (rows.length >= max) throw new InputError('too-many-rows', `roster "${rosterName}" allows at most ${max} rows`, rosterName);
    const k = key ?? this.nextKey();
    if (rows.some((r) => r.key === k)) throw new InputError('duplicate-row', `roster "${rosterName}" already has a row "${k}"`, rosterName);
    parent.children.set(roster.index, [...rows, new Row(k, roster.index, parent, this.q.slotsOfScope.get(roster.index)!)]);
    this.evaluateAll();
    return k;
  }

  /** Removes one row by its key; other rows keep their keys and answers (follow-up rosters drop the matching row). */
  removeRow(rosterName: string, key: string, parentPath?: string): void {
    const roster = this.q.byName.get(rosterName);
    if (!roster || roster.item.kind !== 'roster') throw new InputError('bad-path', `"${rosterName}" is not a roster`, rosterName);
    const parent = parentPath ? this.locate(`${parentPath}.${rosterName}`).row : this.root;
    const rows = parent.children.get(roster.index) ?? [];
    if (!rows.some((r) => r.key === key)) throw new InputError('bad-path', `roster "${rosterName}" has no row "${key}"`, rosterName);
    parent.children.set(
      roster.index,
      rows.filter((r) => r.key !== key),
    );
    this.evaluateAll();
  }

  /** Sets the end time (on completion). */
  complete(): void {
    for (const f of this.q.fields) {
      if (f.item.kind === 'metadata' && f.item.type === 'end') {
        for (const row of this.rowsOfScope(f.scope)) row.answers[f.slot] = (this.options.now ? this.options.now() : new Date()).toISOString();
      }
    }
    this.evaluateAll();
  }

  // ---------------------------------------------------------------- documents

  /** Every problem of relevant questions (required, constraints, choice filters), in questionnaire order. */
  problems(): AnswerProblem[] {
    const out: AnswerProblem[] = [];
    const walk = (row: Row) => {
      for (const f of this.q.fieldsOfScope.get(row.scope) ?? []) {
        const field = this.q.fields[f];
        if (row.problems[field.slot]) out.push(row.problems[field.slot]!);
        if (field.item.kind === 'roster') for (const c of row.children.get(field.index) ?? []) walk(c);
      }
    };
    walk(this.root);
    return out;
  }

  /** The answers to save: relevant questions, calculations and metadata; roster rows with their keys. */
  answers(): Record<string, unknown> {
    return JSON.parse(this.answersText()) as Record<string, unknown>;
  }

  /**
   * The answers to save as JSON text (what answers() parses; the server stores the text as it is). Written
   * directly: objects built by keyed stores of many names are in V8's slow dictionary mode, and the
   * server only needed their text.
   */
  answersText(): string {
    const { fields, fieldsOfScope } = this.q;
    const quoted = quotedNames(this.q);
    const build = (row: Row): string => {
      let out = row.parent ? '{"_key":' + JSON.stringify(row.key) : '{';
      let first = !row.parent;
      const scope = fieldsOfScope.get(row.scope) ?? [];
      for (let k = 0; k < scope.length; k++) {
        const field = fields[scope[k]];
        const kind = field.item.kind;
        let text: string;
        if (kind === 'roster') {
          if (!row.relevant[field.slot]) continue;
          const rows = row.children.get(field.index) ?? [];
          text = '[';
          for (let r = 0; r < rows.length; r++) text += (r ? ',' : '') + build(rows[r]);
          text += ']';
        } else {
          if (kind === 'group' || kind === 'note') continue;
          if (!row.relevant[field.slot] && kind !== 'metadata') continue;
          const v = kind === 'question' ? row.answers[field.slot] : row.values[field.slot];
          if (v === undefined || v === null || v === '') continue;
          text = JSON.stringify(v);
        }
        out += (first ? '' : ',') + quoted[field.index] + ':' + text;
        first = false;
      }
      return out + '}';
    };
    return build(this.root);
  }

  /** Loads answers (as saved by answers()); returns problems for fields the questionnaire does not have and answers of the wrong type. */
  load(answers: Record<string, unknown>): AnswerProblem[] {
    const problems: AnswerProblem[] = [];
    // Paths are spelled out only for problems (most loads have none).
    const pathIn = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);
    const fill = (row: Row, data: Record<string, unknown>, prefix: string) => {
      const names = Object.keys(data);
      for (let n = 0; n < names.length; n++) {
        const name = names[n];
        if (name === '_key') continue;
        const value = data[name];
        const field = this.q.byName.get(name);
        if (!field || field.scope !== row.scope) {
          problems.push({
            path: pathIn(prefix, name),
            code: 'unknown-field',
            message: `"${name}" is not a question ${row.parent ? `of roster "${this.q.fields[row.scope].name}"` : 'at the household level'}`,
          });
          continue;
        }
        const item = field.item;
        if (item.kind === 'roster') {
          const path = pathIn(prefix, name);
          if (!Array.isArray(value)) {
            problems.push({ path, code: 'type', message: 'a roster must be a list of rows' });
            continue;
          }
          const cap = rosterRowCap(item, this.q.source.settings);
          if (value.length > cap) {
            problems.push({ path, code: 'rows', message: `has ${value.length} rows; at most ${cap} are allowed` });
            continue;
          }
          const rows: Row[] = [];
          const seen = new Set<string>();
          const slots = this.q.slotsOfScope.get(field.index)!;
          for (let k = 0; k < value.length; k++) {
            const rec = (value[k] ?? {}) as Record<string, unknown>;
            const key = typeof rec._key === 'string' && rec._key ? rec._key : `r${k + 1}`;
            if (seen.has(key)) problems.push({ path: `${path}[${k}]`, code: 'rows', message: `row key "${key}" appears twice` });
            seen.add(key);
            const child = new Row(key, field.index, row, slots);
            rows.push(child);
            fill(child, rec, `${path}[${k}]`);
          }
          row.children.set(field.index, rows);
          for (const r of rows) this.keyCounter = Math.max(this.keyCounter, Number(/^r(\d+)$/.exec(r.key)?.[1] ?? 0));
          continue;
        }
        if (item.kind === 'question' || item.kind === 'metadata' || item.kind === 'calculate') {
          if (item.kind === 'question' && !field.calculation) {
            const t = typeProblem(field, value);
            if (t) {
              problems.push({ path: pathIn(prefix, name), code: 'type', message: t });
              continue;
            }
          }
          row.answers[field.slot] = value;
          continue;
        }
        problems.push({ path: pathIn(prefix, name), code: 'unknown-field', message: `"${name}" is a ${item.kind} and takes no answer` });
      }
    };
    fill(this.root, answers, '');
    this.evaluateAll();
    return problems;
  }

  /** Answers given in a document to questions that do not apply (skip logic says they should be empty). */
  notRelevantAnswers(answers: Record<string, unknown>): AnswerProblem[] {
    const out: AnswerProblem[] = [];
    const walk = (row: Row, data: Record<string, unknown>) => {
      const names = Object.keys(data);
      for (let n = 0; n < names.length; n++) {
        const name = names[n];
        const value = data[name];
        const field = this.q.byName.get(name);
        if (!field || field.scope !== row.scope) continue;
        if (field.item.kind === 'roster' && Array.isArray(value)) {
          const rows = row.children.get(field.index) ?? [];
          for (let k = 0; k < value.length && k < rows.length; k++) walk(rows[k], (value[k] ?? {}) as Record<string, unknown>);
          continue;
        }
        if (field.item.kind === 'question' && !field.calculation && !row.relevant[field.slot] && value !== null && value !== '') {
          out.push({ path: this.pathOf(field, row, 'index'), code: 'not-relevant', message: 'answered, but the question does not apply (skip logic)' });
        }
      }
    };
    walk(this.root, answers);
    return out;
  }

  /** A response document of this state. */
  toResponse(instanceId: string, extra: Partial<ResponseDocument> = {}): ResponseDocument {
    return { instanceId, questionnaire: { id: this.q.source.id, version: this.q.source.version }, answers: this.answers(), ...extra };
  }
}

const START_FIELDS = new WeakMap<CompiledQuestionnaire, Uint8Array | null>();

/**
 * The fields an empty form's evaluation must reach before a load (FormState's forLoad): questions with
 * a default and counted rosters, and every field their evaluation reads (value references, the
 * groups and rosters they sit in, the source rosters of rows), marked 1; null when there are none.
 */
function startFields(q: CompiledQuestionnaire): Uint8Array | null {
  const known = START_FIELDS.get(q);
  if (known !== undefined) return known;
  const inputs: number[][] = q.fields.map(() => []);
  for (const f of q.fields) for (const d of f.dependents) inputs[d].push(f.index);
  const marked = new Uint8Array(q.fields.length);
  const todo: number[] = [];
  for (const f of q.fields) if (f.defaultValue !== undefined || (f.item.kind === 'roster' && f.repeatCount !== undefined)) todo.push(f.index);
  while (todo.length) {
    const i = todo.pop()!;
    if (marked[i]) continue;
    marked[i] = 1;
    const f = q.fields[i];
    for (const x of inputs[i]) todo.push(x);
    if (f.parent >= 0) todo.push(f.parent);
    if (f.rowsFrom !== undefined) todo.push(f.rowsFrom);
    if (f.scope >= 0) todo.push(f.scope);
  }
  const out = marked.includes(1) ? marked : null;
  START_FIELDS.set(q, out);
  return out;
}

function interpolate(message: string, state: FormState, field: FieldDef, row: Row): string {
  return message.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
    const target = state.questionnaire.byName.get(name);
    if (!target) return name in state.questionnaire.settings ? String(state.questionnaire.settings[name]) : '';
    let r: Row | null = row;
    while (r && r.scope !== target.scope) r = r.parent;
    return r ? toText(r.values[target.slot]) : '';
  });
}

import type { Value } from './values.js';

/** What an expression can see while it is evaluated. Only `ref` is required. */
export interface EvalContext {
  /** Value of ${name}, resolved nearest in scope; a roster question seen from outside is a node-set. */
  ref(name: string): Value;
  /**
   * ref(name) for a name the compiler resolved to a number (CompileOptions.refIndex: a questionnaire's
   * field index), saving the lookup by name at every evaluation; `name` is the same name.
   */
  refAt?(index: number, name: string): Value;
  /** Value of the node the expression belongs to (`.`, and `once()`). */
  current?(): Value;
  /** 1-based position of the current roster row (`position(..)`). */
  position?(): number;
  /** Label of a choice of a question (`jr:choice-name`). */
  choiceLabel?(question: string, value: string): string | undefined;
  /** Value of `name` in row `index` (1-based) of roster `roster` (`indexed-repeat`). */
  indexedRepeat?(name: string, roster: string, index: number): Value;
  /** pulldata(file, column, keyColumn, key): `column` of the first row of the attached `file`.csv whose `keyColumn` is `key`. */
  pulldata?(file: string, column: string, keyColumn: string, key: string): string;
  /** The clock for today() and now(); default the system clock. */
  now?(): Date;
  /** Source of uuid(); default crypto.randomUUID. */
  newUuid?(): string;
}

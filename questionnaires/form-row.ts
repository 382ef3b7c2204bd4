import type { Value } from './expressions/index.js';

/** A problem with an answer: its path (`members[2].age`, rows counted from 0), a stable code and a message. */
export interface AnswerProblem {
  path: string;
  code: 'required' | 'constraint' | 'type' | 'choice' | 'not-relevant' | 'rows' | 'unknown-field' | 'schema';
  message: string;
}

/** Options of a form state: the clock, the enumerator and device, the language of messages. */
export interface FormOptions {
  now?: () => Date;
  enumerator?: string;
  deviceId?: string;
  newUuid?: () => string;
  /** Source of the interview's seed (metadata type seed); default a random 32-bit number. */
  newSeed?: () => number;
  language?: string;
}

/** One row of the household level or of a roster. Answers are kept even when an item stops applying. */
export class Row {
  readonly answers: unknown[];
  readonly values: Value[];
  readonly relevant: Uint8Array;
  readonly problems: (AnswerProblem | null)[];
  readonly children = new Map<number, Row[]>();
  constructor(
    readonly key: string,
    readonly scope: number,
    readonly parent: Row | null,
    slots: number,
  ) {
    this.answers = new Array(slots).fill(undefined);
    this.values = new Array(slots).fill(null);
    this.relevant = new Uint8Array(slots);
    this.problems = new Array(slots).fill(null);
  }
}

/** What one change touched: paths whose value, relevance or problem changed. */
export interface ChangeSet {
  changed: string[];
  structural: boolean;
}

import { InputError } from '../../common/errors.js';

/** A syntax or compile error in an expression, with the 0-based position in its source. */
export class ExpressionError extends InputError {
  readonly expression: string;
  readonly position: number;
  readonly detail: string;

  /** Creates an error about `expression` at `position`; the message quotes both and the place, if any. */
  constructor(code: string, detail: string, expression: string, position: number, where?: string) {
    super(code, `${where ? `${where}: ` : ''}${detail} at position ${position + 1} of "${expression}"`, where);
    this.name = 'ExpressionError';
    this.expression = expression;
    this.position = position;
    this.detail = detail;
  }

  /** The same error attributed to a place (a question, a flag). */
  at(where: string): ExpressionError {
    return new ExpressionError(this.code, this.detail, this.expression, this.position, where);
  }
}

/** A problem found while evaluating (e.g. an invalid regular expression built at run time). */
export class EvaluationError extends InputError {
  constructor(message: string) {
    super('expression-evaluation', message);
    this.name = 'EvaluationError';
  }
}

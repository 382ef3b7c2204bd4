/**
 * Errors a person can act on. Every pure module (questionnaires, sampling, analysis) throws these for
 * bad input; the edges turn them into HTTP 4xx problem+json or CLI exit code 2 without a stack trace.
 */
export class InputError extends Error {
  /** Stable machine-readable code, e.g. `unknown-column`. */
  readonly code: string;
  /** Where the problem is: a row, column, question or JSON path. */
  readonly where?: string;

  /** Creates an input error with a stable code, a message and optionally the place it refers to. */
  constructor(code: string, message: string, where?: string) {
    super(message);
    this.name = 'InputError';
    this.code = code;
    this.where = where;
  }
}

/** True for errors that describe bad input rather than a defect in the program. */
export function isInputError(err: unknown): err is InputError {
  return err instanceof InputError;
}

/** The message of any thrown value, for logs and one-line user output. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

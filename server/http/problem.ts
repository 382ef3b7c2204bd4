import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { isInputError } from '../../common/errors.js';
import { PROBLEMS, type ProblemCode } from './problems.js';

/** An RFC 9457 problem document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  [extension: string]: unknown;
}

/** An error that becomes a problem+json response; its status is the catalogue's for its code. */
export class HttpProblem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly extensions: Record<string, unknown>;

  /** Creates a problem with a code of the catalogue (problems.ts) and a detail a person can act on. */
  constructor(code: ProblemCode, detail: string, extensions: Record<string, unknown> = {}) {
    super(detail);
    this.status = PROBLEMS[code];
    this.code = code;
    this.extensions = extensions;
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Writes a problem+json response (the status is the catalogue's for the code). */
export function sendProblem(
  res: Response,
  code: ProblemCode,
  detail: string,
  extensions: Record<string, unknown> = {},
  details: { inputCode?: string } = {},
): void {
  const status = PROBLEMS[code];
  const body: Problem = {
    type: `https://mdsurvey.org/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code: details.inputCode ?? code,
    instance: res.req?.originalUrl,
    ...extensions,
  };
  res.status(status).type('application/problem+json').send(JSON.stringify(body));
}

/** 404 for any /api route nobody handled. */
export const apiNotFound: RequestHandler = (req, res) => {
  sendProblem(res, 'not-found', `no such endpoint: ${req.method} ${req.originalUrl}`);
};

/**
 * Last error handler: known errors become their 4xx; body-parser failures keep their status with a
 * clear detail; anything else is logged in full and answered with a 500 carrying no internals.
 */
export const problemHandler: ErrorRequestHandler = (err, req, res, _next) => {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (err instanceof HttpProblem) return sendProblem(res, err.code, err.message, err.extensions);
  if (isInputError(err)) return sendProblem(res, 'bad-request', err.message, err.where ? { where: err.where } : {}, { inputCode: err.code });
  const e = err as { type?: string; status?: number; statusCode?: number; limit?: number; expose?: boolean };
  const status = e.status ?? e.statusCode;
  if (e.type === 'entity.parse.failed') return sendProblem(res, 'malformed-json', 'the request body is not valid JSON');
  if (e.type === 'entity.too.large') return sendProblem(res, 'body-too-large', `the request body exceeds the limit of ${e.limit} bytes`);
  if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported')
    return sendProblem(res, 'unsupported-encoding', 'unsupported body encoding or charset');
  if (typeof status === 'number' && status >= 400 && status < 500 && e.expose !== false) {
    return sendProblem(
      res,
      status === 413 ? 'body-too-large' : status === 415 ? 'unsupported-media-type' : 'bad-request',
      (err as Error).message || 'bad request',
    );
  }
  req.log?.error({ err }, 'unhandled error');
  sendProblem(res, 'internal', 'an unexpected error occurred; it has been logged');
};

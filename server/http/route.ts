import express, { type Request, type Response, type Router } from 'express';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { Database } from '../db/index.js';
import type { Role, User } from '../auth/users.js';
import { HttpProblem } from './problem.js';

/** JSON Schema (as a plain object). */
export type JsonSchema = Record<string, unknown>;

/** What a handler gets: the signed-in user, parsed parameters and the validated body. */
export interface RouteContext {
  req: Request;
  res: Response;
  db: Database;
  user: User;
  params: Record<string, string>;
  body: unknown;
  query: Record<string, string>;
}

/** A handler's answer (or `undefined` when it wrote the response itself, e.g. a stream). */
export type RouteResult = { status?: number; body?: unknown; headers?: Record<string, string> } | undefined;

/** One API route: method, path, who may call it, the shape of its body, and the handler. */
export interface RouteSpec {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express path under /api/v1, with :params (each must be a UUID unless named in `textParams`). */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; every other signed-in user gets 403, anyone not signed in 401. */
  roles: readonly Role[] | 'public';
  body?: JsonSchema;
  /** Path parameters that are not UUIDs (checked against a safe pattern instead). */
  textParams?: string[];
  handler(ctx: RouteContext): Promise<RouteResult>;
}

const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);
/** A UUID as routes take it. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UUID = UUID_PATTERN;

/** A whole-number query parameter within [min, max] (absent: the default); anything else is a 400 naming it. */
export function intParameter(query: Record<string, string>, name: string, dflt: number, min: number, max: number): number {
  const raw = query[name];
  if (raw === undefined || raw === '') return dflt;
  const n = /^-?\d{1,12}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new HttpProblem('bad-parameter', `${name} must be a whole number from ${min} to ${max}; got "${raw.slice(0, 40)}"`);
  return n;
}
const SAFE_TEXT = /^[A-Za-z0-9_.-]{1,100}$/;

/** A compiled validator of a request body schema (ajv, all errors, with formats). */
export function bodyValidator(schema: JsonSchema) {
  return ajv.compile(schema);
}

/** ajv errors as `{path, message}` a person can act on. */
export function schemaErrors(errors: ErrorObject[] | null | undefined): { path: string; message: string }[] {
  return (errors ?? []).map((e) => ({
    path: e.instancePath || '/',
    message:
      e.keyword === 'additionalProperties' ? `unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"` : (e.message ?? 'invalid'),
  }));
}

/** Mounts route specs on a router: authentication, role check, parameter and body validation, then the handler. */
export function mountRoutes(router: Router, db: Database, routes: readonly RouteSpec[], authenticate: (req: Request) => Promise<User | null>): void {
  // A request is matched against the routes of its method only (a router tries its routes one by one:
  // a submission, the busiest route, was tried against 31 paths first). OPTIONS, which express answers
  // with every method of a path, and anything else go through all of them as before; HEAD is a GET.
  const all = express.Router();
  const byMethod = new Map<string, Router>();
  router.use((req, res, next) => {
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const own = method === 'OPTIONS' ? all : (byMethod.get(method) ?? (KNOWN_METHODS.has(method) ? null : all));
    if (own) own(req, res, next);
    else next();
  });
  for (const spec of routes) {
    const validate = spec.body ? ajv.compile(spec.body) : null;
    let own = byMethod.get(spec.method.toUpperCase());
    if (!own) byMethod.set(spec.method.toUpperCase(), (own = express.Router()));
    const handler = async (req: Request, res: Response, next: (err?: unknown) => void) => {
      try {
        const user = spec.roles === 'public' ? ((await authenticate(req)) as User) : await authenticate(req);
        if (spec.roles !== 'public') {
          if (!user) throw new HttpProblem('unauthenticated', 'sign in first (session cookie or Authorization: Bearer token)');
          if (!spec.roles.includes(user.role)) throw new HttpProblem('forbidden', `the ${user.role} role may not ${spec.summary.toLowerCase()}`);
        }
        const params = req.params as Record<string, string>;
        for (const [name, value] of Object.entries(params)) {
          const ok = spec.textParams?.includes(name) ? SAFE_TEXT.test(value) : UUID.test(value);
          if (!ok) throw new HttpProblem('bad-parameter', `path parameter "${name}" is not a valid ${spec.textParams?.includes(name) ? 'name' : 'id (UUID)'}`);
        }
        let body: unknown = undefined;
        if (validate) {
          body = req.body;
          if (body === undefined || !validate(body)) {
            const errors = schemaErrors(validate.errors);
            throw new HttpProblem(
              'invalid-body',
              body === undefined ? 'a JSON body is required' : `the request body is invalid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`,
              { errors },
            );
          }
        }
        const query: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') query[k] = v;
        const result = await spec.handler({ req, res, db, user: user!, params, body, query });
        if (result === undefined) return;
        if (result.headers) for (const [k, v] of Object.entries(result.headers)) res.setHeader(k, v);
        res.status(result.status ?? 200).json(result.body ?? {});
      } catch (err) {
        next(err);
      }
    };
    own[spec.method](spec.path, handler);
    all[spec.method](spec.path, handler);
  }
}

/** Methods some route may be declared with (RouteSpec.method): a request with one of them that no route has is not ours. */
const KNOWN_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

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
  // A request is looked up in the routes of its method (RouteTable: by number of segments, then the
  // literal ones): express's router tries its routes one by one, each a layer of its own, and a
  // submission, the busiest route, came after 16 others. OPTIONS, which express answers with every
  // method of a path, goes through an express router of all routes as before; HEAD is a GET.
  const all = express.Router();
  const byMethod = new Map<string, RouteTable<RouteHandler>>();
  router.use((req, res, next) => {
    if (req.method === 'OPTIONS') return all(req, res, next);
    const found = byMethod.get(req.method === 'HEAD' ? 'GET' : req.method)?.find(req.path);
    if (!found) return next();
    if (found === 'undecodable') return next(new HttpProblem('bad-parameter', 'a path parameter is not valid percent-encoding'));
    req.params = found.params;
    found.value(req, res, next);
  });
  for (const spec of routes) {
    const validate = spec.body ? ajv.compile(spec.body) : null;
    let own = byMethod.get(spec.method.toUpperCase());
    if (!own) byMethod.set(spec.method.toUpperCase(), (own = new RouteTable()));
    const handler: RouteHandler = async (req, res, next) => {
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
        sendJson(res, result.status ?? 200, result.body ?? {});
      } catch (err) {
        next(err);
      }
    };
    own.add(spec.path, handler);
    all[spec.method](spec.path, handler);
  }
}

type RouteHandler = (req: Request, res: Response, next: (err?: unknown) => void) => void;

/**
 * The routes of one method, found by path as express finds them (its defaults: literal text matches
 * whatever its case, a trailing slash is optional, a `:name` takes a non-empty part of a segment and is
 * percent-decoded, as in `:level.csv`), the first added winning; but looked up among the routes with as
 * many segments, not tried one by one.
 */
export class RouteTable<T> {
  private readonly bySegments = new Map<number, { parts: RoutePart[]; value: T }[]>();

  add(path: string, value: T): void {
    const parts = path
      .split('/')
      .slice(1)
      .map((p): RoutePart => {
        const m = /^(?::([A-Za-z_$][A-Za-z0-9_$]*))?([A-Za-z0-9._-]*)$/.exec(p);
        if (!m || (!m[1] && !m[2])) throw new Error(`route path ${path}: only literal segments and :name segments (with a literal suffix) are supported`);
        return { param: m[1] ?? null, literal: m[2].toLowerCase() };
      });
    let list = this.bySegments.get(parts.length);
    if (!list) this.bySegments.set(parts.length, (list = []));
    list.push({ parts, value });
  }

  /** The route of a path (without its query) and its parameters; 'undecodable' when a parameter is not valid percent-encoding. */
  find(path: string): { value: T; params: Record<string, string> } | 'undecodable' | null {
    const segments = path.split('/');
    // "/a/b" -> ['', 'a', 'b']; "/a/b/" -> ['', 'a', 'b', ''] (the trailing slash is optional).
    const end = segments.length > 2 && segments[segments.length - 1] === '' ? segments.length - 1 : segments.length;
    if (segments[0] !== '') return null;
    const list = this.bySegments.get(end - 1);
    if (!list) return null;
    for (const { parts, value } of list) {
      let k = 0;
      for (; k < parts.length; k++) if (!partMatches(parts[k], segments[k + 1])) break;
      if (k < parts.length) continue;
      const params: Record<string, string> = {};
      for (k = 0; k < parts.length; k++) {
        const { param, literal } = parts[k];
        if (param === null) continue;
        const seg = segments[k + 1];
        try {
          params[param] = decodeURIComponent(seg.slice(0, seg.length - literal.length));
        } catch {
          return 'undecodable';
        }
      }
      return { value, params };
    }
    return null;
  }
}

/** A segment of a route path: literal text (lower case), after a parameter when `param` is set. */
type RoutePart = { param: string | null; literal: string };

function partMatches({ param, literal }: RoutePart, seg: string): boolean {
  if (param === null) return seg === literal || seg.toLowerCase() === literal;
  if (seg.length <= literal.length) return false;
  const tail = seg.slice(seg.length - literal.length);
  return tail === literal || tail.toLowerCase() === literal;
}

/** A JSON answer, as express's res.json writes it (no ETag: API answers are no-store), without its layers. */
function sendJson(res: Response, status: number, body: unknown): void {
  res.statusCode = status;
  if (status === 204 || status === 304) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  // A type the handler set is kept, as res.json keeps it.
  if (!res.hasHeader('Content-Type')) res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

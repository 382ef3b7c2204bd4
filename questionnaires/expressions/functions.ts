import type { RE2JS } from 're2js';
import type { EvalContext } from './context.js';
import { MAX_PATTERN_LENGTH } from '../limits.js';
import { drawIndex } from '../../common/random.js';
import { EvaluationError } from './errors.js';
import { daysToIsoDate, isEmpty, isoToDays, toBoolean, toList, toNumber, toText, type Value } from './values.js';

/** The libraries behind regex() (re2js) and distance()/area() (GeographicLib). */
export interface ExpressionLibraries {
  re2js: { RE2JS: typeof RE2JS };
  geodesic: typeof import('geographiclib-geodesic');
}

const libraries: Partial<ExpressionLibraries> = {};

/** Gives the libraries (a browser bundle does, from client/src/main.tsx: it has no require). */
export function provideExpressionLibraries(given: ExpressionLibraries): void {
  Object.assign(libraries, given);
}

/**
 * A library of the language, loaded on first use: in Node synchronously from node_modules, so that the
 * ~320 KB of code of the two is not loaded and compiled by every process and thread that never
 * evaluates a regex or a distance (a CLI command, each thread reading a file).
 */
function library<K extends keyof ExpressionLibraries>(name: K): ExpressionLibraries[K] {
  const given = libraries[name];
  if (given) return given;
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:module') as
    typeof import('node:module') | undefined;
  if (!node) throw new EvaluationError(`${name === 're2js' ? 'regex()' : 'distance() and area()'} are not available here (no library was provided)`);
  const loaded = node.createRequire(import.meta.url)(name === 're2js' ? 're2js' : 'geographiclib-geodesic') as ExpressionLibraries[K];
  libraries[name] = loaded;
  return loaded;
}

/** A function of the language: arity and implementation over evaluated arguments. */
export interface FunctionDef {
  min: number;
  max: number;
  /** Result depends on more than its arguments (clock, randomness): never cached. */
  volatile?: boolean;
  impl(args: Value[], ctx: EvalContext): Value;
}

const words = (v: Value): string[] => {
  const s = toText(v).trim();
  return s === '' ? [] : s.split(/\s+/);
};
const flatNumbers = (args: Value[]): number[] => args.flatMap((a) => toList(a).map((x) => toNumber(x)));
const nowOf = (ctx: EvalContext): Date => (ctx.now ? ctx.now() : new Date());

/** A compiled user pattern; `test` looks for a match anywhere in the text, as XPath's regex() does. */
export interface UserPattern {
  test(text: string): boolean;
}

const regexCache = new Map<string, UserPattern>();
/**
 * Compiles (and caches) a user regular expression with RE2 semantics (re2js): matching takes time
 * linear in the text whatever the pattern, so a constraint cannot stall a browser or the server.
 * Patterns RE2 cannot run in linear time (backreferences, lookaround) are refused with the reason:
 * an EvaluationError, not a crash. The same engine runs in the browser and on the server.
 */
export function userRegex(pattern: string): UserPattern {
  let re = regexCache.get(pattern);
  if (!re) {
    if (pattern.length > MAX_PATTERN_LENGTH) throw new EvaluationError(`regular expression is longer than ${MAX_PATTERN_LENGTH} characters`);
    let compiled: RE2JS;
    try {
      compiled = library('re2js').RE2JS.compile(pattern);
    } catch (err) {
      throw new EvaluationError(
        `invalid regular expression /${pattern}/ (RE2 syntax, which runs in linear time: no backreferences or lookaround): ${(err as Error).message}`,
      );
    }
    re = { test: (text: string) => compiled.matcher(text).find() };
    if (regexCache.size > 500) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** ODK format-date patterns (%Y %y %m %n %b %d %e %a %H %h %M %S), evaluated in UTC. */
function formatDate(v: Value, fmt: string): string {
  const days = toNumber(v);
  if (!Number.isFinite(days)) return '';
  const d = new Date(days * 86_400_000);
  return fmt.replace(/%([YymnbdeaHhMS%])/g, (_, c: string) => {
    switch (c) {
      case 'Y':
        return String(d.getUTCFullYear());
      case 'y':
        return pad(d.getUTCFullYear() % 100);
      case 'm':
        return pad(d.getUTCMonth() + 1);
      case 'n':
        return String(d.getUTCMonth() + 1);
      case 'b':
        return MONTHS[d.getUTCMonth()];
      case 'd':
        return pad(d.getUTCDate());
      case 'e':
        return String(d.getUTCDate());
      case 'a':
        return DAYS[d.getUTCDay()];
      case 'H':
        return pad(d.getUTCHours());
      case 'h':
        return String(d.getUTCHours());
      case 'M':
        return pad(d.getUTCMinutes());
      case 'S':
        return pad(d.getUTCSeconds());
      default:
        return '%';
    }
  });
}

/**
 * The function library. `if`, `and`-like laziness is handled by the compiler for `if` and
 * `coalesce`; `jr:choice-name`, `indexed-repeat` and `position` take names and are compiled specially.
 */
export const FUNCTIONS: Record<string, FunctionDef> = {
  // draw-line(${eligible}, ${seed}): the row (1-based) of one eligible roster row (value 1) drawn uniformly,
  // reproducibly from the interview's seed; '' when no row is eligible (DHS-style one-person selection).
  'draw-line': {
    min: 2,
    max: 2,
    impl: ([set, seed]) => {
      const eligible: number[] = [];
      toList(set).forEach((v, i) => {
        if (toNumber(v) === 1) eligible.push(i + 1);
      });
      if (eligible.length === 0 || isEmpty(seed)) return '';
      return eligible[drawIndex(eligible.length, toText(seed))];
    },
  },
  selected: { min: 2, max: 2, impl: ([v, x]) => words(v).includes(toText(x).trim()) },
  'count-selected': { min: 1, max: 1, impl: ([v]) => words(v).length },
  'selected-at': { min: 2, max: 2, impl: ([v, i]) => words(v)[toNumber(i)] ?? '' },
  not: { min: 1, max: 1, impl: ([v]) => !toBoolean(v) },
  true: { min: 0, max: 0, impl: () => true },
  false: { min: 0, max: 0, impl: () => false },
  boolean: { min: 1, max: 1, impl: ([v]) => toBoolean(v) },
  concat: { min: 0, max: Infinity, impl: (args) => args.map((a) => toList(a).map(toText).join('')).join('') },
  join: { min: 1, max: Infinity, impl: ([sep, ...rest]) => rest.flatMap((a) => toList(a).map(toText)).join(toText(sep)) },
  string: { min: 1, max: 1, impl: ([v]) => toText(v) },
  'string-length': { min: 1, max: 1, impl: ([v]) => [...toText(v)].length },
  contains: { min: 2, max: 2, impl: ([a, b]) => toText(a).includes(toText(b)) },
  'starts-with': { min: 2, max: 2, impl: ([a, b]) => toText(a).startsWith(toText(b)) },
  'ends-with': { min: 2, max: 2, impl: ([a, b]) => toText(a).endsWith(toText(b)) },
  substr: {
    min: 2,
    max: 3,
    impl: ([s, start, end]) => {
      const chars = [...toText(s)];
      const from = Math.max(0, Math.trunc(toNumber(start)) || 0);
      const to = end === undefined ? chars.length : Math.trunc(toNumber(end));
      return Number.isNaN(to) ? '' : chars.slice(from, to).join('');
    },
  },
  regex: { min: 2, max: 2, impl: ([s, p]) => userRegex(toText(p)).test(toText(s)) },
  number: { min: 1, max: 1, impl: ([v]) => toNumber(v) },
  int: { min: 1, max: 1, impl: ([v]) => Math.trunc(toNumber(v)) },
  round: {
    min: 1,
    max: 2,
    impl: ([v, digits]) => {
      const x = toNumber(v);
      const d = digits === undefined ? 0 : Math.trunc(toNumber(digits));
      const f = 10 ** d;
      return Math.round(x * f) / f;
    },
  },
  floor: { min: 1, max: 1, impl: ([v]) => Math.floor(toNumber(v)) },
  ceiling: { min: 1, max: 1, impl: ([v]) => Math.ceil(toNumber(v)) },
  abs: { min: 1, max: 1, impl: ([v]) => Math.abs(toNumber(v)) },
  pow: { min: 2, max: 2, impl: ([a, b]) => toNumber(a) ** toNumber(b) },
  sum: { min: 1, max: 1, impl: ([v]) => toList(v).reduce<number>((s, x) => s + (isEmpty(x) ? 0 : toNumber(x)), 0) },
  count: { min: 1, max: 1, impl: ([v]) => (Array.isArray(v) ? v.length : isEmpty(v) ? 0 : 1) },
  min: { min: 1, max: Infinity, impl: (args) => (flatNumbers(args).length ? Math.min(...flatNumbers(args)) : NaN) },
  max: { min: 1, max: Infinity, impl: (args) => (flatNumbers(args).length ? Math.max(...flatNumbers(args)) : NaN) },
  today: { min: 0, max: 0, volatile: true, impl: (_a, ctx) => nowOf(ctx).toISOString().slice(0, 10) },
  now: { min: 0, max: 0, volatile: true, impl: (_a, ctx) => nowOf(ctx).toISOString() },
  date: {
    min: 1,
    max: 1,
    impl: ([v]) => {
      const days = typeof v === 'string' ? isoToDays(v) : toNumber(v);
      return Number.isFinite(days) ? daysToIsoDate(days) : '';
    },
  },
  'decimal-date-time': { min: 1, max: 1, impl: ([v]) => (typeof v === 'string' ? isoToDays(v) : toNumber(v)) },
  'format-date': { min: 2, max: 2, impl: ([v, f]) => formatDate(v, toText(f)) },
  'format-date-time': { min: 2, max: 2, impl: ([v, f]) => formatDate(v, toText(f)) },
  // ODK's math (https://docs.getodk.org/form-operators-functions/#math-functions), in radians.
  sqrt: { min: 1, max: 1, impl: ([v]) => Math.sqrt(toNumber(v)) },
  exp: { min: 1, max: 1, impl: ([v]) => Math.exp(toNumber(v)) },
  exp10: { min: 1, max: 1, impl: ([v]) => 10 ** toNumber(v) },
  log: { min: 1, max: 1, impl: ([v]) => Math.log(toNumber(v)) },
  log10: { min: 1, max: 1, impl: ([v]) => Math.log10(toNumber(v)) },
  sin: { min: 1, max: 1, impl: ([v]) => Math.sin(toNumber(v)) },
  cos: { min: 1, max: 1, impl: ([v]) => Math.cos(toNumber(v)) },
  tan: { min: 1, max: 1, impl: ([v]) => Math.tan(toNumber(v)) },
  asin: { min: 1, max: 1, impl: ([v]) => Math.asin(toNumber(v)) },
  acos: { min: 1, max: 1, impl: ([v]) => Math.acos(toNumber(v)) },
  atan: { min: 1, max: 1, impl: ([v]) => Math.atan(toNumber(v)) },
  atan2: { min: 2, max: 2, impl: ([y, x]) => Math.atan2(toNumber(y), toNumber(x)) },
  pi: { min: 0, max: 0, impl: () => Math.PI },
  // random(): a number in [0, 1), drawn again at each evaluation (once(random()) keeps the first).
  random: { min: 0, max: 0, volatile: true, impl: () => globalThis.crypto.getRandomValues(new Uint32Array(1))[0] / 2 ** 32 },
  'normalize-space': { min: 1, max: 1, impl: ([v]) => toText(v).trim().replace(/\s+/g, ' ') },
  'substring-before': {
    min: 2,
    max: 2,
    impl: ([a, b]) => {
      const s = toText(a);
      const k = s.indexOf(toText(b));
      return k < 0 ? '' : s.slice(0, k);
    },
  },
  'substring-after': {
    min: 2,
    max: 2,
    impl: ([a, b]) => {
      const s = toText(a);
      const t = toText(b);
      const k = s.indexOf(t);
      return k < 0 ? '' : s.slice(k + t.length);
    },
  },
  translate: {
    min: 3,
    max: 3,
    impl: ([s, from, to]) => {
      const f = [...toText(from)];
      const t = [...toText(to)];
      return [...toText(s)]
        .map((ch) => {
          const k = f.indexOf(ch);
          return k < 0 ? ch : (t[k] ?? '');
        })
        .join('');
    },
  },
  'count-non-empty': { min: 1, max: 1, impl: ([v]) => toList(v).filter((x) => !isEmpty(x)).length },
  'boolean-from-string': { min: 1, max: 1, impl: ([v]) => ['true', '1'].includes(toText(v).trim()) },
  // checklist(min, max, v...): how many of the values are true lies between min and max (-1: no bound).
  checklist: {
    min: 3,
    max: Infinity,
    impl: ([lo, hi, ...vs]) => {
      const n = vs.flatMap((v) => toList(v)).filter((x) => toBoolean(x)).length;
      const a = toNumber(lo);
      const b = toNumber(hi);
      return (a < 0 || n >= a) && (b < 0 || n <= b);
    },
  },
  // distance and area of GPS points on the WGS84 ellipsoid (geodesics, as ODK since 2018), in metres and square metres.
  distance: { min: 1, max: Infinity, impl: (args) => geoDistance(geoPoints(args)) },
  area: { min: 1, max: 1, impl: (args) => geoArea(geoPoints(args)) },
  // ODK's pulldata('file', 'column', 'key column', key): a value from a CSV attached to the form; '' when
  // no row has the key (https://docs.getodk.org/form-datasets/#selects-from-a-csv-pulldata).
  pulldata: {
    min: 4,
    max: 4,
    impl: ([file, column, keyColumn, key], ctx) => (ctx.pulldata ? ctx.pulldata(toText(file), toText(column), toText(keyColumn), toText(key).trim()) : ''),
  },
  uuid: { min: 0, max: 0, volatile: true, impl: (_a, ctx) => (ctx.newUuid ? ctx.newUuid() : globalThis.crypto.randomUUID()) },
};

/** The points of geopoint values: a node-set of geopoints, a geoshape/geotrace text (`lat lon [alt acc]; ...`), or several geopoints. */
function geoPoints(args: Value[]): { lat: number; lon: number }[] {
  const texts = args.flatMap((a) => toList(a).map(toText));
  const points: { lat: number; lon: number }[] = [];
  for (const t of texts)
    for (const part of t.split(';')) {
      const [lat, lon] = part.trim().split(/\s+/).map(Number);
      if (part.trim() === '') continue;
      if (!Number.isFinite(lat) || !Number.isFinite(lon)) return [];
      points.push({ lat, lon });
    }
  return points;
}

function geoDistance(points: { lat: number; lon: number }[]): number {
  if (points.length < 2) return NaN;
  const { Geodesic } = library('geodesic');
  let d = 0;
  for (let i = 1; i < points.length; i++) d += Geodesic.WGS84.Inverse(points[i - 1].lat, points[i - 1].lon, points[i].lat, points[i].lon).s12 ?? NaN;
  return d;
}

function geoArea(points: { lat: number; lon: number }[]): number {
  if (points.length < 3) return 0;
  const { Geodesic, PolygonArea } = library('geodesic');
  const polygon = new PolygonArea.PolygonArea(Geodesic.WGS84, false);
  for (const p of points) polygon.AddPoint(p.lat, p.lon);
  return Math.abs(polygon.Compute(false, true).area ?? NaN);
}

/** Functions the compiler handles itself (lazy or name-taking); listed for arity checks. */
export const SPECIAL_FUNCTIONS: Record<string, { min: number; max: number }> = {
  if: { min: 3, max: 3 },
  coalesce: { min: 2, max: 2 },
  once: { min: 1, max: 1 },
  position: { min: 0, max: 1 },
  'jr:choice-name': { min: 2, max: 2 },
  'indexed-repeat': { min: 3, max: 3 },
};

/** Every function name the language knows. */
export function knownFunctionNames(): string[] {
  return [...Object.keys(FUNCTIONS), ...Object.keys(SPECIAL_FUNCTIONS)].sort();
}

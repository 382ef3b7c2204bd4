/** A single value: an answer, a literal or a computed result. null is an unanswered question. */
export type Scalar = string | number | boolean | null;
/** A value, or the values of one question across the rows of a roster (an XPath node-set). */
export type Value = Scalar | readonly Scalar[];

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Days since 1970-01-01 (UTC) of an ISO date or date-time string, or NaN. */
export function isoToDays(s: string): number {
  const m = ISO_DATE.exec(s.trim());
  if (!m) return NaN;
  const [, y, mo, d, h, mi, sec, frac, zone] = m;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return NaN;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), frac ? Number(`0.${frac}`) * 1000 : 0);
  if (zone && zone !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms / MS_PER_DAY;
}

/** The ISO date (YYYY-MM-DD, UTC) of a day count. */
export function daysToIsoDate(days: number): string {
  return new Date(Math.floor(days) * MS_PER_DAY).toISOString().slice(0, 10);
}

/** XPath number(): booleans 1/0, numeric strings and ISO dates (as days) convert, anything else is NaN. */
export function toNumber(v: Value): number {
  if (Array.isArray(v)) return v.length ? toNumber(v[0]) : NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return NaN;
  const s = (v as string).trim();
  if (s === '') return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  return isoToDays(s);
}

/** XPath string(): unanswered is '', whole numbers print without a decimal point. */
export function toText(v: Value): string {
  if (Array.isArray(v)) return v.length ? toText(v[0]) : '';
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  return v as string;
}

/** XPath boolean(): non-zero numbers, non-empty strings and non-empty node-sets are true. */
export function toBoolean(v: Value): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  if (v === null) return false;
  return (v as string).length > 0;
}

/** True for an unanswered value (null or empty string, or an empty node-set). */
export function isEmpty(v: Value): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return v === null || v === '';
}

/** The values of a node-set, or the value itself as a one-element list. */
export function toList(v: Value): readonly Scalar[] {
  return Array.isArray(v) ? v : [v as Scalar];
}

/** XPath comparison: node-sets compare existentially; = and != are boolean, numeric or string by operand type. */
export function compare(op: '=' | '!=' | '<' | '<=' | '>' | '>=', a: Value, b: Value): boolean {
  if (Array.isArray(a)) return a.some((x) => compare(op, x, b));
  if (Array.isArray(b)) return b.some((y) => compare(op, a, y));
  if (op === '=' || op === '!=') {
    let eq: boolean;
    if (typeof a === 'boolean' || typeof b === 'boolean') eq = toBoolean(a) === toBoolean(b);
    else if (typeof a === 'number' || typeof b === 'number') eq = toNumber(a) === toNumber(b);
    else eq = toText(a) === toText(b);
    return op === '=' ? eq : !eq;
  }
  return compareNumbers(op, toNumber(a), toNumber(b));
}

/** A comparison of two numbers (what compare() does once both operands are numbers). */
export function compareNumbers(op: '=' | '!=' | '<' | '<=' | '>' | '>=', x: number, y: number): boolean {
  switch (op) {
    case '=':
      return x === y;
    case '!=':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

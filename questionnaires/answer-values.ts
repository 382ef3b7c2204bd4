import { toNumber, toText, type Scalar, type Value } from './expressions/index.js';
import type { FieldDef } from './compile-questionnaire.js';
import { MAX_TEXT_LENGTH, MEDIA_NAME_PATTERN } from './limits.js';

/** Answers and values: what an expression sees of an answer, and whether an answer has its question's type. */

/** The value an expression sees for an answer: selections as a space-separated list, amounts as their number. */
export function expressionValue(type: string, answer: unknown): Value {
  if (answer === undefined || answer === null) return null;
  if (Array.isArray(answer)) return answer.join(' ');
  if (type === 'amount' && typeof answer === 'object') return (answer as { amount: number }).amount;
  if (type === 'acknowledge') return answer === true || answer === 'OK' ? 'OK' : null;
  return answer as Scalar;
}

/** A default expression's value as an answer of the question's type. */
export function coerceDefault(type: string, v: Value): unknown {
  if (type === 'integer' || type === 'decimal' || type === 'year') return toNumber(v);
  if (type === 'select_multiple') return toText(v).split(/\s+/).filter(Boolean);
  return toText(v);
}

/** Values equal for the engine's change detection (NaN equals NaN). */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  return false;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const MEDIA_NAME = new RegExp(MEDIA_NAME_PATTERN);
/** ODK's geopoint: "latitude longitude [altitude [accuracy]]", degrees and metres, space-separated. */
export function isGeopoint(s: string): boolean {
  const parts = s.trim().split(/\s+/);
  if (parts.length < 2 || parts.length > 4 || !parts.every((p) => /^-?\d+(\.\d+)?$/.test(p))) return false;
  const [lat, lon, , acc] = parts.map(Number);
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 && (acc === undefined || acc >= 0);
}
const ISO_TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** Choice values per question, built once (a country list has over 250). */
const choiceValues = new WeakMap<FieldDef, Set<string>>();
function valuesOf(field: FieldDef): Set<string> | null {
  if (!field.choices) return null;
  let set = choiceValues.get(field);
  if (!set) choiceValues.set(field, (set = new Set(field.choices.map((c) => c.value))));
  return set;
}

/** Why an answer does not fit its question's type, or null. */
export function typeProblem(field: FieldDef, answer: unknown): string | null {
  if (answer === undefined || answer === null || answer === '') return null;
  const item = field.item;
  if (item.kind !== 'question') return null;
  const values = valuesOf(field);
  switch (item.type) {
    case 'text':
      if (typeof answer !== 'string') return 'must be text';
      return answer.length > MAX_TEXT_LENGTH ? `is ${answer.length} characters long; at most ${MAX_TEXT_LENGTH} are allowed` : null;
    case 'integer':
      return typeof answer === 'number' && Number.isInteger(answer) ? null : 'must be a whole number';
    case 'decimal':
      return typeof answer === 'number' && Number.isFinite(answer) ? null : 'must be a number';
    case 'year':
      return typeof answer === 'number' && Number.isInteger(answer) && answer >= 1800 && answer <= 2200 ? null : 'must be a year (1800-2200)';
    case 'image':
    case 'audio':
    case 'video':
    case 'file':
      return typeof answer === 'string' && MEDIA_NAME.test(answer)
        ? null
        : 'must be the name of a file taken by the app (letters, digits, - and _, then an extension)';
    case 'geotrace':
    case 'geoshape': {
      // ODK's line and shape: points "lat lon [alt [acc]]" separated by ";" (a shape closes on its first point).
      const points =
        typeof answer === 'string'
          ? answer
              .split(';')
              .map((p) => p.trim())
              .filter(Boolean)
          : [];
      const least = item.type === 'geotrace' ? 2 : 4;
      if (typeof answer !== 'string' || answer.length > MAX_TEXT_LENGTH || !points.every(isGeopoint) || points.length < least)
        return item.type === 'geotrace'
          ? 'must be a line of at least 2 locations (latitude longitude ...; separated by ";")'
          : 'must be a shape of at least 3 locations, closed on its first one (latitude longitude ...; separated by ";")';
      if (item.type === 'geoshape') {
        const [a, b] = [points[0], points[points.length - 1]].map((p) => p.split(/\s+/).slice(0, 2).join(' '));
        if (a !== b) return 'must be a shape closed on its first location (the last point is the first)';
      }
      return null;
    }
    case 'geopoint':
      return typeof answer === 'string' && isGeopoint(answer)
        ? null
        : 'must be a location: latitude (-90 to 90) and longitude (-180 to 180), then altitude and accuracy in metres if known';
    case 'date':
      return typeof answer === 'string' && ISO_DATE.test(answer) && !Number.isNaN(Date.parse(answer)) ? null : 'must be a date (YYYY-MM-DD)';
    case 'time':
      return typeof answer === 'string' && ISO_TIME.test(answer) ? null : 'must be a time (HH:MM)';
    case 'datetime':
      return typeof answer === 'string' && !Number.isNaN(Date.parse(answer)) ? null : 'must be a date and time (ISO 8601)';
    case 'acknowledge':
      return answer === 'OK' || answer === true ? null : 'must be "OK"';
    case 'select_one':
      return typeof answer === 'string' && values!.has(answer) ? null : `"${String(answer)}" is not a choice of list "${item.choices}"`;
    case 'select_multiple': {
      if (!Array.isArray(answer)) return 'must be a list of choices';
      const bad = answer.find((v) => typeof v !== 'string' || !values!.has(v));
      if (bad !== undefined) return `"${String(bad)}" is not a choice of list "${item.choices}"`;
      return new Set(answer).size === answer.length ? null : 'a choice is selected twice';
    }
    case 'country': {
      const list = item.multiple ? answer : [answer];
      if (!Array.isArray(list)) return 'must be a list of country codes';
      const bad = list.find((v) => typeof v !== 'string' || !values!.has(v));
      return bad === undefined ? null : `"${String(bad)}" is not a country code (ISO 3166-1 alpha-3)`;
    }
    case 'amount': {
      const a = answer as { amount?: unknown; currency?: unknown };
      if (typeof a !== 'object' || typeof a.amount !== 'number' || !Number.isFinite(a.amount)) return 'must be {"amount": number, "currency": code}';
      const offered = field.currencies ?? item.currencies ?? [];
      if (typeof a.currency !== 'string' || !offered.includes(a.currency))
        return `the currency must be one of ${offered.length > 12 ? `the ISO 4217 codes offered (${offered.slice(0, 3).join(', ')} ...)` : offered.join(', ')}`;
      return null;
    }
  }
  return null;
}

/** Replaces ${name} in a message with the current values. */

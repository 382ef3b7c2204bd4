/**
 * Limits on answers that the form engine (browser) and the server share: an answer the enumerator's
 * app accepts is never refused by the server for its size, and nothing a client sends makes the
 * server do more than linear work in the size of the request.
 */

/** Longest text answer, in characters (the JSON Schema of responses and the engine both check it). */
export const MAX_TEXT_LENGTH = 10_000;

/** Most rows of a roster (per parent row) when the roster sets no `maxRows` and the questionnaire no `max_roster_rows` setting. */
export const DEFAULT_MAX_ROSTER_ROWS = 500;

/** Longest pattern of a regex() constraint. */
export const MAX_PATTERN_LENGTH = 1_000;

/** The row cap of a roster: its own `maxRows`, else the questionnaire's `max_roster_rows` setting, else the default. */
export function rosterRowCap(item: { maxRows?: number }, settings: Record<string, unknown> | undefined): number {
  if (item.maxRows) return item.maxRows;
  const s = Number(settings?.max_roster_rows);
  return Number.isInteger(s) && s > 0 ? s : DEFAULT_MAX_ROSTER_ROWS;
}

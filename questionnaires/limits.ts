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

/** Most data files (CSV attachments read by pulldata) a questionnaire carries. */
export const MAX_ATTACHMENTS = 20;

/** Most rows of one attachment: the file travels with the form to every enumerator's device. */
export const MAX_ATTACHMENT_ROWS = 50_000;

/** Media questions (XLSForm image, audio, video, file): the answer is the name of a file kept with the interview. */
export const MEDIA_TYPES = ['image', 'audio', 'video', 'file'] as const;

/** Largest media file an interview may carry (bytes): a photo scaled down by the app, a short recording. */
export const MAX_MEDIA_BYTES = 3 * 1024 * 1024;

/** A media answer: the file name the app gives it (letters, digits, - and _, then an extension). */
export const MEDIA_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,79}\\.[A-Za-z0-9]{1,8}$';

/** The content types a media question takes (a `file` question: documents and data, never HTML or scripts). */
export const MEDIA_CONTENT_TYPES: Record<(typeof MEDIA_TYPES)[number], RegExp> = {
  image: /^image\/(jpeg|png|webp|gif|heic|heif)$/,
  audio: /^audio\/(mpeg|mp4|aac|ogg|webm|wav|x-wav|3gpp|amr)$/,
  video: /^video\/(mp4|webm|ogg|3gpp|quicktime)$/,
  file: /^(application\/(pdf|zip|octet-stream|vnd\.openxmlformats-officedocument\.[a-z.]+|vnd\.ms-excel|msword|vnd\.oasis\.opendocument\.[a-z.]+)|text\/(csv|plain)|image\/(jpeg|png|webp|gif)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+)$/,
};

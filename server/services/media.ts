import { createHash } from 'node:crypto';
import type { Database } from '../db/index.js';
import type { User } from '../auth/users.js';
import { HttpProblem } from '../http/problem.js';
import { compiledVersion } from '../questionnaire-cache.js';
import { insertMedia, mediaFile, versionAnswers } from '../queries/submissions.js';
import { audit } from '../queries/audit.js';
import { visibleVersion } from './submissions.js';
import { MAX_MEDIA_BYTES, MEDIA_CONTENT_TYPES, MEDIA_TYPES } from '../../questionnaires/index.js';
import type { CompiledQuestionnaire } from '../../questionnaires/index.js';

type MediaType = (typeof MEDIA_TYPES)[number];

/** The media question whose answer (anywhere in the answers, rosters included) is `name`, or null. */
function mediaQuestionOf(q: CompiledQuestionnaire, answers: unknown, name: string): MediaType | null {
  const stack: unknown[] = [answers];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
        if (value === name) {
          const item = q.byName.get(key)?.item;
          if (item?.kind === 'question' && (MEDIA_TYPES as readonly string[]).includes(item.type)) return item.type as MediaType;
        } else if (value && typeof value === 'object') stack.push(value);
      }
  }
  return null;
}

/** The file really is what its content type says, for the kinds a browser would render (images). */
function looksLike(contentType: string, b: Uint8Array): boolean {
  const at = (i: number, ...xs: number[]) => xs.every((x, k) => b[i + k] === x);
  switch (contentType) {
    case 'image/jpeg':
      return at(0, 0xff, 0xd8, 0xff);
    case 'image/png':
      return at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
    case 'image/gif':
      return at(0, 0x47, 0x49, 0x46, 0x38);
    case 'image/webp':
      return at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50);
    case 'application/pdf':
      return at(0, 0x25, 0x50, 0x44, 0x46);
    default:
      return true;
  }
}

/**
 * Stores the file of a media answer. Only a file the interview's answers name, in a question of a
 * kind that takes its content type, up to MAX_MEDIA_BYTES; the same file sent again is a 200, another
 * file under a name already taken a 409. The uploader must be able to see the version (its enumerator,
 * their supervisor, an admin).
 */
export async function storeMedia(
  db: Database,
  user: User,
  surveyId: string,
  instanceId: string,
  name: string,
  body: { contentType: string; data: string },
): Promise<{ status: number; body: Record<string, unknown> }> {
  await visibleVersion(db, user, surveyId, instanceId);
  const version = await versionAnswers(db, instanceId);
  if (!version) throw new HttpProblem('not-found', `no submission ${instanceId} you may see`);
  const q = await compiledVersion(db, surveyId, version.questionnaire_version);
  const kind = q ? mediaQuestionOf(q, version.answers, name) : null;
  if (!kind) throw new HttpProblem('unknown-media', `no media question of submission ${instanceId} has the answer "${name}"`);
  if (!MEDIA_CONTENT_TYPES[kind].test(body.contentType))
    throw new HttpProblem('media-type-refused', `a ${kind} question does not take ${body.contentType.slice(0, 80)} files`);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body.data) || body.data.length % 4 !== 0) throw new HttpProblem('invalid-body', 'data must be the file in base64');
  const bytes = new Uint8Array(Buffer.from(body.data, 'base64'));
  if (bytes.length === 0) throw new HttpProblem('invalid-body', 'the file is empty');
  if (bytes.length > MAX_MEDIA_BYTES)
    throw new HttpProblem('media-too-large', `the file is ${(bytes.length / 1048576).toFixed(1)} MB; at most ${MAX_MEDIA_BYTES / 1048576} MB`);
  if (!looksLike(body.contentType, bytes)) throw new HttpProblem('media-type-refused', `the file is not a ${body.contentType} file`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const row = { interview_id: version.interview_id, name, content_type: body.contentType, size: bytes.length, sha256 };
  return db.transaction(async (tx) => {
    const r = await insertMedia(tx, { ...row, instance_id: instanceId, data: bytes, uploaded_by: user.id });
    if (!r.inserted) {
      if (r.existing?.sha256 === sha256) return { status: 200, body: { stored: false, media: row } };
      throw new HttpProblem('media-conflict', `another file is already stored as "${name}" for this interview`);
    }
    await audit(tx, user, 'upload', 'media', `${instanceId}/${name}`, { size: bytes.length, contentType: body.contentType });
    return { status: 201, body: { stored: true, media: row } };
  });
}

/** The content types served as they are; anything else goes out as a download of bytes. */
const SERVED_AS_IS = /^(image\/(jpeg|png|webp|gif)|audio\/[a-z0-9.+-]+|video\/[a-z0-9.+-]+|application\/pdf)$/;

/** A media file of a version the user may see (always as an attachment, never rendered as a page). */
export async function readMedia(db: Database, user: User, surveyId: string, instanceId: string, name: string) {
  await visibleVersion(db, user, surveyId, instanceId);
  const version = await versionAnswers(db, instanceId);
  const file = version ? await mediaFile(db, version.interview_id, name) : undefined;
  if (!file) throw new HttpProblem('not-found', `no file "${name}" has been received for submission ${instanceId}`);
  return { ...file, servedType: SERVED_AS_IS.test(file.content_type) ? file.content_type : 'application/octet-stream' };
}

/**
 * Files of media answers (XLSForm image, audio, video, file) on the server, on PGlite and PostgreSQL:
 * taken only for an answer that names them and of the kind the question takes, checked against what
 * they claim to be, stored once per interview (a corrected version still has its photo), read by who
 * may read the interview, never by an analyst, and never in the analyst's files.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import JSZip from 'jszip';
import { testDatabaseTargets } from '../helpers/databases.js';
import { startApi, tinySubmission, TINY } from '../helpers/api.js';
import type { Database } from '../../server/db/index.js';

const WITH_PHOTO = {
  ...TINY,
  id: 'tiny',
  items: [
    ...TINY.items,
    { kind: 'question', name: 'photo', type: 'image', label: 'Photo of the dwelling' },
    { kind: 'question', name: 'form', type: 'file', label: 'Signed consent' },
  ],
};
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
const b64 = (b: Buffer) => b.toString('base64');

describe.each(testDatabaseTargets())('media answers on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;
  const put = (who: string, instanceId: string, name: string, body: unknown) =>
    api.call('PUT', `/surveys/${surveyId}/submissions/${instanceId}/media/${name}`, body, api.users[who].token);
  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    surveyId = (await api.as('stat').post('/surveys', { title: 'Photos', questionnaire: WITH_PHOTO })).body.survey.id;
    await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
    await api.joinSurvey(surveyId);
  });
  afterAll(async () => {
    await api?.close();
    await db?.close();
    await target.cleanup();
  });

  it('takes the file an answer names, once; refuses what no answer names, the wrong kind, a lie, a second file under the name', async () => {
    const s = tinySubmission({}, { photo: 'a1b2c3.png', form: 'consent.pdf' });
    expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, s)).status).toBe(201);
    const first = await put('enum', s.instanceId, 'a1b2c3.png', { contentType: 'image/png', data: b64(PNG) });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect((await put('enum', s.instanceId, 'a1b2c3.png', { contentType: 'image/png', data: b64(PNG) })).status).toBe(200);
    const other = await put('enum', s.instanceId, 'a1b2c3.png', { contentType: 'image/png', data: b64(Buffer.concat([PNG, Buffer.from([0])])) });
    expect([other.status, other.body.code]).toEqual([409, 'media-conflict']);
    expect((await put('enum', s.instanceId, 'other.png', { contentType: 'image/png', data: b64(PNG) })).body.code).toBe('unknown-media');
    // An HTML page is no photo, and bytes that are not a PNG are not one because they say so.
    expect((await put('enum', s.instanceId, 'a1b2c3.png', { contentType: 'text/html', data: b64(Buffer.from('<script>')) })).body.code).toBe(
      'media-type-refused',
    );
    expect((await put('enum', s.instanceId, 'consent.pdf', { contentType: 'application/pdf', data: b64(Buffer.from('<html>')) })).body.code).toBe(
      'media-type-refused',
    );
    expect((await put('enum', s.instanceId, 'consent.pdf', { contentType: 'application/pdf', data: 'not base64!' })).status).toBe(422);
    // Another enumerator cannot write into this interview (it does not exist for them).
    expect((await put('enum2', s.instanceId, 'consent.pdf', { contentType: 'application/pdf', data: b64(Buffer.from('%PDF-1.4')) })).status).toBe(404);
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM submission_media');
    expect(rows.rows[0].n).toBe(1);
  });

  it('is read back byte for byte by the supervisor, as a download; the analyst may not, and no analyst file names it', async () => {
    const s = tinySubmission({}, { photo: 'house-2.png' });
    expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, s)).status).toBe(201);
    expect((await put('enum', s.instanceId, 'house-2.png', { contentType: 'image/png', data: b64(PNG) })).status).toBe(201);
    const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/submissions/${s.instanceId}/media/house-2.png`, {
      headers: { authorization: `Bearer ${api.users.sup.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="house-2.png"');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await api.as('analyst').get(`/surveys/${surveyId}/submissions/${s.instanceId}/media/house-2.png`)).status).toBe(403);
    // A photo shows a person: identifying by default, so the analyst's dataset has no photo column.
    await api.as('sup').post(`/surveys/${surveyId}/submissions/${s.instanceId}/review`, { action: 'approve' });
    await api.as('stat').post(`/surveys/${surveyId}/submissions/${s.instanceId}/review`, { action: 'approve' });
    const zip = await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/dataset.zip`, { headers: { authorization: `Bearer ${api.users.analyst.token}` } });
    expect(zip.status).toBe(200);
    const files = await JSZip.loadAsync(Buffer.from(await zip.arrayBuffer()));
    for (const f of Object.values(files.files)) expect(await f.async('string'), f.name).not.toMatch(/house-2\.png|"photo"|^photo,|,photo,/m);
  });

  it('stays with the interview through a correction: the new version reads the same file', async () => {
    const v1 = tinySubmission({}, { photo: 'kept.png' });
    expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, v1)).status).toBe(201);
    expect((await put('enum', v1.instanceId, 'kept.png', { contentType: 'image/png', data: b64(PNG) })).status).toBe(201);
    await api.as('sup').post(`/surveys/${surveyId}/submissions/${v1.instanceId}/review`, { action: 'reject', note: 'age of the second member?' });
    const v2 = tinySubmission({ deprecatedId: v1.instanceId }, { photo: 'kept.png', head_name: 'Ama K.' });
    expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, v2)).status).toBe(201);
    // The same file sent again for the new version is already there.
    expect((await put('enum', v2.instanceId, 'kept.png', { contentType: 'image/png', data: b64(PNG) })).status).toBe(200);
    const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/submissions/${v2.instanceId}/media/kept.png`, {
      headers: { authorization: `Bearer ${api.users.stat.token}` },
    });
    expect(res.status).toBe(200);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { testDatabaseTargets } from '../helpers/databases.js';
import { passwordOf, startApi, TINY, tinySubmission } from '../helpers/api.js';
import type { Database } from '../../server/db/index.js';

describe.each(testDatabaseTargets())('fieldwork workflow on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;
  const count = async (sql: string, args: unknown[] = []) => (await db.query<{ n: number }>(sql, args)).rows[0].n;

  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    const r = await api.as('stat').post('/surveys', { title: 'Test survey', questionnaire: TINY });
    expect(r.status).toBe(201);
    surveyId = r.body.survey.id;
    expect((await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' })).status).toBe(200);
    await api.joinSurvey(surveyId);
  });
  afterAll(async () => {
    await api.close();
    await db.close();
    await target.cleanup();
  });

  describe('users and sessions', () => {
    it('signs in with a cookie (httpOnly, SameSite) and with a bearer token; wrong passwords get 401', async () => {
      const r = await fetch(`${api.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'enum', password: passwordOf('enum') }),
      });
      expect(r.status).toBe(200);
      const cookie = r.headers.get('set-cookie')!;
      expect(cookie).toMatch(/mdsurvey_session=/);
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      const me = await fetch(`${api.url}/api/v1/auth/me`, { headers: { cookie: cookie.split(';')[0] } });
      expect((await me.json()).user).toMatchObject({ username: 'enum', role: 'enumerator' });
      expect((await api.call('POST', '/auth/login', { username: 'enum', password: 'nope' })).status).toBe(401);
      expect((await api.call('POST', '/auth/login', { username: 'ghost', password: 'nope' })).status).toBe(401);
      expect((await api.call('GET', '/auth/me')).status).toBe(401);
    });
    it('stores scrypt hashes, never passwords', async () => {
      const r = await db.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE username = 'enum'");
      expect(r.rows[0].password_hash).toMatch(/^scrypt\$/);
      expect(r.rows[0].password_hash).not.toContain(passwordOf('enum'));
    });
    it('a supervisor sees their team only', async () => {
      const r = await api.as('sup').get('/users');
      expect(r.body.users.map((u: { username: string }) => u.username).sort()).toEqual(['enum', 'sup']);
    });
  });

  describe('surveys and questionnaire versions', () => {
    it('publishes a new version and refuses to republish a published one', async () => {
      const v2 = { ...TINY, version: '2', items: [...TINY.items, { kind: 'question', name: 'extra', type: 'text', label: 'Extra' }] };
      expect((await api.as('stat').post(`/surveys/${surveyId}/questionnaires`, { questionnaire: v2 })).status).toBe(201);
      const again = await api.as('stat').post(`/surveys/${surveyId}/questionnaires`, { questionnaire: { ...v2, title: 'changed' } });
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('version-exists');
      // old submissions stay valid under their own version
      expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, tinySubmission())).status).toBe(201);
      expect((await api.as('enum').get(`/surveys/${surveyId}/questionnaires/1`)).body.questionnaire.version).toBe('1');
    });
    it('rejects a questionnaire that does not compile with every problem', async () => {
      const bad = { ...TINY, items: [...TINY.items, { kind: 'calculate', name: 'x', calculation: '${nope}' }] };
      const r = await api.as('stat').post('/surveys', { title: 'Bad', questionnaire: bad });
      expect(r.status).toBe(422);
      expect(r.body.errors[0].message).toMatch(/unknown question \$\{nope\}/);
    });
    it('creates a survey from the library by id', async () => {
      const r = await api.as('stat').post('/surveys', { title: 'DotM', questionnaire: 'dotm-household' });
      expect(r.status).toBe(201);
      expect(r.body.questionnaire).toEqual({ id: 'dotm-household', version: '1.0.0' });
    });
    it('keeps survey states in order (draft -> fieldwork -> closed)', async () => {
      const s = (await api.as('stat').post('/surveys', { title: 'S', questionnaire: TINY })).body.survey.id;
      expect((await api.as('stat').patch(`/surveys/${s}`, { state: 'closed' })).status).toBe(409);
      expect((await api.as('enum').post(`/surveys/${s}/submissions`, tinySubmission())).body.code).toBe('survey-not-in-fieldwork');
    });
    it('a closed survey is reopened by an admin only, and the step is audited', async () => {
      const s = (await api.as('stat').post('/surveys', { title: 'Reopen', questionnaire: TINY })).body.survey.id;
      expect((await api.as('stat').patch(`/surveys/${s}`, { state: 'fieldwork' })).status).toBe(200);
      expect((await api.as('stat').patch(`/surveys/${s}`, { state: 'closed' })).status).toBe(200);
      const refused = await api.as('stat').patch(`/surveys/${s}`, { state: 'fieldwork' });
      expect([refused.status, refused.body.detail]).toEqual([409, 'reopening a closed survey is for an admin']);
      expect((await api.as('admin').patch(`/surveys/${s}`, { state: 'fieldwork' })).body.survey.state).toBe('fieldwork');
      const log = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND details->>'from' = 'closed'", [s]);
      expect(log.rows[0].n).toBe(1);
    });
    it('lists to an enumerator only the surveys where they hold a case', async () => {
      const other = (await api.as('stat').post('/surveys', { title: 'Not theirs', questionnaire: TINY })).body.survey.id;
      const titles = (await api.as('enum').get('/surveys')).body.surveys.map((x: { id: string }) => x.id);
      expect(titles).toContain(surveyId);
      expect(titles).not.toContain(other);
      expect((await api.as('sup').get('/surveys')).body.surveys.map((x: { id: string }) => x.id)).toContain(other);
    });
    it('validates the design of the settings: an unknown key or a bad column name is refused, naming it', async () => {
      const s = (await api.as('stat').post('/surveys', { title: 'Design', questionnaire: TINY })).body.survey.id;
      const bad = await api.as('stat').patch(`/surveys/${s}`, { settings: { design: { weight: 'w' } } });
      expect(bad.status).toBe(422);
      expect(JSON.stringify(bad.body.errors)).toContain('weight');
      expect((await api.as('stat').patch(`/surveys/${s}`, { settings: { design: { weights: 'w; DROP' } } })).status).toBe(422);
      expect((await api.as('stat').patch(`/surveys/${s}`, { settings: { design: { lonelyPsu: 'sometimes' } } })).status).toBe(422);
      const ok = await api.as('stat').patch(`/surveys/${s}`, { settings: { design: { weights: 'w', strata: 'region', ids: ['ea'], lonelyPsu: 'adjust' } } });
      expect(ok.status).toBe(200);
    });
  });

  describe('assignments', () => {
    it('an enumerator sees only their own cases, a supervisor their team', async () => {
      const r = await api.as('sup').post(`/surveys/${surveyId}/assignments`, {
        assignments: [{ enumeratorId: api.users.enum.id, case: { ea: 'EA001', address: 'House 4', status: 'migrant' }, quota: 1 }],
      });
      expect(r.status).toBe(201);
      expect((await api.as('sup').post(`/surveys/${surveyId}/assignments`, { assignments: [{ enumeratorId: api.users.enum2.id }] })).status).toBe(403);
      await api.as('stat').post(`/surveys/${surveyId}/assignments`, { assignments: [{ enumeratorId: api.users.enum2.id, case: { ea: 'EA002' } }] });
      const mine = await api.as('enum').get(`/surveys/${surveyId}/assignments`);
      // (EA-T1 and EA-T2 are the cases every test enumerator holds: joinSurvey)
      expect(mine.body.assignments.map((a: { case: { ea: string } }) => a.case.ea)).toEqual(['EA-T1', 'EA001']);
      expect((await api.as('enum2').get(`/surveys/${surveyId}/assignments`)).body.assignments.map((a: { case: { ea: string } }) => a.case.ea)).toEqual([
        'EA-T2',
        'EA002',
      ]);
      expect((await api.as('stat').get(`/surveys/${surveyId}/assignments`)).body.assignments).toHaveLength(4);
      // submitting on someone else's case is forbidden
      const other = (await api.as('enum2').get(`/surveys/${surveyId}/assignments`)).body.assignments[1].id;
      expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, tinySubmission({ assignmentId: other }))).status).toBe(403);
    });
  });

  describe('submissions', () => {
    it('stores a valid interview once: 201, then 200 for the identical resend, 409 for other content under the same id', async () => {
      const s = tinySubmission();
      const before = await count('SELECT count(*)::int AS n FROM submissions');
      expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, s)).status).toBe(201);
      const again = await api.as('enum').post(`/surveys/${surveyId}/submissions`, s);
      expect(again.status).toBe(200);
      expect(again.body.stored).toBe(false);
      expect(await count('SELECT count(*)::int AS n FROM submissions')).toBe(before + 1);
      const changed = await api.as('enum').post(`/surveys/${surveyId}/submissions`, { ...s, answers: { ...s.answers, abroad: '0' } });
      expect(changed.status).toBe(409);
      expect(changed.body.code).toBe('instance-id-reused');
      const stored = await db.query<{ paradata: { sections: { main: number } } }>('SELECT paradata FROM submissions WHERE instance_id = $1', [s.instanceId]);
      expect(stored.rows[0].paradata.sections.main).toBe(3000);
    });
    it('422 lists every problem with its path, and stores nothing', async () => {
      const before = await count('SELECT count(*)::int AS n FROM submissions');
      const r = await api
        .as('enum')
        .post(`/surveys/${surveyId}/submissions`, tinySubmission({}, { abroad: undefined, members: [{ _key: 'a', age: 130 }, { _key: 'b' }] }));
      expect(r.status).toBe(422);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      const paths = r.body.errors.map((e: { path: string; code: string }) => `${e.path} ${e.code}`);
      expect(paths).toEqual(expect.arrayContaining(['abroad required', 'members[0].age constraint', 'members[1].age required']));
      expect(await count('SELECT count(*)::int AS n FROM submissions')).toBe(before);
    });
    it('a new version names the one it replaces; a stale version gets 409; every version is kept', async () => {
      const v1 = tinySubmission();
      await api.as('enum').post(`/surveys/${surveyId}/submissions`, v1);
      const v2 = tinySubmission({ deprecatedId: v1.instanceId }, { head_name: 'Ama K.' });
      const r2 = await api.as('enum').post(`/surveys/${surveyId}/submissions`, v2);
      expect(r2.status).toBe(201);
      expect(r2.body.interviewId).toBe(v1.instanceId);
      const stale = await api.as('enum').post(`/surveys/${surveyId}/submissions`, tinySubmission({ deprecatedId: v1.instanceId }));
      expect(stale.status).toBe(409);
      expect(stale.body.code).toBe('stale-version');
      expect(await count('SELECT count(*)::int AS n FROM submissions WHERE interview_id = $1', [v1.instanceId])).toBe(2);
      const list = await api.as('enum').get(`/surveys/${surveyId}/submissions`);
      expect(list.body.submissions.map((s: { instanceId: string }) => s.instanceId)).not.toContain(v1.instanceId);
    });
    it('accepts a rescue file of unsent interviews, reporting each', async () => {
      const a = tinySubmission();
      const bad = tinySubmission({}, { abroad: 'maybe' });
      const r = await api.as('enum').post(`/surveys/${surveyId}/submissions/batch`, { format: 'mdsurvey-rescue-1', submissions: [a, a, bad] });
      expect(r.status).toBe(200);
      expect(r.body.results.map((x: { status: number }) => x.status)).toEqual([201, 200, 422]);
    });
  });

  describe('review workflow', () => {
    it('completed -> rejected with comments -> resubmitted -> supervisor approved -> HQ approved, audited; illegal steps 409', async () => {
      const s = tinySubmission();
      await api.as('enum').post(`/surveys/${surveyId}/submissions`, s);
      const base = `/surveys/${surveyId}/submissions`;
      expect((await api.as('stat').post(`${base}/${s.instanceId}/review`, { action: 'approve' })).status).toBe(409); // HQ before supervisor
      expect((await api.as('sup').post(`${base}/${s.instanceId}/review`, { action: 'reject' })).status).toBe(422); // needs a comment
      const rej = await api
        .as('sup')
        .post(`${base}/${s.instanceId}/review`, { action: 'reject', comments: { 'members[1].age': 'Check the age with the birth certificate' } });
      expect(rej.body.state).toBe('rejected');
      const back = await api.as('enum').get(`${base}?state=rejected`);
      const mine = back.body.submissions.find((x: { instanceId: string }) => x.instanceId === s.instanceId);
      expect(mine.review.comments['members[1].age']).toMatch(/birth certificate/);
      const v2 = tinySubmission(
        { deprecatedId: s.instanceId },
        {
          members: [
            { _key: 'a', age: 40 },
            { _key: 'b', age: 13 },
          ],
        },
      );
      expect((await api.as('enum').post(base, v2)).status).toBe(201);
      expect((await api.as('sup').post(`${base}/${s.instanceId}/review`, { action: 'approve' })).status).toBe(409); // old version
      expect((await api.as('sup').post(`${base}/${v2.instanceId}/review`, { action: 'approve' })).body.state).toBe('supervisor_approved');
      expect((await api.as('sup').post(`${base}/${v2.instanceId}/review`, { action: 'approve' })).status).toBe(409); // HQ's step
      expect((await api.as('stat').post(`${base}/${v2.instanceId}/review`, { action: 'approve' })).body.state).toBe('hq_approved');
      expect((await api.as('stat').post(`${base}/${v2.instanceId}/review`, { action: 'approve' })).status).toBe(409);
      const history = await api.as('sup').get(`${base}/${v2.instanceId}/history`);
      expect(history.body.history.map((h: { action: string; username: string }) => `${h.action} ${h.username}`)).toEqual([
        'submit enum',
        'reject sup',
        'resubmit enum',
        'approve sup',
        'approve stat',
      ]);
      // enumerators of another team do not see it
      expect((await api.as('enum2').get(`${base}/${v2.instanceId}`)).status).toBe(404);
    });
  });

  describe('exports of approved interviews', () => {
    it('one CSV per level joined by keys, with a codebook; analysts never get direct identifiers', async () => {
      const exp = await api.as('stat').post('/surveys', { title: 'Export', questionnaire: TINY });
      const surveyId = exp.body.survey.id;
      await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
      await api.joinSurvey(surveyId);
      const s = tinySubmission();
      expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, s)).status).toBe(201);
      await api.as('sup').post(`/surveys/${surveyId}/submissions/${s.instanceId}/review`, { action: 'approve' });
      await api.as('stat').post(`/surveys/${surveyId}/submissions/${s.instanceId}/review`, { action: 'approve' });
      const levels = await api.as('analyst').get(`/surveys/${surveyId}/export`);
      expect(levels.body.levels.map((l: { name: string }) => l.name)).toEqual(['household', 'members']);
      expect(levels.body.identifiersIncluded).toBe(false);
      const res = await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/household.csv?states=hq_approved`, {
        headers: { authorization: `Bearer ${api.users.analyst.token}` },
      });
      const text = await res.text();
      expect(res.headers.get('content-type')).toContain('text/csv');
      expect(text.split('\n')[0]).toBe('interview_id,abroad,n');
      const members = await (
        await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/members.csv?states=hq_approved`, {
          headers: { authorization: `Bearer ${api.users.stat.token}` },
        })
      ).text();
      expect(members.split('\n')[0]).toBe('interview_id,members_key,age');
      expect(members.trim().split('\n')).toHaveLength(3);
      const statHousehold = await (
        await fetch(`${api.url}/api/v1/surveys/${surveyId}/export/household.csv?states=hq_approved`, {
          headers: { authorization: `Bearer ${api.users.stat.token}` },
        })
      ).text();
      expect(statHousehold.split('\n')[0]).toBe('interview_id,head_name,abroad,n');
      const codebook = await api.as('analyst').get(`/surveys/${surveyId}/export/codebook.json`);
      expect(codebook.body.variables.map((v: { variable: string }) => v.variable)).not.toContain('head_name');
      expect(codebook.body.variables.find((v: { variable: string }) => v.variable === 'abroad').valueLabels).toEqual({ '1': { en: 'Yes' }, '0': { en: 'No' } });
    });
  });

  describe('bad input: 4xx problem+json, never 500, database unchanged', () => {
    const snapshot = async () =>
      JSON.stringify(
        (
          await db.query(
            'SELECT (SELECT count(*) FROM submissions) AS s, (SELECT count(*) FROM surveys) AS v, (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM assignments) AS a',
          )
        ).rows,
      );
    it.each([
      ['malformed JSON', 'POST', '/surveys/SID/submissions', '{"instanceId": ', {}, 400, 'enum'],
      ['wrong content type', 'POST', '/surveys/SID/submissions', 'instanceId=1', { 'content-type': 'text/plain' }, 415, 'enum'],
      ['unknown fields', 'POST', '/surveys/SID/submissions', JSON.stringify({ ...tinySubmission(), admin: true }), {}, 422, 'enum'],
      [
        'an instanceId that is not a UUID',
        'POST',
        '/surveys/SID/submissions',
        JSON.stringify({ ...tinySubmission(), instanceId: '../../etc/passwd' }),
        {},
        422,
        'enum',
      ],
      ['path traversal in an id', 'GET', '/surveys/..%2F..%2Fetc%2Fpasswd/submissions', undefined, {}, 400, 'enum'],
      ['a level name with a slash', 'GET', '/surveys/SID/export/..%2Fusers.csv', undefined, {}, 400, 'analyst'],
      ['an unknown survey', 'POST', `/surveys/${randomUUID()}/submissions`, JSON.stringify(tinySubmission()), {}, 404, 'enum'],
      [
        'an oversized body',
        'POST',
        '/surveys/SID/submissions',
        JSON.stringify({ ...tinySubmission(), paradata: { pad: 'x'.repeat(3 * 1024 * 1024) } }),
        {},
        413,
        'enum',
      ],
      [
        'an unknown review action',
        'POST',
        '/surveys/SID/submissions/00000000-0000-4000-8000-000000000000/review',
        JSON.stringify({ action: 'delete' }),
        {},
        422,
        'sup',
      ],
      [
        'a review by an enumerator (roles are checked first)',
        'POST',
        '/surveys/SID/submissions/00000000-0000-4000-8000-000000000000/review',
        JSON.stringify({ action: 'approve' }),
        {},
        403,
        'enum',
      ],
    ])('%s', async (_what, method, path, body, headers, status, who) => {
      const before = await snapshot();
      const p = path.replace('SID', surveyId);
      const r = await api.call(method, p, body, api.users[who].token, { 'content-type': 'application/json', ...headers });
      expect(r.status).toBe(status);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(await snapshot()).toBe(before);
    });
    it('expression-looking strings in answers are stored as text', async () => {
      const s = tinySubmission({}, { head_name: '${abroad} or true() ; DROP TABLE submissions; --' });
      expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, s)).status).toBe(201);
      const r = await db.query<{ answers: { head_name: string } }>('SELECT answers FROM submissions WHERE instance_id = $1', [s.instanceId]);
      expect(r.rows[0].answers.head_name).toBe('${abroad} or true() ; DROP TABLE submissions; --');
    });
  });

  it('serves the OpenAPI 3.1 document with every route', async () => {
    const r = await api.call('GET', '/openapi.json');
    expect(r.body.openapi).toBe('3.1.0');
    expect(Object.keys(r.body.paths)).toEqual(
      expect.arrayContaining(['/api/v1/surveys/{surveyId}/submissions', '/api/v1/surveys/{surveyId}/submissions/{instanceId}/review', '/api/v1/auth/login']),
    );
  });
});

/**
 * Confidentiality and integrity, as an adversary and as a statistics office would try them, on the
 * embedded database and on PostgreSQL. Every check here failed on the code before issue 14's fixes.
 */
import { randomUUID } from 'node:crypto';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '../helpers/databases.js';
import { startApi, TINY, tinySubmission } from '../helpers/api.js';
import type { Database } from '../../server/db/index.js';

// Listing data a sample file carries: the analyst tier must never see any of it.
const SECRETS = ['Kwame Mensah', '0244123456', 'Ring Road House 4', 'Ama Owusu', 'Dear Ama'];
const Q = {
  ...TINY,
  id: 'tinyc',
  items: [
    ...TINY.items,
    { kind: 'calculate', name: 'greeting', calculation: "concat('Dear ', ${head_name})" },
    { kind: 'calculate', name: 'greeting2', calculation: "concat(${greeting}, '!')" },
  ],
};
const sub = (extra: Record<string, unknown> = {}, answers: Record<string, unknown> = {}) => ({
  ...tinySubmission(extra, { head_name: 'Ama Owusu', ...answers }),
  questionnaire: { id: 'tinyc', version: '1' },
});

describe.each(testDatabaseTargets())('confidentiality and integrity on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;
  let cases: string[];
  let corrected: string;

  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    const settings = { design: { weights: 'w', strata: 'region', ids: ['ea'] }, caseFields: { region: 'region', ea: 'area', status: 'variable' } };
    surveyId = (await api.as('stat').post('/surveys', { title: 'Listing survey', questionnaire: Q, settings })).body.survey.id;
    await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
    const listing = [
      { region: 'N', ea: 'e1', w: 10, status: 'migrant', head: 'Kwame Mensah', phone: '0244123456', address: 'Ring Road House 4' },
      { region: 'N', ea: 'e2', w: 20, status: 'other', head: 'Kwame Mensah', phone: '0244123456', address: 'Ring Road House 4' },
      { region: 'S', ea: 'e3', w: 30, status: 'migrant', head: 'Kwame Mensah', phone: '0244123456', address: 'Ring Road House 4' },
      { region: 'S', ea: 'e4', w: 40, status: 'other', head: 'Kwame Mensah', phone: '0244123456', address: 'Ring Road House 4' },
    ];
    cases = (await api.as('stat').post(`/surveys/${surveyId}/assignments`, { assignments: listing.map((c) => ({ enumeratorId: api.users.enum.id, case: c })) }))
      .body.assignments;
    for (let i = 0; i < 4; i++) {
      const s = sub({ assignmentId: cases[i] }, { abroad: i % 2 ? '1' : '0' });
      expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, s)).status).toBe(201);
      if (i === 0) {
        // A routine correction: sent back, corrected (the app does not resend the assignment), approved.
        await api.as('sup').post(`/surveys/${surveyId}/submissions/${s.instanceId}/review`, { action: 'reject', note: 'check ages' });
        const fix = { ...sub({}, { abroad: '0' }), deprecatedId: s.instanceId };
        expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, fix)).status).toBe(201);
        corrected = fix.instanceId;
        await api.as('sup').post(`/surveys/${surveyId}/submissions/${fix.instanceId}/review`, { action: 'approve' });
      } else await api.as('sup').post(`/surveys/${surveyId}/submissions/${s.instanceId}/review`, { action: 'approve' });
    }
  }, 120_000);
  afterAll(async () => {
    await api.close();
    await db.close();
    await target.cleanup();
  });

  const raw = async (path: string, who: string) => {
    const res = await fetch(`${api.url}/api/v1${path}`, { headers: { authorization: `Bearer ${api.users[who].token}` } });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  /** Every byte of a response, and of every file inside it when it is a zip. */
  const allText = async (r: { bytes: Buffer; headers: Headers }) => {
    if (r.headers.get('content-type')?.includes('zip')) {
      const zip = await JSZip.loadAsync(r.bytes);
      const parts = await Promise.all(Object.values(zip.files).map((f) => f.async('string')));
      return parts.join('\n');
    }
    return r.bytes.toString('utf8');
  };

  it('no analyst output carries listing identifiers or values computed from an identifier', async () => {
    const outputs = [
      '/export/dataset.zip',
      '/export/public.zip',
      '/export/household.csv',
      '/export/members.csv',
      '/export/codebook.json',
      '/export',
      '/indicators',
      '/indicators?compare=status',
      '/indicators?by=region',
      '/indicators?compare=head',
      '/indicators?by=phone',
      '/indicators?compare=greeting',
      '/indicators?compare=head_name',
    ];
    for (const o of outputs) {
      const r = await raw(`/surveys/${surveyId}${o}`, 'analyst');
      expect(r.status, o).toBeLessThan(500);
      const text = await allText(r);
      for (const secret of SECRETS) expect(text.includes(secret), `${o} contains "${secret}"`).toBe(false);
      // (an error may repeat the name the request itself asked for, nothing else)
      for (const name of ['"head"', '"phone"', '"address"', '"greeting"', '"greeting2"', 'head_name'])
        if (!o.includes(name.replace(/"/g, ''))) expect(text.includes(name), `${o} names ${name}`).toBe(false);
    }
    for (const o of ['/indicators?compare=head', '/indicators?by=phone', '/indicators?compare=greeting'])
      expect((await raw(`/surveys/${surveyId}${o}`, 'analyst')).status).toBe(422);
    // A regression may not read an identifier, a value computed from one, or undeclared case data, and
    // answers nothing for four households (fewer than 25 cases).
    for (const [formula, code] of [
      ['abroad ~ head', 'not-an-analysis-variable'],
      ['abroad ~ phone', 'not-an-analysis-variable'],
      ['abroad ~ greeting2', 'not-an-analysis-variable'],
      ['head_name ~ 1', 'not-an-analysis-variable'],
      ['abroad ~ status', 'invalid-analysis-input'],
    ]) {
      const r = await api.call('POST', `/surveys/${surveyId}/regress`, { formula }, api.users.analyst.token);
      expect(r.status, formula).toBe(422);
      expect(r.body.code, formula).toBe(code);
      const text = JSON.stringify(r.body);
      for (const secret of SECRETS) expect(text.includes(secret), `${formula} answer contains "${secret}"`).toBe(false);
    }
    const zip = await JSZip.loadAsync((await raw(`/surveys/${surveyId}/export/dataset.zip`, 'analyst')).bytes);
    const design = JSON.parse(await zip.file('design.json')!.async('string'));
    expect(design.provenance.identifiersIncluded).toBe(false);
    const codebook = JSON.parse(await zip.file('codebook.json')!.async('string'));
    expect(codebook.variables.every((v: { identifier: boolean }) => !v.identifier)).toBe(true);
    expect(codebook.variables.find((v: { variable: string }) => v.variable === 'ea').geography).toBe('area');
  });

  it('the restricted tier gets identifiers, and the codebook says which they are', async () => {
    const zip = await JSZip.loadAsync((await raw(`/surveys/${surveyId}/export/dataset.zip`, 'stat')).bytes);
    const design = JSON.parse(await zip.file('design.json')!.async('string'));
    expect(design.provenance.identifiersIncluded).toBe(true);
    const codebook = JSON.parse(await zip.file('codebook.json')!.async('string'));
    const flag = (name: string) => codebook.variables.find((v: { variable: string }) => v.variable === name)?.identifier;
    expect([flag('head'), flag('phone'), flag('address'), flag('head_name'), flag('greeting'), flag('greeting2')]).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
    ]);
    expect([flag('region'), flag('ea'), flag('status'), flag('w'), flag('abroad')]).toEqual([false, false, false, false, false]);
    expect(await zip.file('household.csv')!.async('string')).toContain('Kwame Mensah');
  });

  it('a corrected interview stays on its case: region, EA and weight in the dataset, indicators computed', async () => {
    const row = await db.query<{ assignment_id: string }>('SELECT assignment_id FROM submissions WHERE instance_id = $1', [corrected]);
    expect(row.rows[0].assignment_id).toBe(cases[0]);
    const zip = await JSZip.loadAsync((await raw(`/surveys/${surveyId}/export/dataset.zip`, 'analyst')).bytes);
    const lines = (await zip.file('household.csv')!.async('string')).trim().split('\n');
    const header = lines[0].split(',');
    expect(lines).toHaveLength(5);
    for (const l of lines.slice(1)) {
      const cells = l.split(',');
      for (const c of ['region', 'ea', 'w']) expect(cells[header.indexOf(c)], `${c} in ${l}`).not.toBe('');
    }
    const ind = await api.as('analyst').get(`/surveys/${surveyId}/indicators`);
    expect(ind.status).toBe(200);
    expect(JSON.stringify(ind.body.skipped)).not.toMatch(/stratum/);
  });

  it('the migration repairs versions that lost their case', async () => {
    await db.query('UPDATE submissions SET assignment_id = NULL WHERE instance_id = $1', [corrected]);
    const sql = (await import('node:fs')).readFileSync(new URL('../../server/db/migrations/0003_integrity.sql', import.meta.url), 'utf8');
    await db.exec(sql.split('-- Sessions end')[0]);
    expect((await db.query<{ assignment_id: string }>('SELECT assignment_id FROM submissions WHERE instance_id = $1', [corrected])).rows[0].assignment_id).toBe(
      cases[0],
    );
  });

  it('quotas: a second interview on a 1/1 case is refused naming the case; its correction is not', async () => {
    const again = await api.as('enum').post(`/surveys/${surveyId}/submissions`, sub({ assignmentId: cases[1] }));
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('quota-reached');
    expect(again.body.detail).toContain(cases[1]);
    expect(again.body.detail).toContain('ea e2');
  });

  // The access policy, written by hand: role x action x whose object -> status.
  it('who may write what: the expected matrix', async () => {
    const s = await api.as('stat').post('/surveys', { title: 'Policy', questionnaire: TINY });
    const sid = s.body.survey.id;
    await api.as('stat').patch(`/surveys/${sid}`, { state: 'fieldwork' });
    const [caseOfEnum, caseOfEnum2] = await api.joinSurvey(sid);
    const post = (who: string, body: unknown) => api.as(who).post(`/surveys/${sid}/submissions`, body);
    // enum is in sup's team; enum2 has no supervisor.
    const mine = tinySubmission({ assignmentId: caseOfEnum });
    const orphan = tinySubmission({ assignmentId: caseOfEnum2 });
    expect((await post('enum', mine)).status).toBe(201);
    expect((await post('enum2', orphan)).status).toBe(201);
    const expected: [string, string, () => unknown, number][] = [
      ["supervisor corrects another team's interview", 'sup', () => ({ ...tinySubmission(), deprecatedId: orphan.instanceId }), 403],
      ["supervisor submits on another team's case", 'sup', () => tinySubmission({ assignmentId: caseOfEnum2 }), 403],
      ['supervisor submits without a case', 'sup', () => tinySubmission(), 422],
      ["enumerator corrects another enumerator's interview", 'enum2', () => ({ ...tinySubmission(), deprecatedId: mine.instanceId }), 403],
      ["enumerator submits on another enumerator's case", 'enum2', () => tinySubmission({ assignmentId: caseOfEnum }), 403],
    ];
    for (const [what, who, body, status] of expected) expect((await post(who, body())).status, what).toBe(status);
    // An enumerator with no case in a survey cannot submit to it.
    const other = (await api.as('stat').post('/surveys', { title: 'Not mine', questionnaire: TINY })).body.survey.id;
    await api.as('stat').patch(`/surveys/${other}`, { state: 'fieldwork' });
    const outsider = await api.as('enum').post(`/surveys/${other}/submissions`, tinySubmission());
    expect([outsider.status, outsider.body.code]).toEqual([403, 'not-in-survey']);
    // Once the supervisor approved it, the enumerator cannot replace it; the supervisor still can.
    await api.as('sup').post(`/surveys/${sid}/submissions/${mine.instanceId}/review`, { action: 'approve' });
    const late = await post('enum', { ...tinySubmission(), deprecatedId: mine.instanceId });
    expect([late.status, late.body.code]).toEqual([409, 'already-reviewed']);
    const bySup = { ...tinySubmission(), deprecatedId: mine.instanceId };
    expect((await post('sup', bySup)).status).toBe(201);
    // The corrected version keeps the enumerator who made the interview and its case.
    const v = await db.query<{ enumerator_id: string; assignment_id: string }>('SELECT enumerator_id, assignment_id FROM submissions WHERE instance_id = $1', [
      bySup.instanceId,
    ]);
    expect(v.rows[0]).toEqual({ enumerator_id: api.users.enum.id, assignment_id: caseOfEnum });
    // An interview of an enumerator without a supervisor: HQ reviews it at both levels.
    expect((await api.as('sup').post(`/surveys/${sid}/submissions/${orphan.instanceId}/review`, { action: 'approve' })).status).toBe(404);
    expect((await api.as('stat').post(`/surveys/${sid}/submissions/${orphan.instanceId}/review`, { action: 'approve' })).body.state).toBe(
      'supervisor_approved',
    );
    expect((await api.as('stat').post(`/surveys/${sid}/submissions/${orphan.instanceId}/review`, { action: 'approve' })).body.state).toBe('hq_approved');
    // ... but a statistician does not stand in for a supervisor who exists.
    const teamInterview = tinySubmission();
    await post('enum', teamInterview);
    expect((await api.as('stat').post(`/surveys/${sid}/submissions/${teamInterview.instanceId}/review`, { action: 'approve' })).status).toBe(409);
    // Analysts read approved interviews only.
    for (const states of ['completed', 'rejected', 'completed,hq_approved']) {
      expect((await api.as('analyst').get(`/surveys/${sid}/export/household.csv?states=${states}`)).status, states).toBe(403);
      expect((await api.as('analyst').get(`/surveys/${sid}/export/dataset.zip?states=${states}`)).status, states).toBe(403);
    }
    expect((await api.as('stat').get(`/surveys/${sid}/export/household.csv?states=completed`)).status).toBe(200);
  });

  it('a rescue file with NUL and lone surrogates: each item fails or succeeds on its own', async () => {
    const good1 = sub();
    const nul = sub({}, { head_name: 'Ama\u0000' });
    const lone = sub({}, { head_name: 'Ama\ud800' });
    const notASubmission = { instanceId: 'nope' };
    const good2 = sub();
    const r = await api.as('enum').post(`/surveys/${surveyId}/submissions/batch`, { submissions: [good1, nul, lone, notASubmission, good2] });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { index: number; status: number }) => [x.index, x.status])).toEqual([
      [0, 201],
      [1, 400],
      [2, 400],
      [3, 422],
      [4, 201],
    ]);
    expect(r.body.results[1].detail).toContain('head_name');
    expect((await api.as('enum').post(`/surveys/${surveyId}/submissions`, nul)).status).toBe(400);
  });

  it('paging parameters and deep JSON are 400s, never 500s', async () => {
    for (const q of ['limit=-1', 'limit=0', 'limit=abc', 'offset=-5', 'offset=99999999999999999999', 'limit=1e9', 'after=not-a-uuid']) {
      const r = await api.as('stat').get(`/surveys/${surveyId}/submissions?${q}`);
      expect(r.status, q).toBe(400);
    }
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const r = await api.call(
      'POST',
      `/surveys/${surveyId}/submissions`,
      `{"instanceId":"${randomUUID()}","questionnaire":{"id":"tinyc","version":"1"},"answers":{"x":${deep}}}`,
      api.users.enum.token,
    );
    expect(r.status).toBe(400);
    // Keyset pages walk the whole list once.
    const seen: string[] = [];
    let after = '';
    for (let i = 0; i < 20; i++) {
      const page = await api.as('stat').get(`/surveys/${surveyId}/submissions?limit=2${after ? `&after=${after}` : ''}`);
      seen.push(...page.body.submissions.map((s: { instanceId: string }) => s.instanceId));
      if (!page.body.next) break;
      after = page.body.next;
    }
    const all = (await api.as('stat').get(`/surveys/${surveyId}/submissions`)).body.submissions.map((s: { instanceId: string }) => s.instanceId);
    expect(seen).toEqual(all);
  });

  it('answers that a spreadsheet would run are neutralised in CSV, kept raw in JSON; no-store on personal data; safe file names', async () => {
    const s = sub({ assignmentId: undefined }, { members: [{ _key: 'a', age: 30 }] });
    const qs = await api.as('stat').post('/surveys', {
      title: 'Formula',
      questionnaire: {
        ...TINY,
        id: 'formula',
        version: '1"; evil=.x',
        items: [...TINY.items, { kind: 'question', name: 'note_text', type: 'text', label: 'Note' }],
      },
    });
    const fid = qs.body.survey.id;
    await api.as('stat').patch(`/surveys/${fid}`, { state: 'fieldwork' });
    await api.joinSurvey(fid);
    const f = { ...s, questionnaire: { id: 'formula', version: '1"; evil=.x' }, answers: { ...s.answers, note_text: '=HYPERLINK("http://x","y")' } };
    expect((await api.as('enum').post(`/surveys/${fid}/submissions`, f)).status).toBe(201);
    await api.as('sup').post(`/surveys/${fid}/submissions/${f.instanceId}/review`, { action: 'approve' });
    const csv = await raw(`/surveys/${fid}/export/household.csv`, 'analyst');
    expect(csv.bytes.toString()).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csv.headers.get('cache-control')).toBe('no-store');
    const zip = await raw(`/surveys/${fid}/export/dataset.zip`, 'analyst');
    expect(zip.headers.get('content-disposition')).toBe('attachment; filename="formula-1_evil_.x-dataset.zip"');
    const json = await api.as('stat').get(`/surveys/${fid}/submissions/${f.instanceId}`);
    expect(json.body.submission.answers.note_text).toBe('=HYPERLINK("http://x","y")');
    expect(json.headers.get('cache-control')).toBe('no-store');
    expect((await api.as('analyst').get(`/surveys/${fid}/export/codebook.json`)).body.csvFormulaGuard).toMatch(/apostrophe/);
  });
});

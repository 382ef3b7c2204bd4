import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabaseTargets } from '../helpers/databases.js';
import { startApi } from '../helpers/api.js';
import { interview, population, SETTINGS } from '../../examples/dotm/synthetic-dataset.js';
import { dotmHousehold } from '../../questionnaires/library/index.js';
import type { Database } from '../../server/db/index.js';
import { SubmissionBatches, submissionBatches } from '../../server/services/submission-batches.js';
import type { NewSubmission } from '../../server/queries/submissions.js';

/**
 * New interviews arriving together are written by one statement (server/services/submission-batches.ts).
 * What a sender sees must not change: every interview stored once with its audit entry, a resend sent
 * at the same moment answered as a resend, a reused instanceId refused; and one bad row in a batch
 * must not cost the others their place.
 */
describe.each(testDatabaseTargets())('group insert of new interviews on $name', (target) => {
  let db: Database;
  let api: Awaited<ReturnType<typeof startApi>>;
  let surveyId: string;

  beforeAll(async () => {
    db = await target.open();
    api = await startApi(db);
    const created = await api.as('stat').post('/surveys', { title: 'DotM', questionnaire: dotmHousehold(SETTINGS) });
    surveyId = created.body.survey.id;
    await api.as('stat').patch(`/surveys/${surveyId}`, { state: 'fieldwork' });
    await api.joinSurvey(surveyId);
  });
  afterAll(async () => {
    await api?.close();
    await db?.close();
  });

  const submission = (hh: ReturnType<typeof population>['households'][number]) => {
    const { instanceId, answers } = interview(hh);
    return { instanceId, questionnaire: { id: 'dotm-household', version: '1.0.0' }, answers };
  };

  /** A new interview as the group writer takes it (answers need not fit a questionnaire: the statement does not read them). */
  const newRow = (enumeratorId: string, extra: Partial<NewSubmission> = {}): NewSubmission => {
    const id = randomUUID();
    return {
      instanceId: id,
      interviewId: id,
      deprecatedId: null,
      surveyId,
      questionnaireVersion: '1.0.0',
      assignmentId: null,
      enumeratorId,
      answersText: '{}',
      paradata: {},
      meta: {},
      contentHash: id,
      byUserId: enumeratorId,
      anyEnumerator: true,
      ...extra,
    };
  };

  it('stores interviews sent at once, each once, with resends and a reused id answered as alone', async () => {
    const { households } = population(7, 12, 1, 2026);
    const bodies = households.slice(0, 48).map(submission);
    const before = { ...submissionBatches(db).stats };
    // Each of the first six is sent twice at the same moment; the seventh's id comes again with other answers.
    const reused = { ...bodies[6], answers: { ...bodies[6].answers, hh_size: 99 } };
    const sends = [...bodies, ...bodies.slice(0, 6), reused];
    const answers = await Promise.all(sends.map((b, k) => api.as(k % 2 ? 'enum' : 'enum2').post(`/surveys/${surveyId}/submissions`, b)));
    const after = submissionBatches(db).stats;

    const byId = new Map<string, number[]>();
    sends.forEach((b, k) => byId.set(b.instanceId, [...(byId.get(b.instanceId) ?? []), answers[k].status]));
    for (const [id, statuses] of byId) {
      const k = bodies.findIndex((b) => b.instanceId === id);
      if (k < 6) expect(statuses.sort(), id).toEqual([200, 201]);
      else if (k === 6) expect(statuses.sort(), id).toEqual([201, 409]);
      else expect(statuses, id).toEqual([201]);
    }
    const resent = answers.filter((a) => a.status === 200);
    expect(resent.every((a) => a.body.stored === false && a.body.state === 'completed')).toBe(true);
    expect(answers.find((a) => a.status === 409)?.body.code).toBe('instance-id-reused');

    const rows = await db.query<{ n: string; ids: string }>(
      'SELECT count(*)::text AS n, count(DISTINCT instance_id)::text AS ids FROM submissions WHERE survey_id = $1',
      [surveyId],
    );
    expect(rows.rows[0]).toEqual({ n: '48', ids: '48' });
    const audit = await db.query<{ entity_id: string; n: string }>(
      "SELECT entity_id, count(*)::text AS n FROM audit_log WHERE action = 'submit' AND entity = 'submission' GROUP BY entity_id",
    );
    expect(audit.rows.length).toBe(48);
    expect(audit.rows.every((r) => r.n === '1')).toBe(true);
    expect(new Set(audit.rows.map((r) => r.entity_id))).toEqual(new Set(bodies.map((b) => b.instanceId)));
    expect(after.rows - before.rows).toBeGreaterThanOrEqual(48);
    // Sent together to a PostgreSQL server, they were written together: fewer statements than interviews.
    // (PGlite runs each statement in this process before the next request is read: batches rarely form.)
    if (target.name === 'postgres') expect(after.statements - before.statements).toBeLessThan(after.rows - before.rows);
  });

  it('a row that fails sends the others of its batch alone: they are stored, it gets its own error', async () => {
    const batches = new SubmissionBatches(db, { maxInFlight: 1, maxRows: 64, maxBytes: 1 << 20 });
    const row = (enumeratorId: string) => newRow(enumeratorId, { answersText: JSON.stringify({ note: 'x' }) });
    // The first is written alone (nothing in flight); the next five wait and go together, one of them
    // naming an enumerator who does not exist (a foreign key violation fails the whole statement).
    const first = batches.insert(row(api.users.enum.id));
    const good = [0, 1, 2, 3].map(() => row(api.users.enum.id));
    const bad = row(randomUUID());
    const results = await Promise.allSettled([
      first,
      ...good.slice(0, 2).map((r) => batches.insert(r)),
      batches.insert(bad),
      ...good.slice(2).map((r) => batches.insert(r)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(results.filter((r) => r.status === 'fulfilled').every((r) => (r as PromiseFulfilledResult<boolean>).value === true)).toBe(true);
    expect(((results[3] as PromiseRejectedResult).reason as { code?: string }).code).toBe('23503');
    const stored = await db.query<{ instance_id: string }>('SELECT instance_id FROM submissions WHERE instance_id = ANY($1)', [
      [...good, bad].map((r) => r.instanceId),
    ]);
    expect(new Set(stored.rows.map((r) => r.instance_id))).toEqual(new Set(good.map((r) => r.instanceId)));
    // 1 alone, 1 batch of 5 that failed, then 5 alone.
    expect(batches.stats).toEqual({ statements: 7, rows: 11 });
  });

  it('stores nothing, and says so, where the survey is not in fieldwork or the enumerator holds no case', async () => {
    const batches = new SubmissionBatches(db, { maxInFlight: 1, maxRows: 64, maxBytes: 1 << 20 });
    const other = await api.as('stat').post('/surveys', { title: 'Closed', questionnaire: dotmHousehold(SETTINGS) });
    const closed = other.body.survey.id as string;
    const row = (survey: string, enumeratorId: string, anyEnumerator: boolean) => newRow(enumeratorId, { surveyId: survey, anyEnumerator });
    const stored = await Promise.all([
      batches.insert(row(surveyId, api.users.enum.id, false)),
      batches.insert(row(closed, api.users.enum.id, true)),
      batches.insert(row(surveyId, api.users.analyst.id, false)),
      batches.insert(row(surveyId, api.users.analyst.id, true)),
      batches.insert(row(surveyId, api.users.enum2.id, false)),
    ]);
    expect(stored).toEqual([true, false, false, true, true]);
  });

  it('keeps batches within their byte budget', async () => {
    const batches = new SubmissionBatches(db, { maxInFlight: 1, maxRows: 64, maxBytes: 3000 });
    const big = (n: number) => newRow(api.users.enum.id, { answersText: JSON.stringify({ text: 'x'.repeat(n) }) });
    // The first goes alone; of the six waiting (about 1,400 bytes each) at most two fit in 3,000 bytes.
    const all = await Promise.all([big(10), ...Array.from({ length: 6 }, () => big(1000))].map((r) => batches.insert(r)));
    expect(all.every(Boolean)).toBe(true);
    expect(batches.stats).toEqual({ statements: 4, rows: 7 });
  });
});

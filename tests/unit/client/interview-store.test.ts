import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { backoffMs, InterviewStore, type Submission, type SendResult } from '../../../client/src/offline/interview-store.js';

const submission = (id = randomUUID()): Submission => ({ instanceId: id, questionnaire: { id: 'tiny', version: '1' }, answers: { abroad: '1' } });
let dbCounter = 0;
const open = () => InterviewStore.open(`test-${++dbCounter}`);

describe('drafts', () => {
  it('autosave survives closing and reopening the store (a reload)', async () => {
    const name = `reload-${++dbCounter}`;
    const a = await InterviewStore.open(name);
    const s = submission();
    await a.saveDraft({ instanceId: s.instanceId, surveyId: 'S', submission: s, title: 'House 4' });
    await a.saveDraft({ instanceId: s.instanceId, surveyId: 'S', submission: { ...s, answers: { abroad: '0' } }, title: 'House 4' });
    a.close();
    const b = await InterviewStore.open(name);
    const d = await b.getDraft(s.instanceId);
    expect(d!.submission.answers).toEqual({ abroad: '0' });
    expect(await b.listDrafts()).toHaveLength(1);
    b.close();
  });
  it('completing moves the draft to the outbox atomically', async () => {
    const store = await open();
    const s = submission();
    await store.saveDraft({ instanceId: s.instanceId, surveyId: 'S', submission: s });
    await store.complete(s.instanceId, 1000);
    expect(await store.listDrafts()).toEqual([]);
    expect((await store.listOutbox()).map((e) => [e.instanceId, e.status])).toEqual([[s.instanceId, 'queued']]);
    await expect(store.complete('nope')).rejects.toThrow(/no draft/);
  });
});

describe('outbox', () => {
  it('sends when online, retries with backoff when offline, and never loses or duplicates', async () => {
    const store = await open();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) {
      await store.saveDraft({ instanceId: id, surveyId: 'S', submission: submission(id) });
      await store.complete(id, 0);
    }
    const server = new Map<string, number>();
    let online = false;
    const send = async (_survey: string, s: Submission): Promise<SendResult> => {
      if (!online) return null;
      const seen = server.has(s.instanceId);
      server.set(s.instanceId, (server.get(s.instanceId) ?? 0) + 1);
      return { status: seen ? 200 : 201, body: { state: 'completed' } };
    };
    expect(await store.flush(send, 0)).toEqual({ sent: 0, failed: 0, waiting: 3 });
    expect(await store.flush(send, 1000)).toEqual({ sent: 0, failed: 0, waiting: 3 }); // not due yet
    expect(await store.flush(send, 1000, { ignoreBackoff: true })).toEqual({ sent: 0, failed: 0, waiting: 3 }); // still offline
    online = true;
    expect(await store.flush(send, 1000 + backoffMs(2))).toEqual({ sent: 3, failed: 0, waiting: 0 });
    expect(await store.listOutbox()).toEqual([]);
    expect((await store.listSent()).map((s) => s.instanceId).sort()).toEqual([...ids].sort());
    expect([...server.values()]).toEqual([1, 1, 1]);
  });
  it('keeps a refused interview as failed with the reason, and retries it on request', async () => {
    const store = await open();
    const id = randomUUID();
    await store.saveDraft({ instanceId: id, surveyId: 'S', submission: submission(id) });
    await store.complete(id, 0);
    const refuse = async (): Promise<SendResult> => ({ status: 422, body: { code: 'invalid-submission', detail: 'the interview has 1 problem' } });
    expect(await store.flush(refuse, 0)).toEqual({ sent: 0, failed: 1, waiting: 0 });
    const [entry] = await store.listOutbox();
    expect(entry.status).toBe('failed');
    expect(entry.lastError).toBe('422 invalid-submission the interview has 1 problem');
    await store.retry(id, 10);
    expect((await store.listOutbox())[0].status).toBe('queued');
  });
  it('backs off 5 s, 10 s, 20 s ... up to 10 minutes', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([5000, 10000, 20000, 40000]);
    expect(backoffMs(30)).toBe(600_000);
  });
});

describe('rescue file', () => {
  it('holds every unsent interview of a survey in the body the server batch endpoint takes', async () => {
    const store = await open();
    const a = randomUUID();
    const b = randomUUID();
    await store.saveDraft({ instanceId: a, surveyId: 'S', submission: submission(a) });
    await store.complete(a);
    await store.saveDraft({ instanceId: b, surveyId: 'S', submission: submission(b) });
    await store.saveDraft({ instanceId: randomUUID(), surveyId: 'OTHER', submission: submission() });
    const file = await store.rescueFile('S', new Date('2026-06-01T12:00:00Z'));
    expect(file.format).toBe('mdsurvey-rescue-1');
    expect(file.submissions.map((s) => s.instanceId)).toEqual([a]);
    expect(file.drafts.map((d) => d.instanceId)).toEqual([b]);
  });
});

describe('correction drafts', () => {
  it('adds one correction draft per returned interview, even when asked twice at once', async () => {
    const store = await open();
    const returned = randomUUID();
    const make = () => {
      const id = randomUUID();
      return store.addCorrectionDraft({
        instanceId: id,
        surveyId: 'S',
        submission: { ...submission(id), deprecatedId: returned },
        review: { comments: { q: 'fix' } },
      });
    };
    const results = await Promise.all([make(), make()]);
    expect(results.sort()).toEqual([false, true]);
    expect(await store.listDrafts()).toHaveLength(1);
  });
});

describe('refused interviews and users of one device', () => {
  it('a refused interview reopens as a draft with every problem at its question', async () => {
    const store = await open();
    const s = submission();
    await store.saveDraft({ instanceId: s.instanceId, surveyId: 'S', submission: s });
    await store.complete(s.instanceId, 1000);
    const send = async (): Promise<SendResult> => ({
      status: 422,
      body: {
        code: 'invalid-submission',
        detail: 'the interview has 2 problems',
        errors: [
          { path: 'members[1].age', message: 'must be 0 to 120' },
          { path: 'head_name', message: 'too long' },
        ],
      },
    });
    expect((await store.flush(send, 2000)).failed).toBe(1);
    const draft = await store.reopen(s.instanceId);
    expect(draft!.review!.comments).toEqual({ 'members[1].age': 'must be 0 to 120', head_name: 'too long' });
    expect(draft!.review!.note).toContain('invalid-submission');
    expect(await store.listOutbox()).toEqual([]);
    expect((await store.getDraft(s.instanceId))!.submission).toEqual(s);
  });
  it("each user's store is separate; the old shared store is adopted once, nothing lost", async () => {
    const legacy = await InterviewStore.open('mdsurvey-interviews');
    const s = submission();
    await legacy.saveDraft({ instanceId: s.instanceId, surveyId: 'S', submission: s, title: 'old draft' });
    legacy.close();
    const ana = await InterviewStore.openForUser('ana-id');
    expect((await ana.listDrafts()).map((d) => d.title)).toEqual(['old draft']);
    const ben = await InterviewStore.openForUser('ben-id');
    expect(await ben.listDrafts()).toEqual([]);
    ana.close();
    ben.close();
  });
});

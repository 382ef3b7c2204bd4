import { afterAll, describe, expect, it } from 'vitest';
import { compileQuestionnaire, validateResponse } from '../../../questionnaires/index.js';
import { dotmHousehold } from '../../../questionnaires/library/index.js';
import { interview, population, SETTINGS } from '../../../examples/dotm/synthetic-dataset.js';
import { LoopLoad, ValidationThread, ValidationWorkerStopped, WORKER_VERSIONS } from '../../../server/workers/validation.js';
import { contentHash } from '../../../server/services/content-hash.js';
import { checkSubmission } from '../../../server/services/submission-check.js';

// Submissions are checked in a worker thread (server/workers/validation.ts). The truth: what
// validateResponse and checkSubmission say in this thread, for the same compiled questionnaire and document.

const thread = new ValidationThread();
afterAll(() => thread.close());

const dotm = compileQuestionnaire(dotmHousehold(SETTINGS));
// Metadata filled where a document has none, from the clock or a random draw: not compared.
const DRAWN = dotm.fields.filter((f) => f.item.kind === 'metadata' && ['seed', 'start', 'today'].includes(f.item.type)).map((f) => f.name);
const doc = (answers: Record<string, unknown>, k: number) => ({
  instanceId: `00000000-0000-4000-8000-${String(k).padStart(12, '0')}`,
  questionnaire: { id: dotm.source.id, version: dotm.source.version },
  answers,
  paradata: { start: '2026-01-01T10:00:00Z' } as Record<string, unknown>,
});

describe('validation thread', () => {
  it('gives validateResponse’s problems and saved answers for DotM households, valid and spoiled', async () => {
    const { households } = population(17, 6, 1, 2026);
    const docs: ReturnType<typeof doc>[] = [];
    households.slice(0, 30).forEach((hh, k) => {
      const { answers } = interview(hh);
      docs.push(doc(answers, k));
      // Spoiled: answers left out (required ones missing), a wrong type, an unknown field, a bad code.
      const names = Object.keys(answers);
      const spoiled: Record<string, unknown> = Object.fromEntries(names.filter((_, j) => j % 4 !== k % 4).map((n) => [n, answers[n]]));
      if (k % 3 === 0) spoiled[names[k % names.length]] = { nested: true };
      if (k % 5 === 0) spoiled.not_a_question = 1;
      docs.push(doc(spoiled, 1000 + k));
      // Valid, with text PostgreSQL cannot store in its paradata.
      if (k % 6 === 0) docs.push({ ...doc(answers, 2000 + k), paradata: { start: '2026-01-01T10:00:00Z', note: 'a\u0000b' } });
    });
    // All at once: answers come back to their own document.
    const results = await Promise.all(docs.map((d) => thread.validate(dotm, d)));
    let invalid = 0;
    let unsafe = 0;
    results.forEach((r, k) => {
      const here = validateResponse(dotm, docs[k]);
      const strip = (a: Record<string, unknown> | undefined) => (a ? { ...a, ...Object.fromEntries(DRAWN.map((n) => [n, undefined])) } : a);
      expect(r.problems).toEqual(here.problems);
      expect(strip(r.answersText === undefined ? undefined : JSON.parse(r.answersText))).toEqual(strip(here.answers));
      // The hash and the text check come with the validation, as checkSubmission gives them here.
      expect(r.hash).toBe(contentHash(docs[k]));
      expect(r.unsafe).toEqual(checkSubmission(dotm, docs[k]).unsafe);
      if (r.unsafe) {
        unsafe++;
        expect(r.unsafe.path).toBe('paradata.note');
      }
      if (here.problems.length) invalid++;
    });
    expect(unsafe).toBe(5);
    expect(invalid).toBeGreaterThan(10);
    expect(invalid).toBeLessThan(docs.length);
  });

  it('compiles each version once and keeps versions apart', async () => {
    const other = compileQuestionnaire({ ...dotmHousehold(SETTINGS), version: '9.9.9' });
    const { answers } = interview(population(3, 2, 1, 2026).households[0]);
    const a = await thread.validate(dotm, doc(answers, 1));
    const b = await thread.validate(other, { ...doc(answers, 2), questionnaire: { id: other.source.id, version: '9.9.9' } });
    expect(a.problems).toEqual([]);
    expect(b.problems).toEqual([]);
    // The version is checked by the response schema: a document of one version is not valid for the other.
    const crossed = await thread.validate(other, doc(answers, 3));
    expect(crossed.problems.map((p) => p.path)).toEqual(['questionnaire.version']);
  });

  it('sends a version again when the worker let it go (it keeps the last WORKER_VERSIONS)', async () => {
    const versions = Array.from({ length: WORKER_VERSIONS + 2 }, (_, k) =>
      compileQuestionnaire({
        id: 'tiny',
        version: `1.${k}`,
        title: { en: 'Tiny' },
        languages: { default: 'en', available: ['en'] },
        items: [{ kind: 'question', name: 'n', type: 'integer', label: { en: 'N' }, constraint: `. <= ${k}` }],
      }),
    );
    const tiny = (k: number, n: number) => ({
      instanceId: '00000000-0000-4000-8000-000000000001',
      questionnaire: { id: 'tiny', version: `1.${k}` },
      answers: { n },
    });
    for (let k = 0; k < versions.length; k++) expect((await thread.validate(versions[k], tiny(k, k))).problems).toEqual([]);
    // The first versions were let go by the worker: each is sent again, with the same verdicts.
    for (const k of [0, 1, versions.length - 1]) {
      expect((await thread.validate(versions[k], tiny(k, k))).problems).toEqual([]);
      expect((await thread.validate(versions[k], tiny(k, k + 1))).problems.map((p) => `${p.path} ${p.code}`)).toEqual(['n constraint']);
    }
  });

  it('rejects what is being validated when the worker ends, and starts again for the next document', async () => {
    const { answers } = interview(population(5, 2, 1, 2026).households[0]);
    await thread.validate(dotm, doc(answers, 1)); // started
    const waiting = thread.validate(dotm, doc(answers, 2));
    await thread.close();
    await expect(waiting).rejects.toThrow(/validation worker stopped|terminated/);
    await expect(waiting).rejects.toBeInstanceOf(ValidationWorkerStopped);
    const again = await thread.validate(dotm, doc(answers, 3));
    expect(again.problems).toEqual([]);
  });
});

describe('loop load', () => {
  const spin = (ms: number) => {
    const end = performance.now() + ms;
    while (performance.now() < end);
  };
  const idle = (ms: number) => new Promise((r) => setTimeout(r, ms));
  it('sends work to the thread once the loop has been busy, and back when it is idle again', async () => {
    const load = new LoopLoad(0.6, 0.3);
    await idle(150);
    expect(load.busy()).toBe(false); // an idle loop
    spin(300);
    await idle(1);
    expect(load.busy()).toBe(true); // the last ~300 ms: all busy
    spin(120);
    await idle(10);
    expect(load.busy()).toBe(true); // still busy
    await idle(400);
    expect(load.busy()).toBe(false); // idle again
  });
});

import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

import type { Submission } from '../../../common/submission.js';

export type { Submission };

/** An interview being filled: autosaved on every answer. */
export interface Draft {
  instanceId: string;
  surveyId: string;
  submission: Submission;
  /** Supervisor's comments per question when this draft corrects a rejected interview. */
  review?: { comments: Record<string, string>; note?: string };
  /** Free text shown in lists (household, address). */
  title?: string;
  updatedAt: number;
}

/** A completed interview waiting to be sent. */
export interface OutboxEntry {
  instanceId: string;
  surveyId: string;
  submission: Submission;
  title?: string;
  attempts: number;
  nextAttemptAt: number;
  /** queued: will be sent; failed: the server refused it and the enumerator must look at it. */
  status: 'queued' | 'failed';
  lastError?: string;
  /** The problems the server named when it refused the interview (path and message). */
  problems?: { path: string; message: string }[];
  completedAt: number;
}

/** An interview the server has confirmed (201 stored, or 200 already stored). */
export interface SentEntry {
  instanceId: string;
  surveyId: string;
  title?: string;
  sentAt: number;
  state: string;
}

/** The file of a media answer (photo, recording, document), kept on the device until the server has it. */
export interface MediaEntry {
  /** The answer's value: the file name the app gave it. */
  name: string;
  /** The version (draft) whose answer it is: sent after that version is stored. */
  instanceId: string;
  surveyId: string;
  blob: Blob;
  contentType: string;
  uploaded: boolean;
  /** The server refused it (4xx): said to the enumerator, not retried. */
  error?: string;
}

/** A visit to a case that gave no interview (its AAPOR disposition), kept until the server has it. */
export interface VisitEntry {
  id: string;
  surveyId: string;
  assignmentId: string;
  code: string;
  note: string;
  visitedAt: string;
  sent: boolean;
  error?: string;
}

/** What uploading one media file gave: the HTTP status and the server's reason, or null when the network failed. */
export type UploadResult = { status: number; detail?: string } | null;

interface InterviewDb extends DBSchema {
  visits: { key: string; value: VisitEntry; indexes: { byAssignment: string } };
  media: { key: string; value: MediaEntry; indexes: { byInstance: string } };
  questionnaires: { key: string; value: { key: string; definition: unknown } };
  drafts: { key: string; value: Draft; indexes: { bySurvey: string } };
  outbox: { key: string; value: OutboxEntry; indexes: { bySurvey: string } };
  sent: { key: string; value: SentEntry; indexes: { bySurvey: string } };
}

/** What sending one submission gave: an HTTP answer, or null when the network failed. */
export type SendResult = {
  status: number;
  body: { code?: string; detail?: string; state?: string; errors?: { path: string; message: string }[] } | null;
} | null;

/** Seconds between retries: 5 s, 10 s, 20 s ... at most 10 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(5000 * 2 ** Math.max(0, attempts - 1), 600_000);
}

/**
 * The enumerator's interviews on this device: drafts (autosaved), the outbox of completed
 * interviews and the sent list, all in IndexedDB so that closing the tab, a reload or a crash never
 * loses an answer.
 */
export class InterviewStore {
  private constructor(private readonly db: IDBPDatabase<InterviewDb>) {}

  /**
   * Opens the store of one user on this device (`mdsurvey-interviews:<user id>`). The first user to
   * open a store after the upgrade adopts what the device's old shared store held (made before stores
   * were per user), so no interview of an earlier version is lost; the shared store is then emptied.
   */
  static async openForUser(userId: string): Promise<InterviewStore> {
    const store = await InterviewStore.open(`mdsurvey-interviews:${userId}`);
    if (typeof indexedDB !== 'undefined' && (await indexedDB.databases?.())?.some((d) => d.name === 'mdsurvey-interviews')) {
      const legacy = await InterviewStore.open('mdsurvey-interviews');
      for (const name of ['drafts', 'outbox', 'sent', 'questionnaires', 'media', 'visits'] as const) {
        for (const v of await legacy.db.getAll(name)) await store.db.put(name, v as never);
        await legacy.db.clear(name);
      }
      legacy.close();
      await new Promise((resolve) => {
        const r = indexedDB.deleteDatabase('mdsurvey-interviews');
        r.onsuccess = r.onerror = r.onblocked = () => resolve(null);
      });
    }
    return store;
  }

  /** Opens (or creates) a store by its IndexedDB name. */
  static async open(name = 'mdsurvey-interviews'): Promise<InterviewStore> {
    const db = await openDB<InterviewDb>(name, 4, {
      upgrade(d, oldVersion) {
        if (oldVersion < 1) {
          d.createObjectStore('drafts', { keyPath: 'instanceId' }).createIndex('bySurvey', 'surveyId');
          d.createObjectStore('outbox', { keyPath: 'instanceId' }).createIndex('bySurvey', 'surveyId');
          d.createObjectStore('sent', { keyPath: 'instanceId' }).createIndex('bySurvey', 'surveyId');
        }
        if (oldVersion < 2) d.createObjectStore('questionnaires', { keyPath: 'key' });
        if (oldVersion < 3) d.createObjectStore('media', { keyPath: 'name' }).createIndex('byInstance', 'instanceId');
        if (oldVersion < 4) d.createObjectStore('visits', { keyPath: 'id' }).createIndex('byAssignment', 'assignmentId');
      },
    });
    return new InterviewStore(db);
  }

  close(): void {
    this.db.close();
  }

  /** Keeps a questionnaire version on the device, for interviews without a connection. */
  async saveQuestionnaire(surveyId: string, version: string, definition: unknown): Promise<void> {
    await this.db.put('questionnaires', { key: `${surveyId}@${version}`, definition });
  }

  async getQuestionnaire(surveyId: string, version: string): Promise<unknown | undefined> {
    return (await this.db.get('questionnaires', `${surveyId}@${version}`))?.definition;
  }

  /** Saves a draft (call it on every answer). */
  async saveDraft(draft: Omit<Draft, 'updatedAt'>, now = Date.now()): Promise<void> {
    await this.db.put('drafts', { ...draft, updatedAt: now });
  }

  /**
   * Adds the correction draft of a returned interview unless one exists already; the check and the
   * insert are one transaction, so two pages loading at once cannot create two.
   */
  async addCorrectionDraft(draft: Omit<Draft, 'updatedAt'>, now = Date.now()): Promise<boolean> {
    const tx = this.db.transaction('drafts', 'readwrite');
    const existing = await tx.store.getAll();
    const replaces = draft.submission.deprecatedId;
    if (existing.some((d) => d.submission.deprecatedId === replaces)) {
      await tx.done;
      return false;
    }
    await tx.store.put({ ...draft, updatedAt: now });
    await tx.done;
    return true;
  }

  getDraft(instanceId: string): Promise<Draft | undefined> {
    return this.db.get('drafts', instanceId);
  }

  listDrafts(): Promise<Draft[]> {
    return this.db.getAll('drafts');
  }

  async deleteDraft(instanceId: string): Promise<void> {
    await this.db.delete('drafts', instanceId);
  }

  /** Moves a completed draft to the outbox in one transaction: it is in exactly one of the two. */
  async complete(instanceId: string, now = Date.now()): Promise<OutboxEntry> {
    const tx = this.db.transaction(['drafts', 'outbox'], 'readwrite');
    const draft = await tx.objectStore('drafts').get(instanceId);
    if (!draft) {
      tx.done.catch(() => undefined); // the abort below rejects it; the error that matters is ours
      tx.abort();
      throw new Error(`no draft ${instanceId}`);
    }
    const entry: OutboxEntry = {
      instanceId,
      surveyId: draft.surveyId,
      submission: draft.submission,
      title: draft.title,
      attempts: 0,
      nextAttemptAt: now,
      status: 'queued',
      completedAt: now,
    };
    await tx.objectStore('outbox').put(entry);
    await tx.objectStore('drafts').delete(instanceId);
    await tx.done;
    return entry;
  }

  /** Keeps the file of a media answer on the device (before the answer names it, so a crash never leaves a name without its file). */
  async saveMedia(entry: Omit<MediaEntry, 'uploaded'>): Promise<void> {
    await this.db.put('media', { ...entry, uploaded: false });
  }

  getMedia(name: string): Promise<MediaEntry | undefined> {
    return this.db.get('media', name);
  }

  /** Forgets a file no answer names any more (a photo taken again), unless the server has it already. */
  async dropMedia(name: string, instanceId: string): Promise<void> {
    const e = await this.db.get('media', name);
    // A file of an earlier version stays: that version (on the server, or waiting to be sent) names it.
    if (e && !e.uploaded && e.instanceId === instanceId) await this.db.delete('media', name);
  }

  listMedia(): Promise<MediaEntry[]> {
    return this.db.getAll('media');
  }

  /**
   * Uploads the files of media answers whose interview version the server has stored. 201/200: kept as
   * uploaded; 4xx: kept with the server's reason (a person must look); network or 5xx: tried again later.
   */
  async flushMedia(upload: (m: MediaEntry) => Promise<UploadResult>): Promise<{ uploaded: number; failed: number; waiting: number }> {
    let uploaded = 0;
    let failed = 0;
    let waiting = 0;
    for (const m of await this.db.getAll('media')) {
      if (m.uploaded) continue;
      if (m.error) {
        failed++;
        continue;
      }
      if (!(await this.db.get('sent', m.instanceId))) {
        waiting++;
        continue;
      }
      const r = await upload(m);
      if (r && (r.status === 201 || r.status === 200)) {
        await this.db.put('media', { ...m, uploaded: true });
        uploaded++;
      } else if (r && r.status >= 400 && r.status < 500 && r.status !== 429 && r.status !== 408) {
        await this.db.put('media', { ...m, error: `${r.status} ${r.detail ?? ''}`.trim() });
        failed++;
      } else waiting++;
    }
    return { uploaded, failed, waiting };
  }

  /** Keeps a visit on the device; it is sent with the next flush. */
  async addVisit(v: Omit<VisitEntry, 'sent'>): Promise<void> {
    await this.db.put('visits', { ...v, sent: false });
  }

  listVisits(): Promise<VisitEntry[]> {
    return this.db.getAll('visits');
  }

  /** Sends the visits not yet stored: 201/200 kept as sent; 4xx kept with the reason; otherwise tried again later. */
  async flushVisits(send: (v: VisitEntry) => Promise<UploadResult>): Promise<void> {
    for (const v of await this.db.getAll('visits')) {
      if (v.sent || v.error) continue;
      const r = await send(v);
      if (r && (r.status === 201 || r.status === 200)) await this.db.put('visits', { ...v, sent: true });
      else if (r && r.status >= 400 && r.status < 500 && r.status !== 429 && r.status !== 408)
        await this.db.put('visits', { ...v, error: `${r.status} ${r.detail ?? ''}`.trim() });
    }
  }

  listOutbox(): Promise<OutboxEntry[]> {
    return this.db.getAll('outbox');
  }

  listSent(): Promise<SentEntry[]> {
    return this.db.getAll('sent');
  }

  /**
   * Sends every outbox entry that is due. 201/200: moved to sent. 422 or 409: kept as failed with the
   * server's reason (a person must look). Network errors, 5xx and 429: retried later with backoff.
   * Safe to call at any time and repeatedly: submissions are idempotent by instanceId.
   */
  async flush(
    send: (surveyId: string, s: Submission) => Promise<SendResult>,
    now = Date.now(),
    options: { ignoreBackoff?: boolean; upload?: (m: MediaEntry) => Promise<UploadResult>; sendVisit?: (v: VisitEntry) => Promise<UploadResult> } = {},
  ): Promise<{ sent: number; failed: number; waiting: number }> {
    let sent = 0;
    let failed = 0;
    let waiting = 0;
    for (const entry of await this.listOutbox()) {
      if (entry.status === 'failed') {
        failed++;
        continue;
      }
      // A person pressing "send now", or the connection coming back, does not wait for the backoff.
      if (entry.nextAttemptAt > now && !options.ignoreBackoff) {
        waiting++;
        continue;
      }
      const r = await send(entry.surveyId, entry.submission);
      if (r && (r.status === 201 || r.status === 200)) {
        const tx = this.db.transaction(['outbox', 'sent'], 'readwrite');
        await tx
          .objectStore('sent')
          .put({ instanceId: entry.instanceId, surveyId: entry.surveyId, title: entry.title, sentAt: now, state: r.body?.state ?? 'completed' });
        await tx.objectStore('outbox').delete(entry.instanceId);
        await tx.done;
        sent++;
      } else if (r && (r.status === 400 || r.status === 422 || r.status === 409 || r.status === 403 || r.status === 404)) {
        const problems = Array.isArray(r.body?.errors)
          ? r.body.errors.filter((p) => typeof p?.path === 'string').map((p) => ({ path: p.path, message: String(p.message) }))
          : [];
        await this.db.put('outbox', {
          ...entry,
          status: 'failed',
          attempts: entry.attempts + 1,
          lastError: `${r.status} ${r.body?.code ?? ''} ${r.body?.detail ?? ''}`.trim(),
          problems,
        });
        failed++;
      } else {
        const attempts = entry.attempts + 1;
        await this.db.put('outbox', {
          ...entry,
          attempts,
          nextAttemptAt: now + backoffMs(attempts),
          lastError: r ? `${r.status} ${r.body?.detail ?? ''}`.trim() : 'no connection',
        });
        waiting++;
      }
    }
    // Then the files of media answers, for the versions the server now has.
    if (options.upload) await this.flushMedia(options.upload);
    if (options.sendVisit) await this.flushVisits(options.sendVisit);
    return { sent, failed, waiting };
  }

  /**
   * Reopens an interview the server refused as a draft, with each problem the server named shown at its
   * question (as a supervisor's comment is), so the enumerator can correct it and complete it again.
   */
  async reopen(instanceId: string, now = Date.now()): Promise<Draft | null> {
    const tx = this.db.transaction(['drafts', 'outbox'], 'readwrite');
    const e = await tx.objectStore('outbox').get(instanceId);
    if (!e) {
      await tx.done;
      return null;
    }
    const comments: Record<string, string> = {};
    for (const p of e.problems ?? []) comments[p.path] = comments[p.path] ? `${comments[p.path]}; ${p.message}` : p.message;
    const draft: Draft = {
      instanceId,
      surveyId: e.surveyId,
      submission: e.submission,
      title: e.title,
      review: { comments, note: `The server refused this interview: ${e.lastError ?? ''}` },
      updatedAt: now,
    };
    await tx.objectStore('drafts').put(draft);
    await tx.objectStore('outbox').delete(instanceId);
    await tx.done;
    return draft;
  }

  /** Puts a failed entry back in the queue (after the enumerator looked at it). */
  async retry(instanceId: string, now = Date.now()): Promise<void> {
    const e = await this.db.get('outbox', instanceId);
    if (e) await this.db.put('outbox', { ...e, status: 'queued', nextAttemptAt: now });
  }

  /**
   * The rescue file of a survey: every unsent interview (outbox and drafts) in the body the server's
   * POST /surveys/{id}/submissions/batch takes; drafts are included for safekeeping, marked as such.
   */
  async rescueFile(
    surveyId: string,
    now = new Date(),
  ): Promise<{ format: 'mdsurvey-rescue-1'; exportedAt: string; submissions: Submission[]; drafts: Draft[] }> {
    const outbox = await this.db.getAllFromIndex('outbox', 'bySurvey', surveyId);
    const drafts = await this.db.getAllFromIndex('drafts', 'bySurvey', surveyId);
    return { format: 'mdsurvey-rescue-1', exportedAt: now.toISOString(), submissions: outbox.map((e) => e.submission), drafts };
  }
}

/** Asks the browser not to evict the interviews under storage pressure; true when granted. */
export async function requestPersistentStorage(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  return navigator.storage.persist();
}

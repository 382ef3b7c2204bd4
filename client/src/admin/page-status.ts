import { useState } from 'react';
import { ApiError } from '../api.js';

/** A status line of an admin page: what was done, or what went wrong. */
export interface PageStatus {
  text: string;
  bad?: boolean;
}

/** What the server said was wrong, with the problems it listed (path and message). */
export function problemText(err: unknown): string {
  if (err instanceof ApiError) return `${err.message}${err.errors?.length ? `: ${err.errors.map((e) => `${e.path} ${e.message}`).join('; ')}` : ''}`;
  return err instanceof Error ? err.message : String(err);
}

/**
 * The status of a page and its actions: an action says "Saving…", runs, reloads what the page shows,
 * then says its result (so what the page shows is what is stored), or the server's reason.
 */
export function usePageActions(reload: () => Promise<void>) {
  const [status, setStatus] = useState<PageStatus | null>(null);
  const act = async (what: () => Promise<string>) => {
    setStatus({ text: 'Saving…' });
    try {
      const text = await what();
      await reload();
      setStatus({ text });
    } catch (err) {
      setStatus({ text: problemText(err), bad: true });
    }
  };
  const fail = (err: unknown) => setStatus({ text: problemText(err), bad: true });
  return { status, setStatus, act, fail };
}

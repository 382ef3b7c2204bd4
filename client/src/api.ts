/** Server health as returned by GET /api/v1/health. */
export interface Health {
  status: 'ok' | 'degraded';
  version: string;
  database: { kind: 'pglite' | 'postgres'; status: 'up' | 'down' };
}

/** Fetches the server's health; rejects with a readable message when the server cannot be reached. */
export async function fetchHealth(signal?: AbortSignal): Promise<Health> {
  const res = await fetch('/api/v1/health', { signal, headers: { accept: 'application/json' } });
  if (!res.ok && res.status !== 503) throw new Error(`server answered ${res.status}`);
  return (await res.json()) as Health;
}

import type { Queryable } from '../db/index.js';

/** The installation id recorded at the first start, or undefined. */
export async function installationId(db: Queryable): Promise<string | undefined> {
  const r = await db.query<{ value: { id: string } | string }>("SELECT value FROM app_meta WHERE key = 'installation'");
  const v = r.rows[0]?.value;
  return typeof v === 'string' ? (JSON.parse(v) as { id: string }).id : v?.id;
}

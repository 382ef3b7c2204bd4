import type { Queryable } from '../db/index.js';
import type { User } from '../auth/users.js';

/** Records who did what to which entity, in the same transaction as the change. */
export async function audit(
  tx: Queryable,
  user: User | null,
  action: string,
  entity: string,
  entityId: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await tx.query('INSERT INTO audit_log (user_id, action, entity, entity_id, details) VALUES ($1, $2, $3, $4, $5)', [
    user?.id ?? null,
    action,
    entity,
    entityId,
    JSON.stringify(details),
  ]);
}

// The append-only audit log. Written in the same transaction as the change it records.
import type { DbOrTrx } from '../db/database.js';

export interface Actor {
  userId: number | null;
  /** What an auditor reads: the user's email, "system", or "email link (recipient)". */
  label: string;
}

export interface AuditEntry {
  actor: Actor;
  organisationId: number | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  detail?: Record<string, unknown>;
  at: Date;
}

export async function audit(db: DbOrTrx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor_user_id: entry.actor.userId,
      actor: entry.actor.label,
      organisation_id: entry.organisationId,
      action: entry.action,
      entity: entry.entity,
      entity_id: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      detail: JSON.stringify(entry.detail ?? {}),
    })
    .execute();
}

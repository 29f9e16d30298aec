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

/** The actor for a signed-in user's change: what the audit log records as who did it. */
export function actorOf(user: { id: number; email: string }): Actor {
  return { userId: user.id, label: user.email };
}

/**
 * Every download of collated or audited data is itself audited, at the injected clock's time (never
 * the machine's, so tests and the log agree).
 */
export class ExportAudit {
  constructor(
    private readonly db: DbOrTrx,
    private readonly clock: { now(): Date },
  ) {}

  async record(actor: Actor, entity: string, detail: Record<string, unknown>): Promise<void> {
    await audit(this.db, {
      actor,
      organisationId: null,
      action: 'export',
      entity,
      detail,
      at: this.clock.now(),
    });
  }
}

// The Coroners Audit's loads: a file held as a pending load until CCSU confirms it, then kept as a line
// of the loads' history (its rows become inquests; see repository.ts).
import type { Insertable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { AuditLoadsTable } from '../db/types.js';

/** Pending loads this person left, and anyone's over `olderThan`: a new file replaces them. */
export async function dropStalePending(trx: DbOrTrx, loadedBy: string, olderThan: Date) {
  await trx
    .deleteFrom('audit_loads')
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('loaded_by', '=', loadedBy), eb('loaded_at', '<', olderThan)]))
    .execute();
}

export function insertPending(trx: DbOrTrx, load: Insertable<AuditLoadsTable>) {
  return trx.insertInto('audit_loads').values(load).returning('id').executeTakeFirstOrThrow();
}

/** A pending load, for its preview. */
export function pendingLoad(db: DbOrTrx, loadId: number) {
  return db
    .selectFrom('audit_loads')
    .select(['id', 'source', 'extracted_on', 'rows', 'added', 'updated', 'unchanged', 'loaded_at'])
    .where('id', '=', loadId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/** A pending load with its rows, held until the transaction ends (two confirms cannot both load it). */
export function lockPending(trx: DbOrTrx, loadId: number) {
  return trx
    .selectFrom('audit_loads')
    .selectAll()
    .where('id', '=', loadId)
    .where('status', '=', 'pending')
    .forUpdate()
    .executeTakeFirst();
}

/** A confirmed load: its rows are not kept any longer, only what loading them did. */
export async function markLoaded(
  trx: DbOrTrx,
  loadId: number,
  done: { added: number; updated: number; unchanged: number; loaded_by: string; loaded_at: Date },
) {
  await trx
    .updateTable('audit_loads')
    .set({ status: 'loaded', pending_rows: null, ...done })
    .where('id', '=', loadId)
    .execute();
}

/** Drops a pending load; false when there was none. */
export async function deletePending(db: DbOrTrx, loadId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('audit_loads')
    .where('id', '=', loadId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** The loads done, newest first. */
export function loadedHistory(db: DbOrTrx) {
  return db
    .selectFrom('audit_loads')
    .select(['id', 'source', 'extracted_on', 'rows', 'added', 'updated', 'loaded_by', 'loaded_at'])
    .where('status', '=', 'loaded')
    .orderBy('loaded_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

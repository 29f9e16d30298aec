// Early warning's SQL: the recent deaths it counts (from case_facts) and the alerts it raises.
import { sql, type Insertable, type Updateable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { AlertsTable } from '../db/types.js';
import type { IsoDate } from '../domain/periods.js';

/** Each case with a date of death in [from, to]: its date, substances, groups and area. */
export function caseFactsBetween(db: DbOrTrx, from: IsoDate, to: IsoDate) {
  return db
    .selectFrom('case_facts')
    .select(['case_id', 'date_of_death', 'substances', 'substance_groups', 'residence_area'])
    .where('date_of_death', '>=', from)
    .where('date_of_death', '<=', to)
    .execute();
}

/** The earliest date of death known: where every concern's history starts. */
export async function firstDeathDate(db: DbOrTrx): Promise<IsoDate | null> {
  const row = await db
    .selectFrom('case_facts')
    .select((eb) => eb.fn.min('date_of_death').as('first'))
    .executeTakeFirst();
  return (row?.first as IsoDate | null | undefined) ?? null;
}

/** One detector at a time records alerts (several app instances run the job). */
export async function lockEarlyWarnings(trx: DbOrTrx) {
  await sql`select pg_advisory_xact_lock(hashtext('early-warning'))`.execute(trx);
}

/** The first alert sharing a concern and a death with these. */
export function alertSharing(trx: DbOrTrx, concerns: string[], caseIds: number[]) {
  return trx
    .selectFrom('alerts')
    .selectAll()
    .where(sql<boolean>`string_to_array(concern, ',') && ${concerns}::text[]`)
    .where(sql<boolean>`case_ids && ${caseIds}::int[]`)
    .orderBy('id')
    .executeTakeFirst();
}

export async function updateAlert(trx: DbOrTrx, id: number, changes: Updateable<AlertsTable>) {
  await trx.updateTable('alerts').set(changes).where('id', '=', id).execute();
}

export function insertAlert(trx: DbOrTrx, alert: Insertable<AlertsTable>) {
  return trx.insertInto('alerts').values(alert).returning('id').executeTakeFirstOrThrow();
}

export function unacknowledgedAlerts(db: DbOrTrx) {
  return db
    .selectFrom('alerts')
    .selectAll()
    .where('acknowledged_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Acknowledges an alert not yet acknowledged; false when there was none. */
export async function acknowledgeAlert(trx: DbOrTrx, id: number, userId: number, at: Date): Promise<boolean> {
  const result = await trx
    .updateTable('alerts')
    .set({ acknowledged_at: at, acknowledged_by: userId })
    .where('id', '=', id)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

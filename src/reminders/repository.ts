// Reminders' SQL: what has been returned and reminded, the reminders claimed, and the nil-return links
// they carry. Plain functions taking db | trx.
import type { Insertable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { NilLinksTable, RemindersTable } from '../db/types.js';

export function allOrganisations(db: DbOrTrx) {
  return db.selectFrom('organisations').selectAll().execute();
}

export function organisationById(db: DbOrTrx, id: number) {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

/** Every return from month `first` on, with how many active deaths (drafts, before submission) it has. */
export function returnsSince(db: DbOrTrx, first: string) {
  return db
    .selectFrom('returns')
    .select([
      'organisation_id',
      'period',
      'state',
      'submitted_late',
      'locked_at',
      (eb) =>
        eb
          .selectFrom('records')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('records.return_id', '=', 'returns.id')
          .where('records.record_status', '=', 'active')
          .as('drafts'),
    ])
    .where('period', '>=', first)
    .execute();
}

export function remindersSince(db: DbOrTrx, first: string) {
  return db
    .selectFrom('reminders')
    .select(['organisation_id', 'period', 'kind'])
    .where('period', '>=', first)
    .execute();
}

/** Claims a reminder; undefined when another instance claimed it first. */
export function claimReminder(trx: DbOrTrx, reminder: Insertable<RemindersTable>) {
  return trx
    .insertInto('reminders')
    .values(reminder)
    .onConflict((oc) => oc.columns(['organisation_id', 'period', 'kind']).doNothing())
    .returning('id')
    .executeTakeFirst();
}

export async function insertNilLink(trx: DbOrTrx, link: Insertable<NilLinksTable>) {
  await trx.insertInto('nil_links').values(link).execute();
}

export function nilLinkByHash(db: DbOrTrx, tokenHash: string) {
  return db.selectFrom('nil_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Uses a link once: false when it was used already. */
export async function useNilLink(trx: DbOrTrx, id: number, at: Date): Promise<boolean> {
  const used = await trx
    .updateTable('nil_links')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

/** The organisation's user with this email (any case), if the recipient has an account. */
export function userOfOrganisationByEmail(db: DbOrTrx, organisationId: number, email: string) {
  return db
    .selectFrom('users')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
}

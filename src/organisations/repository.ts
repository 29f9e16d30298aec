import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { OrganisationInput } from './schema.js';

export function listOrganisations(db: DbOrTrx) {
  return db.selectFrom('organisations').selectAll().orderBy('name').execute();
}

/** Every organisation with the emails of its active return leads (none: it cannot accept an agreement). */
export function listOrganisationsWithLeads(db: DbOrTrx) {
  return db
    .selectFrom('organisations')
    .selectAll('organisations')
    .select((eb) =>
      eb
        .selectFrom('users')
        .select(sql<string[]>`coalesce(array_agg(users.email order by users.email), '{}')`.as('leads'))
        .whereRef('users.organisation_id', '=', 'organisations.id')
        .where('users.return_lead', '=', true)
        .where('users.status', '!=', 'deactivated')
        .as('return_leads'),
    )
    .orderBy('name')
    .execute();
}

export function findOrganisation(db: DbOrTrx, id: number) {
  return db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOrganisationByNameOrCode(db: DbOrTrx, name: string, code: string, exceptId?: number) {
  let query = db
    .selectFrom('organisations')
    .select(['id', 'name', 'code'])
    .where((eb) => eb.or([eb(eb.fn('lower', ['name']), '=', name.toLowerCase()), eb('code', '=', code)]));
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
  return query.executeTakeFirst();
}

export function insertOrganisation(db: DbOrTrx, input: OrganisationInput) {
  return db.insertInto('organisations').values(input).returningAll().executeTakeFirstOrThrow();
}

export function updateOrganisation(db: DbOrTrx, id: number, input: OrganisationInput) {
  return db.updateTable('organisations').set(input).where('id', '=', id).returningAll().executeTakeFirst();
}

/** The first month any organisation makes a return for. */
export async function earliestActiveFrom(db: DbOrTrx): Promise<string | undefined> {
  const row = await db
    .selectFrom('organisations')
    .select((eb) => eb.fn.min('active_from').as('first'))
    .executeTakeFirst();
  return row?.first ?? undefined;
}

export async function updateContacts(
  trx: DbOrTrx,
  id: number,
  contacts: { return_contacts: string[]; escalation_contact: string },
) {
  await trx.updateTable('organisations').set(contacts).where('id', '=', id).execute();
}

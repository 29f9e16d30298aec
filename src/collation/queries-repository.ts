// Data-quality queries' SQL: each query with its record's reference, month and organisation.
import type { Insertable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { QueriesTable } from '../db/types.js';

const listed = (db: DbOrTrx) =>
  db
    .selectFrom('queries')
    .innerJoin('records', 'records.id', 'queries.record_id')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .innerJoin('organisations', 'organisations.id', 'queries.organisation_id')
    .selectAll('queries')
    .select(['records.partner_record_ref', 'returns.period', 'organisations.name as organisation_name']);

/** Open queries first, newest first. */
export function queriesForCcsu(db: DbOrTrx, limit: number) {
  return listed(db).orderBy('queries.status').orderBy('queries.id', 'desc').limit(limit).execute();
}

export function queriesOfRecord(db: DbOrTrx, recordId: number) {
  return listed(db).where('queries.record_id', '=', recordId).orderBy('queries.id').execute();
}

export function queriesOfOrganisation(db: DbOrTrx, organisationId: number, status?: 'open') {
  let query = listed(db).where('queries.organisation_id', '=', organisationId);
  if (status) query = query.where('queries.status', '=', status);
  return query.orderBy('queries.id', 'desc').execute();
}

export function queryOfOrganisation(db: DbOrTrx, id: number, organisationId: number) {
  return listed(db)
    .where('queries.id', '=', id)
    .where('queries.organisation_id', '=', organisationId)
    .executeTakeFirst();
}

/** The record a question is about, with who to email and the month. */
export function recordToQuery(db: DbOrTrx, recordId: number) {
  return db
    .selectFrom('records')
    .innerJoin('organisations', 'organisations.id', 'records.organisation_id')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .select([
      'records.id',
      'records.organisation_id',
      'records.partner_record_ref',
      'organisations.return_contacts',
      'returns.period',
    ])
    .where('records.id', '=', recordId)
    .executeTakeFirst();
}

export function insertQuery(trx: DbOrTrx, query: Insertable<QueriesTable>) {
  return trx.insertInto('queries').values(query).returning('id').executeTakeFirstOrThrow();
}

/** Answers an organisation's query that is not closed; undefined when there is none. */
export function answerQuery(
  trx: DbOrTrx,
  a: { id: number; organisationId: number; answer: string; answeredBy: number | null; at: Date },
) {
  return trx
    .updateTable('queries')
    .set({ answer: a.answer, status: 'answered', answered_by: a.answeredBy, answered_at: a.at })
    .where('id', '=', a.id)
    .where('organisation_id', '=', a.organisationId)
    .where('status', '!=', 'closed')
    .returningAll()
    .executeTakeFirst();
}

export async function emailOfUser(db: DbOrTrx, userId: number): Promise<string> {
  const user = await db
    .selectFrom('users')
    .select('email')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return user.email;
}

/** Closes a query not closed yet; undefined when there is none. */
export function closeQuery(trx: DbOrTrx, id: number, at: Date) {
  return trx
    .updateTable('queries')
    .set({ status: 'closed', closed_at: at })
    .where('id', '=', id)
    .where('status', '!=', 'closed')
    .returning(['organisation_id'])
    .executeTakeFirst();
}

export async function queryExists(db: DbOrTrx, id: number): Promise<boolean> {
  return (await db.selectFrom('queries').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

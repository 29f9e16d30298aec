import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';

export function returnsOf(db: DbOrTrx, organisationId: number) {
  return db.selectFrom('returns').selectAll().where('organisation_id', '=', organisationId).execute();
}

export function findReturn(db: DbOrTrx, organisationId: number, period: string) {
  return db
    .selectFrom('returns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('period', '=', period)
    .executeTakeFirst();
}

/** The return row, created on first use, and locked for the rest of the transaction. */
export async function lockReturn(db: DbOrTrx, organisationId: number, period: string, at: Date) {
  await db
    .insertInto('returns')
    .values({ organisation_id: organisationId, period, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['organisation_id', 'period']).doNothing())
    .execute();
  return db
    .selectFrom('returns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('period', '=', period)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export async function recordCounts(db: DbOrTrx, organisationId: number) {
  const rows = await db
    .selectFrom('records')
    .select(['return_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organisation_id', '=', organisationId)
    .where('record_status', '=', 'active')
    .groupBy('return_id')
    .execute();
  return new Map(rows.map((row) => [row.return_id, Number(row.n)]));
}

export interface RecordTotals {
  active: number;
  withdrawn: number;
  /** Active records with something still to fix before submission. */
  incomplete: number;
}

export async function recordTotals(db: DbOrTrx, returnId: number): Promise<RecordTotals> {
  const row = await db
    .selectFrom('records')
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere('record_status', '=', 'active').as('active'),
      eb.fn.countAll<number>().filterWhere('record_status', '=', 'withdrawn').as('withdrawn'),
      eb.fn
        .countAll<number>()
        .filterWhere((w) => w.and([w('record_status', '=', 'active'), w('completeness_problems', '>', 0)]))
        .as('incomplete'),
    ])
    .where('return_id', '=', returnId)
    .executeTakeFirstOrThrow();
  return { active: Number(row.active), withdrawn: Number(row.withdrawn), incomplete: Number(row.incomplete) };
}

/** One page of a return's records: active first, then withdrawn, each in the order they were added. */
export function recordsPage(db: DbOrTrx, returnId: number, page: number, size: number) {
  return db
    .selectFrom('records')
    .selectAll()
    .where('return_id', '=', returnId)
    .orderBy(sql`record_status = 'active'`, 'desc')
    .orderBy('created_at')
    .orderBy('id')
    .limit(size)
    .offset((page - 1) * size)
    .execute();
}

export function submissionsOf(db: DbOrTrx, returnId: number) {
  return db
    .selectFrom('return_submissions')
    .select([
      'return_submissions.version',
      'return_submissions.kind',
      'return_submissions.reason',
      'return_submissions.reason_text',
      'return_submissions.signed_at',
      'return_submissions.record_count',
      'return_submissions.signed_by_email',
    ])
    .where('return_id', '=', returnId)
    .orderBy('version', 'desc')
    .execute();
}

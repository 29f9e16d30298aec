// The uploads' queries against saved records: plain functions taking the database or a transaction.
import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { recordDataOf } from '../records/repository.js';
import type { ExistingRecord } from './rows.js';

/** A digest of every record of the organisation: a confirm is refused when they changed after the preview. */
export async function fingerprint(db: DbOrTrx, organisationId: number): Promise<string> {
  const row = await sql<{ digest: string | null }>`
    select md5(string_agg(id || ':' || extract(epoch from updated_at) || ':' || return_id, ',' order by id)) as digest
    from records where organisation_id = ${organisationId}`.execute(db);
  return row.rows[0]?.digest ?? 'none';
}

/** The organisation's saved records with these references (looked up a batch of rows at a time). */
export async function existingRecords(
  db: DbOrTrx,
  organisationId: number,
  refs: string[],
): Promise<Map<string, ExistingRecord>> {
  if (refs.length === 0) return new Map();
  const rows = await db
    .selectFrom('records')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .selectAll('records')
    .select('returns.period')
    .where('records.organisation_id', '=', organisationId)
    .where('records.partner_record_ref', 'in', refs)
    .execute();
  return new Map(
    rows.map((r) => [
      r.partner_record_ref,
      {
        id: r.id,
        period: r.period,
        returnId: r.return_id,
        data: recordDataOf(r),
        status: r.record_status,
        withdrawnReason: r.withdrawn_reason,
        keys: { nhs: r.match_key_nhs, demo: r.match_key_demo },
      },
    ]),
  );
}

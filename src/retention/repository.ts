// Retention's SQL: what is past the cut-off, how much of it there is, and deleting it (spec §8). The
// service (service.ts) decides when, audits, and keeps the case facts right.
import { sql, type Transaction } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { DB } from '../db/types.js';
import type { IsoDate } from '../domain/periods.js';

export interface RetentionCounts {
  records: number;
  versions: number;
  queries: number;
  pairs: number;
  uploadRows: number;
  alerts: number;
  /** Coroners Audit inquests of deaths past retention (with their linkage keys and decisions). */
  inquests: number;
  /** Cases whose every record goes: kept for the figures without date of death or record. */
  casesArchived: number;
}

/** Uploads of returns for months that ended more than a month before the cut-off: what they kept goes. */
const oldUploads = (cutoff: IsoDate) =>
  sql`(select id from uploads where to_date(period, 'YYYY-MM') < ${cutoff}::date - 31)`;

/** The records past retention: by date of death, or (none given) the start of their return's month. */
const expired = (cutoff: IsoDate) => sql`
  select r.id, r.case_id, extract(year from coalesce(r.date_of_death, to_date(ret.period, 'YYYY-MM')))::int as year
  from records r join returns ret on ret.id = r.return_id
  where coalesce(r.date_of_death, to_date(ret.period, 'YYYY-MM')) < ${cutoff}::date`;

/** Records past retention by year of death, oldest first. */
export async function expiredByYear(db: DbOrTrx, cutoff: IsoDate) {
  const byYear = await sql<{ year: number; records: number }>`
    select year, count(*)::int as records from (${expired(cutoff)}) e group by year order by year`.execute(
    db,
  );
  return byYear.rows;
}

/** How much of each kind a purge at `cutoff` would remove. */
export async function retentionCounts(db: DbOrTrx, cutoff: IsoDate): Promise<RetentionCounts> {
  const row = await sql<RetentionCounts>`
      with e as (${expired(cutoff)})
      select
        (select count(*) from e)::int as records,
        (select count(*) from record_versions v where v.record_id in (select id from e))::int as versions,
        (select count(*) from queries q where q.record_id in (select id from e))::int as queries,
        (select count(*) from candidate_pairs p
          where p.record_a in (select id from e) or p.record_b in (select id from e))::int as pairs,
        (select count(*) from upload_rows u where u.record_id in (select id from e)
          or u.upload_id in ${oldUploads(cutoff)})::int
          as "uploadRows",
        (select count(*) from alerts a where a.last_death < ${cutoff}::date)::int as alerts,
        (select count(*) from audit_inquests i where i.date_of_death < ${cutoff}::date)::int as inquests,
        (select count(distinct e.case_id) from e where e.case_id is not null and not exists (
          select 1 from records o where o.case_id = e.case_id and o.id not in (select id from e)))::int
          as "casesArchived"`.execute(db);
  return row.rows[0]!;
}

/** The purges done so far, newest first (from the audit log). */
export async function purgeHistory(db: DbOrTrx, limit: number) {
  const rows = await db
    .selectFrom('audit_log')
    .select(['at', 'actor', 'detail'])
    .where('action', '=', 'retention_purge')
    .orderBy('at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    at: r.at,
    actor: r.actor,
    counts: r.detail as unknown as RetentionCounts & { cutoff: string },
  }));
}

/**
 * Deletes everything past `cutoff` in the caller's transaction. Cases losing every record keep their
 * facts, minus the exact date and the record behind them; returns the cases that keep some records,
 * whose facts the caller refreshes.
 */
export async function deleteExpired(trx: Transaction<DB>, cutoff: IsoDate, now: Date): Promise<number[]> {
  await sql`create temporary table purge_ids on commit drop as ${expired(cutoff)}`.execute(trx);
  // Cases losing every record keep their facts, minus the exact date and the record behind them.
  await sql`
      update case_facts set best_record_id = null, date_of_death = null, archived_at = ${now}
      where case_id in (select case_id from purge_ids p where p.case_id is not null and not exists (
        select 1 from records o where o.case_id = p.case_id and o.id not in (select id from purge_ids)))`.execute(
    trx,
  );
  const partly = await sql<{ case_id: number }>`
      select distinct p.case_id from purge_ids p where p.case_id is not null and exists (
        select 1 from records o where o.case_id = p.case_id and o.id not in (select id from purge_ids))`.execute(
    trx,
  );
  await sql`delete from candidate_pairs where record_a in (select id from purge_ids) or record_b in (select id from purge_ids)`.execute(
    trx,
  );
  // The query emails (raised, answered) carry the record's reference and the question: they go with it.
  await sql`delete from outbox where idempotency_key like 'query:%' and split_part(idempotency_key, ':', 2) in (
      select id::text from queries where record_id in (select id from purge_ids))`.execute(trx);
  await sql`delete from queries where record_id in (select id from purge_ids)`.execute(trx);
  await sql`delete from record_versions where record_id in (select id from purge_ids)`.execute(trx);
  await sql`delete from upload_rows where record_id in (select id from purge_ids)
      or upload_id in ${oldUploads(cutoff)}`.execute(trx);
  await sql`delete from upload_errors where upload_id in ${oldUploads(cutoff)}`.execute(trx);
  await sql`delete from alerts where last_death < ${cutoff}::date`.execute(trx);
  await sql`delete from audit_inquests where date_of_death < ${cutoff}::date`.execute(trx);
  await sql`delete from records where id in (select id from purge_ids)`.execute(trx);
  return partly.rows.map((r) => r.case_id);
}

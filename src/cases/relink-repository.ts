// The SQL of relinking records into cases (relink.ts holds the rule): which records count, which are
// joined by a key, a case number or an analyst's link, and the writes that follow.
import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { NEAR_MATCH } from '../domain/near-match.js';

export interface RecordKeys {
  id: number;
  match_key_nhs: string | null;
  match_key_demo: string | null;
  case_id: number | null;
  record_status: string;
}

/** Records that count: active, in a return that has been submitted at least once. */
function collated(db: DbOrTrx) {
  return db
    .selectFrom('records')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .select([
      'records.id',
      'records.match_key_nhs',
      'records.match_key_demo',
      'records.case_id',
      'records.record_status',
    ])
    .where('returns.current_version', '>', 0);
}

export async function recordKeys(db: DbOrTrx, ids: number[]): Promise<RecordKeys[]> {
  return db
    .selectFrom('records')
    .select(['id', 'match_key_nhs', 'match_key_demo', 'case_id', 'record_status'])
    .where('id', 'in', ids)
    .execute();
}

/** Which of these records are in a submitted return. */
export async function collatedIds(db: DbOrTrx, ids: number[]): Promise<Set<number>> {
  return new Set((await collated(db).where('records.id', 'in', ids).execute()).map((r) => r.id));
}

/** Pairs an analyst has linked, touching any of these records (`within`: both of them in the set). */
export async function linkedPairs(
  db: DbOrTrx,
  ids: number[],
  within = false,
): Promise<{ record_a: number; record_b: number }[]> {
  if (ids.length === 0) return [];
  let query = db
    .selectFrom('candidate_pairs')
    .select(['record_a', 'record_b'])
    .where('status', '=', 'linked');
  query = within
    ? query.where('record_a', 'in', ids).where('record_b', 'in', ids)
    : query.where((eb) => eb.or([eb('record_a', 'in', ids), eb('record_b', 'in', ids)]));
  return query.execute();
}

/** Counted records sharing any of these keys or case numbers, or with any of these ids. */
export async function collatedSharing(
  db: DbOrTrx,
  by: { nhs: string[]; demo: string[]; cases: number[]; ids: number[] },
): Promise<RecordKeys[]> {
  return collated(db)
    .where((eb) =>
      eb.or([
        ...(by.nhs.length ? [eb('records.match_key_nhs', 'in', by.nhs)] : []),
        ...(by.demo.length ? [eb('records.match_key_demo', 'in', by.demo)] : []),
        ...(by.cases.length ? [eb('records.case_id', 'in', by.cases)] : []),
        ...(by.ids.length ? [eb('records.id', 'in', by.ids)] : []),
        eb('records.id', '=', -1),
      ]),
    )
    .execute();
}

export async function nextCaseId(db: DbOrTrx): Promise<number> {
  return Number((await sql<{ id: string }>`select nextval('case_ids') as id`.execute(db)).rows[0]!.id);
}

/** Puts these records in a case, or out of every case (null). */
export async function setCase(db: DbOrTrx, ids: number[], caseId: number | null): Promise<void> {
  if (ids.length) await db.updateTable('records').set({ case_id: caseId }).where('id', 'in', ids).execute();
}

/**
 * Near matches with no shared key: date of death within 2 days, same sex, age within 1 and the same
 * area of residence. They wait in the review queue for an analyst; a pair is only ever queued once, so
 * a decision survives the records being submitted again.
 */
export async function queueNearMatches(db: DbOrTrx, recordIds: number[], now: Date): Promise<number> {
  if (recordIds.length === 0) return 0;
  const result = await sql<{ n: number }>`
    with mine as (
      select r.* from records r join returns ret on ret.id = r.return_id
      where r.id in (${sql.join(recordIds)}) and r.record_status = 'active' and ret.current_version > 0
        and r.date_of_death is not null and r.sex is not null and r.age_at_death is not null and r.residence_area is not null
    ),
    pairs as (
      select least(m.id, o.id) as a, greatest(m.id, o.id) as b
      from mine m
      join records o on o.residence_area = m.residence_area and o.sex = m.sex
        and o.date_of_death between m.date_of_death - ${NEAR_MATCH.deathDays}::int and m.date_of_death + ${NEAR_MATCH.deathDays}::int
        and abs(o.age_at_death - m.age_at_death) <= ${NEAR_MATCH.ageYears}::int
        and o.id <> m.id and o.record_status = 'active'
      join returns oret on oret.id = o.return_id and oret.current_version > 0
      where o.case_id is distinct from m.case_id
    )
    insert into candidate_pairs (record_a, record_b, created_at)
    select distinct a, b, ${now}::timestamptz from pairs
    on conflict (record_a, record_b) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

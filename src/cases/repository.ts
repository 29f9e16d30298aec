// De-duplication's SQL: near-match pairs and analysts' decisions on them, and a case's records side by
// side. Relinking records into cases after a decision is relink.ts.
import type { DbOrTrx } from '../db/database.js';
import type { CandidatePairsTable } from '../db/types.js';
import type { Updateable } from 'kysely';

/** Pairs waiting for a decision whose records are still in different cases, oldest first. */
export function pendingPairs(db: DbOrTrx) {
  return db
    .selectFrom('candidate_pairs as p')
    .innerJoin('records as a', 'a.id', 'p.record_a')
    .innerJoin('records as b', 'b.id', 'p.record_b')
    .innerJoin('organisations as oa', 'oa.id', 'a.organisation_id')
    .innerJoin('organisations as ob', 'ob.id', 'b.organisation_id')
    .select([
      'p.id',
      'p.created_at',
      'a.date_of_death as date_a',
      'b.date_of_death as date_b',
      'a.age_at_death as age_a',
      'b.age_at_death as age_b',
      'a.sex',
      'a.residence_area as area',
      'oa.name as organisation_a',
      'ob.name as organisation_b',
    ])
    .where('p.status', '=', 'pending')
    .whereRef('a.case_id', 'is distinct from', 'b.case_id')
    .orderBy('p.id')
    .execute();
}

/** The latest decisions, newest first, with the case the first record is in now. */
export function decidedPairs(db: DbOrTrx, limit: number) {
  return db
    .selectFrom('candidate_pairs')
    .innerJoin('records', 'records.id', 'candidate_pairs.record_a')
    .selectAll('candidate_pairs')
    .select('records.case_id')
    .where('candidate_pairs.status', '!=', 'pending')
    .orderBy('candidate_pairs.decided_at', 'desc')
    .limit(limit)
    .execute();
}

/** A pair; `lock` holds it until the transaction ends (an undo racing a decision waits). */
export function findPair(db: DbOrTrx, id: number, options: { lock?: boolean } = {}) {
  const query = db.selectFrom('candidate_pairs').selectAll().where('id', '=', id);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** Records a decision on a pair still waiting for one; undefined when it was not waiting. */
export function decidePair(
  trx: DbOrTrx,
  id: number,
  decision: Pick<Updateable<CandidatePairsTable>, 'status' | 'reason' | 'decided_by' | 'decided_at'>,
) {
  return trx
    .updateTable('candidate_pairs')
    .set(decision)
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}

/** A decision taken back: the pair waits again. */
export async function reopenPair(trx: DbOrTrx, id: number) {
  await trx
    .updateTable('candidate_pairs')
    .set({ status: 'pending', reason: null, decided_by: null, decided_at: null })
    .where('id', '=', id)
    .execute();
}

export async function recordIdsOfCase(db: DbOrTrx, caseId: number): Promise<number[]> {
  const rows = await db.selectFrom('records').select('id').where('case_id', '=', caseId).execute();
  return rows.map((r) => r.id);
}

/** Records with who reported them and for which month, in id order. */
export function sourceRecords(db: DbOrTrx, ids: number[]) {
  return db
    .selectFrom('records')
    .innerJoin('organisations', 'organisations.id', 'records.organisation_id')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .selectAll('records')
    .select([
      'organisations.name as organisation_name',
      'organisations.type as organisation_type',
      'returns.period',
    ])
    .where('records.id', 'in', ids)
    .orderBy('records.id')
    .execute();
}

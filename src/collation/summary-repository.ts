// The collated summary email's and the partner scorecard's SQL: summaries sent, reminders and the
// returns that followed, first submissions, the review queue and cases by month first reported.
import { sql, type Insertable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { SummariesTable } from '../db/types.js';
import type { Period } from '../domain/periods.js';

export function scheduledSummaryOf(db: DbOrTrx, period: Period) {
  return db
    .selectFrom('summaries')
    .select('id')
    .where('period', '=', period)
    .where('kind', '=', 'scheduled')
    .executeTakeFirst();
}

export function latestSummary(db: DbOrTrx) {
  return db.selectFrom('summaries').select(['figures', 'sent_at']).orderBy('id', 'desc').executeTakeFirst();
}

/** Records a summary; undefined when the month's scheduled one was already sent (by another instance). */
export function claimSummary(trx: DbOrTrx, summary: Insertable<SummariesTable>) {
  return trx
    .insertInto('summaries')
    .values(summary)
    .onConflict((oc) => oc.column('period').where('kind', '=', 'scheduled').doNothing())
    .returning('id')
    .executeTakeFirst();
}

/** Near-match pairs still waiting for an analyst, whose records are in different cases. */
export async function pendingPairCount(db: DbOrTrx): Promise<number> {
  const row = await db
    .selectFrom('candidate_pairs as p')
    .innerJoin('records as a', 'a.id', 'p.record_a')
    .innerJoin('records as b', 'b.id', 'p.record_b')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('p.status', '=', 'pending')
    .whereRef('a.case_id', 'is distinct from', 'b.case_id')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Each case first reported from `from` to `to` (months), by its best-evidenced record's facts. */
export function caseFactsReportedBetween(db: DbOrTrx, from: Period, to: Period) {
  return db
    .selectFrom('case_facts')
    .select([
      'reported_month',
      'residence_area',
      'death_classification',
      'substance_groups',
      'age_band',
      'sex',
    ])
    .where('reported_month', '>=', from)
    .where('reported_month', '<=', to)
    .execute();
}

/** Reminders queued since `since`, each with when its return was first submitted (if it was). */
export function remindersWithFirstSubmission(db: DbOrTrx, since: Date) {
  return db
    .selectFrom('reminders')
    .leftJoin('returns', (join) =>
      join
        .onRef('returns.organisation_id', '=', 'reminders.organisation_id')
        .onRef('returns.period', '=', 'reminders.period'),
    )
    .select(['reminders.kind', 'reminders.queued_at', 'returns.first_submitted_at'])
    .where('reminders.queued_at', '>=', since)
    .execute();
}

/** When each return of months `from`..`to` was first submitted (submitted ones only). */
export function firstSubmissions(db: DbOrTrx, from: Period, to: Period) {
  return db
    .selectFrom('returns')
    .select(['organisation_id', 'period', 'first_submitted_at'])
    .where('period', '>=', from)
    .where('period', '<=', to)
    .where(sql<boolean>`first_submitted_at is not null`)
    .execute();
}

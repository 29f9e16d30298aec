// What the briefing pages read beyond other features' services: plain functions taking `db | trx`.
import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';

/** Cases by area of residence and month first reported, for months from..to (YYYY-MM). */
export function casesByAreaAndReportedMonth(db: DbOrTrx, from: string, to: string) {
  return db
    .selectFrom('case_facts')
    .select([
      sql<string>`coalesce(residence_area, 'unknown')`.as('area'),
      sql<string>`reported_month`.as('month'),
      sql<number>`count(*)::int`.as('cases'),
    ])
    .where('reported_month', '>=', from)
    .where('reported_month', '<=', to)
    .groupBy([sql`coalesce(residence_area, 'unknown')`, 'reported_month'])
    .execute();
}

/** ONS loads covering any month from `from` to `to`, newest first. */
export function onsLoadsCovering(db: DbOrTrx, from: string, to: string) {
  return db
    .selectFrom('context_loads')
    .select(['dataset', 'source', 'extracted_on', 'loaded_at', 'period_from', 'period_to'])
    .where('status', '=', 'loaded')
    .where('dataset', '=', 'ons')
    .where('period_from', '<=', to)
    .where('period_to', '>=', from)
    .orderBy('loaded_at', 'desc')
    .execute();
}

/** The latest Coroners Audit load. */
export function latestAuditLoad(db: DbOrTrx) {
  return db
    .selectFrom('audit_loads')
    .select(['source', 'extracted_on', 'loaded_at'])
    .where('status', '=', 'loaded')
    .orderBy('loaded_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

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

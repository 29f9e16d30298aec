// LDIS alerts: plain functions taking `db | trx`.
import { sql, type SqlBool } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { ldisMatchesConcern } from '../domain/early-warning.js';
import { addDays, type IsoDate } from '../domain/periods.js';

export interface LdisInput {
  reference: string;
  title: string;
  issued_on: string;
  substances: string[];
  areas: string[];
  severity: 'information' | 'warning' | 'urgent';
  link: string | null;
}

/** How far back an LDIS alert still bears on new deaths. */
export const LDIS_RELEVANT_DAYS = 90;

/** LDIS alerts issued in the 90 days to `today`, newest first. */
export function recentLdisAlerts(db: DbOrTrx, today: IsoDate) {
  return db
    .selectFrom('ldis_alerts')
    .selectAll()
    .where('issued_on', '>=', addDays(today, -LDIS_RELEVANT_DAYS))
    .orderBy('issued_on', 'desc')
    .execute();
}

/** Adds an alert unless its reference is already here; its id, or undefined when it was. */
export async function insertLdisAlert(
  db: DbOrTrx,
  input: LdisInput,
  createdBy: string,
  at: Date,
): Promise<number | undefined> {
  const row = await db
    .insertInto('ldis_alerts')
    .values({
      ...input,
      substances: JSON.stringify(input.substances),
      areas: JSON.stringify(input.areas),
      created_by: createdBy,
      created_at: at,
    })
    .onConflict((oc) => oc.column('reference').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

/**
 * Recent LDIS alerts that share a substance with deaths of the same 90 days, with how many of those
 * deaths: one query, however many alerts.
 */
export async function recentLdisAlertsWithDeaths(db: DbOrTrx, today: IsoDate) {
  const since = addDays(today, -LDIS_RELEVANT_DAYS);
  const rows = await db
    .selectFrom('ldis_alerts as l')
    .selectAll('l')
    .select(
      sql<number>`(select count(*)::int from case_facts f where f.date_of_death >= ${since}
        and f.substances && array(select jsonb_array_elements_text(l.substances)))`.as('recentCases'),
    )
    .where('l.issued_on', '>=', since)
    .orderBy('l.issued_on', 'desc')
    .execute();
  return rows.filter((r) => r.recentCases > 0);
}

/** Recent LDIS alerts about any of these early-warning concerns. */
export async function recentLdisAlertsAbout(db: DbOrTrx, today: IsoDate, concernKeys: readonly string[]) {
  return (await recentLdisAlerts(db, today)).filter((a) =>
    concernKeys.some((key) => ldisMatchesConcern(key, a.substances)),
  );
}

/** Alerts issued between two dates (inclusive), oldest first; for one area, those naming it or no area. */
export function ldisAlertsIssuedBetween(db: DbOrTrx, from: IsoDate, to: IsoDate, area?: string) {
  return db
    .selectFrom('ldis_alerts')
    .select(['id', 'reference', 'title', 'issued_on', 'severity', 'substances', 'areas'])
    .where('issued_on', '>=', from)
    .where('issued_on', '<=', to)
    .$if(!!area, (q) => q.where(sql<SqlBool>`(areas = '[]'::jsonb or areas ? ${area!})`))
    .orderBy('issued_on')
    .orderBy('reference')
    .execute();
}

/** Every alert, newest first, with how many cases carry its reference. */
export function ldisAlertsWithCaseCounts(db: DbOrTrx) {
  return db
    .selectFrom('ldis_alerts as l')
    .selectAll('l')
    .select(
      sql<number>`(select count(distinct r.case_id)::int from records r
        where upper(trim(r.ldis_alert_ref)) = upper(l.reference) and r.record_status = 'active')`.as('cases'),
    )
    .orderBy('issued_on', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

export function findLdisAlert(db: DbOrTrx, id: number) {
  return db.selectFrom('ldis_alerts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The cases whose active records carry this alert reference. */
export function casesCarrying(db: DbOrTrx, reference: string) {
  return db
    .selectFrom('records')
    .innerJoin('case_facts', 'case_facts.case_id', 'records.case_id')
    .select([
      'case_facts.case_id',
      'case_facts.death_month',
      'case_facts.residence_area',
      'case_facts.substances',
    ])
    .distinct()
    .where(sql`upper(trim(records.ldis_alert_ref))`, '=', reference.toUpperCase())
    .where('records.record_status', '=', 'active')
    .orderBy('case_facts.case_id')
    .execute();
}

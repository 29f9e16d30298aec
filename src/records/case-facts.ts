// One row per case in `case_facts`, describing the case by its best-evidenced record (spec §6), so the
// dashboard and feed group cases with a plain GROUP BY instead of ranking every record per request.
// Refreshed in the same transaction as whatever changes a case's records (see relinkCases).
import { sql, type RawBuilder } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { ageBands, ageBandUpperLimits } from '../domain/groupings.js';
import { substances } from '../domain/reference.js';
import { evidenceBestFirst, sourceTypesBestFirst } from '../domain/evidence.js';

/** The best-evidenced record of a case first, in SQL (domain/evidence.ts: the same rule as the case page). */
export const bestEvidenceOrder = [
  sql`array_position(array[${sql.join(evidenceBestFirst.map((code) => sql.lit(code)))}], records.evidence_stage)`,
  sql`case organisations.type ${sql.join(
    sourceTypesBestFirst.map((type, i) => sql`when ${sql.lit(type)} then ${sql.lit(i)}`),
    sql` `,
  )} else ${sql.lit(sourceTypesBestFirst.length)} end`,
] as const;

/** The age band of `records.age_at_death`, drawn from the same limits as ageBandOf. */
function ageBandSql(): RawBuilder<string> {
  const limits = ageBandUpperLimits.map(
    (limit, i) => sql`when records.age_at_death <= ${sql.lit(limit)} then ${sql.lit(ageBands[i]!)}`,
  );
  return sql<string>`case when records.age_at_death is null then 'Unknown' ${sql.join(limits, sql` `)} else ${sql.lit(ageBands[ageBandUpperLimits.length]!)} end`;
}

/** The substance groups of `records.substances`, from the reference list (as substanceGroupsOf). */
function substanceGroupsSql(): RawBuilder<string[]> {
  const mapping = sql.join(
    substances.map(([code, , group]) => sql`(${sql.lit(code)}, ${sql.lit(group)})`),
    sql`, `,
  );
  return sql<string[]>`coalesce(nullif(array(
      select distinct coalesce(m.grp, 'other') from unnest(records.substances) s(code)
      left join (values ${mapping}) m(code, grp) on m.code = s.code order by 1
    ), '{}'), array['unknown'])`;
}

const counted = sql`records.record_status = 'active' and returns.current_version > 0`;

/** Rebuilds the facts of these cases; a case that no longer has records loses its row. */
export async function refreshCaseFacts(db: DbOrTrx, caseIds: number[]): Promise<void> {
  if (caseIds.length === 0) return;
  await db.deleteFrom('case_facts').where('case_id', 'in', caseIds).execute();
  await insertCaseFacts(db, sql`records.case_id = any(${caseIds}::int[])`);
}

/** Rebuilds the facts of every case an organisation has reported (after its type changes). */
export async function refreshCaseFactsOfOrganisation(db: DbOrTrx, organisationId: number): Promise<void> {
  const rows = await db
    .selectFrom('records')
    .select('case_id')
    .distinct()
    .where('organisation_id', '=', organisationId)
    .where('case_id', 'is not', null)
    .execute();
  await refreshCaseFacts(
    db,
    rows.map((r) => r.case_id!),
  );
}

/** Facts for every case that has none (after the migration that added them, or a restore). */
export async function refreshMissingCaseFacts(db: DbOrTrx): Promise<void> {
  await insertCaseFacts(
    db,
    sql`records.case_id is not null and not exists (select 1 from case_facts f where f.case_id = records.case_id)`,
  );
}

async function insertCaseFacts(db: DbOrTrx, which: RawBuilder<unknown>): Promise<void> {
  await sql`
    with best as (
      select distinct on (records.case_id) records.*
      from records
      join returns on returns.id = records.return_id
      join organisations on organisations.id = records.organisation_id
      where ${which} and ${counted}
      order by records.case_id, ${bestEvidenceOrder[0]}, ${bestEvidenceOrder[1]}, records.id
    ),
    reports as (
      select records.case_id, min(records.date_partner_aware) as aware, min(returns.period) as first_period,
        array_agg(distinct organisations.type order by organisations.type) as types, count(*)::int as n
      from records
      join returns on returns.id = records.return_id
      join organisations on organisations.id = records.organisation_id
      where ${which} and ${counted}
      group by records.case_id
    )
    insert into case_facts (case_id, best_record_id, date_of_death, death_month, reported_month,
      residence_area, death_classification, evidence_stage, age_band, age, sex, place_of_death_type,
      substances, substance_groups, organisation_types, report_count)
    select records.case_id, records.id, records.date_of_death, to_char(records.date_of_death, 'YYYY-MM'),
      coalesce(to_char(reports.aware, 'YYYY-MM'), reports.first_period),
      records.residence_area, records.death_classification, records.evidence_stage, ${ageBandSql()},
      records.age_at_death, records.sex, records.place_of_death_type, records.substances, ${substanceGroupsSql()},
      reports.types, reports.n
    from best as records join reports using (case_id)`.execute(db);
}

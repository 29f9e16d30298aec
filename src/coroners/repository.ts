// The Coroners Audit's inquests, and how each links to the partner-reported cases: plain functions
// taking `db | trx`. Links are worked out when read — by a shared key, or by an analyst's decision on a
// record — so they follow the cases as records merge or move.
import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { IsoDate } from '../domain/periods.js';
import { NEAR_MATCH } from '../domain/near-match.js';
import type { AuditRow } from './audit-csv.js';

/** Inserts new inquests and updates those already here (by reference). */
export async function upsertInquests(db: DbOrTrx, loadId: number, rows: AuditRow[]) {
  for (let i = 0; i < rows.length; i += 1_000) {
    await db
      .insertInto('audit_inquests')
      .values(rows.slice(i, i + 1_000).map((r) => ({ ...r, load_id: loadId })))
      .onConflict((oc) =>
        oc.column('inquest_ref').doUpdateSet((eb) => ({
          load_id: eb.ref('excluded.load_id'),
          date_of_death: eb.ref('excluded.date_of_death'),
          inquest_date: eb.ref('excluded.inquest_date'),
          conclusion: eb.ref('excluded.conclusion'),
          drug_related: eb.ref('excluded.drug_related'),
          alcohol_related: eb.ref('excluded.alcohol_related'),
          substances: eb.ref('excluded.substances'),
          age_at_death: eb.ref('excluded.age_at_death'),
          sex: eb.ref('excluded.sex'),
          residence_area: eb.ref('excluded.residence_area'),
          match_key_nhs: eb.ref('excluded.match_key_nhs'),
          match_key_demo: eb.ref('excluded.match_key_demo'),
        })),
      )
      .execute();
  }
}

/** What loading these rows would do: inquests new here, changed, or the same as already loaded. */
export async function changesFrom(db: DbOrTrx, rows: AuditRow[]) {
  const existing = new Map<string, Record<string, unknown>>();
  const refs = rows.map((r) => r.inquest_ref);
  for (let i = 0; i < refs.length; i += 5_000) {
    const found = await db
      .selectFrom('audit_inquests')
      .select([
        'inquest_ref',
        sql<string>`to_char(date_of_death, 'YYYY-MM-DD')`.as('date_of_death'),
        sql<string | null>`to_char(inquest_date, 'YYYY-MM-DD')`.as('inquest_date'),
        'conclusion',
        'drug_related',
        'alcohol_related',
        'substances',
        'age_at_death',
        'sex',
        'residence_area',
        'match_key_nhs',
        'match_key_demo',
      ])
      .where('inquest_ref', 'in', refs.slice(i, i + 5_000))
      .execute();
    for (const row of found) existing.set(row.inquest_ref, row);
  }
  let added = 0;
  let updated = 0;
  for (const row of rows) {
    const before = existing.get(row.inquest_ref);
    if (!before) added += 1;
    else if (JSON.stringify(before) !== JSON.stringify({ ...before, ...row })) updated += 1;
  }
  return { added, updated, unchanged: rows.length - added - updated };
}

export interface InquestLinks {
  id: number;
  inquest_ref: string;
  date_of_death: IsoDate;
  inquest_date: IsoDate | null;
  conclusion: string;
  drug_related: boolean;
  alcohol_related: boolean;
  age_at_death: number | null;
  sex: string | null;
  residence_area: string | null;
  /** Cases whose records share a key with the inquest. */
  key_cases: number[] | null;
  /** Cases of the records an analyst said are the same death. */
  decided_cases: number[] | null;
}

/** Inquests (all, or those with deaths between two dates), with the cases they link to. */
export async function inquestsWithLinks(
  db: DbOrTrx,
  from: IsoDate = '0001-01-01',
  to: IsoDate = '9999-12-31',
): Promise<InquestLinks[]> {
  const result = await sql<InquestLinks>`
    with chosen as (
      select * from audit_inquests where date_of_death between ${from} and ${to}
    ),
    live as (
      select r.id, r.case_id, r.match_key_nhs, r.match_key_demo from records r
      join returns ret on ret.id = r.return_id and ret.current_version > 0
      where r.record_status = 'active' and r.case_id is not null
    ),
    keyed as (
      select c.id, array_agg(distinct l.case_id) as cases from chosen c
      join live l on (c.match_key_nhs is not null and l.match_key_nhs = c.match_key_nhs)
        or (c.match_key_demo is not null and l.match_key_demo = c.match_key_demo)
      group by c.id
    ),
    decided as (
      select d.inquest_id as id, array_agg(distinct l.case_id) as cases from audit_decisions d
      join live l on l.id = d.record_id
      where d.same and d.inquest_id in (select id from chosen)
      group by d.inquest_id
    )
    select c.id, c.inquest_ref, to_char(c.date_of_death, 'YYYY-MM-DD') as date_of_death,
      to_char(c.inquest_date, 'YYYY-MM-DD') as inquest_date, c.conclusion, c.drug_related, c.alcohol_related,
      c.age_at_death, c.sex, c.residence_area, k.cases as key_cases, d.cases as decided_cases
    from chosen c left join keyed k on k.id = c.id left join decided d on d.id = c.id
    order by c.date_of_death, c.inquest_ref`.execute(db);
  return result.rows;
}

/**
 * Partner records that may be the same death as an inquest with no link (the near-match rule), and not
 * already decided about.
 */
export async function nearMatches(db: DbOrTrx, inquestIds: number[]) {
  if (inquestIds.length === 0) return [];
  const result = await sql<{
    inquest_id: number;
    record_id: number;
    case_id: number;
    date_of_death: IsoDate;
    age_at_death: number;
    sex: string;
    residence_area: string;
    substances: string[];
    organisation: string;
  }>`
    select i.id as inquest_id, r.id as record_id, r.case_id, to_char(r.date_of_death, 'YYYY-MM-DD') as date_of_death,
      r.age_at_death, r.sex, r.residence_area, r.substances, o.name as organisation
    from audit_inquests i
    join records r on r.residence_area = i.residence_area and r.sex = i.sex
      and r.date_of_death between i.date_of_death - ${NEAR_MATCH.deathDays}::int and i.date_of_death + ${NEAR_MATCH.deathDays}::int
      and abs(r.age_at_death - i.age_at_death) <= ${NEAR_MATCH.ageYears}::int
      and r.record_status = 'active' and r.case_id is not null
    join returns ret on ret.id = r.return_id and ret.current_version > 0
    join organisations o on o.id = r.organisation_id
    where i.id in (${sql.join(inquestIds)})
      and not exists (select 1 from audit_decisions d where d.inquest_id = i.id and d.record_id = r.id)
    order by i.date_of_death, i.id, r.id`.execute(db);
  return result.rows;
}

/** For each case: when a partner first knew, which kind of organisation that was, and whether any
 * organisation but the coroner reported it. */
export async function casesReporting(db: DbOrTrx, caseIds: number[]) {
  if (caseIds.length === 0)
    return new Map<number, { firstAware: IsoDate | null; firstType: string; nonCoroner: boolean }>();
  const result = await sql<{
    case_id: number;
    first_aware: IsoDate | null;
    first_type: string;
    non_coroner: boolean;
  }>`
    select distinct on (r.case_id) r.case_id, to_char(r.date_partner_aware, 'YYYY-MM-DD') as first_aware,
      o.type as first_type,
      bool_or(o.type <> 'coroner') over (partition by r.case_id) as non_coroner
    from records r
    join returns ret on ret.id = r.return_id and ret.current_version > 0
    join organisations o on o.id = r.organisation_id
    where r.case_id in (${sql.join(caseIds)}) and r.record_status = 'active'
    order by r.case_id, r.date_partner_aware nulls last, r.id`.execute(db);
  return new Map(
    result.rows.map((r) => [
      r.case_id,
      { firstAware: r.first_aware, firstType: r.first_type, nonCoroner: r.non_coroner },
    ]),
  );
}

/** Partner-reported cases with deaths between two months, for the other side of the comparison. */
export function partnerCases(db: DbOrTrx, fromMonth: string, toMonth: string) {
  return db
    .selectFrom('case_facts')
    .select(['case_id', 'death_month', 'evidence_stage', 'organisation_types'])
    .where('death_month', '>=', fromMonth)
    .where('death_month', '<=', toMonth)
    .execute();
}

/** The active records of the case a record belongs to (or just the record, before it has a case). */
export async function recordsOfSameCase(db: DbOrTrx, recordId: number): Promise<number[]> {
  const rows = await sql<{ id: number }>`
    select r.id from records r
    where r.id = ${recordId}
       or (r.case_id = (select case_id from records where id = ${recordId}) and r.record_status = 'active')
    order by r.id`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** The latest decisions analysts made, each case once per decision. */
export function recentDecisions(db: DbOrTrx, limit: number) {
  return db
    .selectFrom('audit_decisions as d')
    .innerJoin('audit_inquests as i', 'i.id', 'd.inquest_id')
    .innerJoin('records as r', 'r.id', 'd.record_id')
    .select([
      'd.inquest_id',
      'd.record_id',
      'r.case_id',
      'd.same',
      'd.decided_by',
      'd.decided_at',
      'i.inquest_ref',
    ])
    .distinctOn(['d.decided_at', 'd.inquest_id', 'r.case_id'])
    .orderBy('d.decided_at', 'desc')
    .orderBy('d.inquest_id')
    .orderBy('r.case_id')
    .limit(limit)
    .execute();
}

export function findInquest(db: DbOrTrx, inquestId: number) {
  return db
    .selectFrom('audit_inquests')
    .select(['id', 'inquest_ref'])
    .where('id', '=', inquestId)
    .executeTakeFirst();
}

/** The case a record belongs to (null while it has none, or when there is no such record). */
export async function caseOfRecord(db: DbOrTrx, recordId: number): Promise<number | null> {
  const record = await db
    .selectFrom('records')
    .select('case_id')
    .where('id', '=', recordId)
    .executeTakeFirst();
  return record?.case_id ?? null;
}

/** An analyst's decision about an inquest, kept for each of these records (a later one replaces it). */
export async function saveDecisions(
  trx: DbOrTrx,
  d: { inquestId: number; records: number[]; same: boolean; decidedBy: string; decidedAt: Date },
) {
  await trx
    .insertInto('audit_decisions')
    .values(
      d.records.map((id) => ({
        inquest_id: d.inquestId,
        record_id: id,
        same: d.same,
        decided_by: d.decidedBy,
        decided_at: d.decidedAt,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['inquest_id', 'record_id'])
        .doUpdateSet({ same: d.same, decided_by: d.decidedBy, decided_at: d.decidedAt }),
    )
    .execute();
}

/** Removes the decisions about an inquest for these records; how many there were. */
export async function deleteDecisions(trx: DbOrTrx, inquestId: number, records: number[]): Promise<number> {
  if (records.length === 0) return 0;
  const removed = await trx
    .deleteFrom('audit_decisions')
    .where('inquest_id', '=', inquestId)
    .where('record_id', 'in', records)
    .executeTakeFirst();
  return Number(removed.numDeletedRows);
}

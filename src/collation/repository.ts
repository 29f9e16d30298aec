import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { concernsLabel } from '../domain/early-warning.js';
import { bestEvidenceOrder } from '../records/case-facts.js';
import type { Period } from '../domain/periods.js';

export interface RecordFilters {
  period?: string; // month reported (the return's month)
  deathMonth?: string;
  area?: string;
  classification?: string;
  substance?: string;
  evidenceStage?: string;
  organisationId?: number;
  /** The cases of an early-warning alert. */
  alertId?: number;
}

export const sortable = {
  reported: 'returns.period',
  death: 'records.date_of_death',
  organisation: 'organisations.name',
  reference: 'records.partner_record_ref',
} as const;
export type SortKey = keyof typeof sortable;

/** Current records of submitted returns, with the filters CCSU use. */
export function collatedRecords(db: DbOrTrx, filters: RecordFilters) {
  let query = db
    .selectFrom('records')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .innerJoin('organisations', 'organisations.id', 'records.organisation_id')
    .where('returns.current_version', '>', 0);
  if (filters.period) query = query.where('returns.period', '=', filters.period);
  if (filters.deathMonth)
    query = query.where(sql<string>`to_char(records.date_of_death, 'YYYY-MM')`, '=', filters.deathMonth);
  if (filters.area) query = query.where('records.residence_area', '=', filters.area);
  if (filters.classification)
    query = query.where('records.death_classification', '=', filters.classification);
  if (filters.evidenceStage) query = query.where('records.evidence_stage', '=', filters.evidenceStage);
  if (filters.organisationId) query = query.where('records.organisation_id', '=', filters.organisationId);
  if (filters.substance) query = query.where(sql<boolean>`${filters.substance} = any(records.substances)`);
  if (filters.alertId)
    query = query.where(
      sql<boolean>`records.case_id = any(select unnest(case_ids) from alerts where id = ${filters.alertId})`,
    );
  return query;
}

export function recordVersions(db: DbOrTrx, recordId: number) {
  return db
    .selectFrom('record_versions')
    .innerJoin('return_submissions', 'return_submissions.id', 'record_versions.submission_id')
    .select([
      'record_versions.snapshot',
      'return_submissions.version',
      'return_submissions.kind',
      'return_submissions.reason',
      'return_submissions.signed_at',
      'return_submissions.signed_by_email',
      'return_submissions.signed_via',
    ])
    .where('record_versions.record_id', '=', recordId)
    .orderBy('return_submissions.version')
    .execute();
}

/**
 * Cases (not records) by residence area and month of death, each case described by its best-evidenced
 * record (the dashboard's one-row-per-case summary), for deaths between `from` and `to` (months,
 * inclusive).
 */
export function caseCountsByAreaMonth(db: DbOrTrx, from: string, to: string) {
  return db
    .selectFrom('case_facts')
    .select([
      'residence_area as area',
      sql<string>`death_month`.as('month'),
      (eb) => eb.fn.countAll<number>().as('cases'),
    ])
    .where('death_month', '>=', from)
    .where('death_month', '<=', to)
    .groupBy(['residence_area', 'death_month'])
    .orderBy('month')
    .orderBy('area')
    .execute();
}

/** The alert a records list is filtered by, with its concerns in words. */
export async function alertFilter(db: DbOrTrx, id: number) {
  const alert = await db
    .selectFrom('alerts')
    .select(['id', 'concern'])
    .where('id', '=', id)
    .executeTakeFirst();
  return alert && { id: alert.id, concerns: concernsLabel(alert.concern.split(',')) };
}

/** Organisations for the compliance matrix, by name: all, or of one type, or one. */
export function organisationsFor(db: DbOrTrx, options: { type?: string; organisationId?: number }) {
  let query = db.selectFrom('organisations').selectAll().orderBy('name');
  if (options.type) query = query.where('type', '=', options.type);
  if (options.organisationId) query = query.where('id', '=', options.organisationId);
  return query.execute();
}

/** Every return of these months (of one organisation, if given) with how many active deaths it has. */
export function returnsWithRecordCounts(db: DbOrTrx, periods: Period[], organisationId?: number) {
  return db
    .selectFrom('returns')
    .leftJoin('records', (join) =>
      join.onRef('records.return_id', '=', 'returns.id').on('records.record_status', '=', 'active'),
    )
    .select([
      'returns.organisation_id',
      'returns.period',
      'returns.state',
      'returns.submitted_late',
      'returns.last_submitted_at',
      'returns.current_version',
      'returns.locked_at',
      'returns.reference',
      sql<number>`count(records.id)`.as('records'),
    ])
    .where('returns.period', 'in', periods)
    .$if(!!organisationId, (q) => q.where('returns.organisation_id', '=', organisationId!))
    .groupBy('returns.id')
    .execute();
}

/**
 * One row per case, described by its best-evidenced active record (DISTINCT ON with the one evidence
 * ranking), with how many records it has and when it was first reported: the cases export.
 */
export function bestRecordOfEachCase(db: DbOrTrx) {
  return db
    .selectFrom('records')
    .innerJoin('organisations', 'organisations.id', 'records.organisation_id')
    .select([
      'records.case_id',
      'records.date_of_death',
      'records.date_partner_aware',
      'records.residence_area',
      'records.death_classification',
      'records.evidence_stage',
      'records.substances',
      'records.age_at_death',
      'records.sex',
      'organisations.name as best_source',
      sql<number>`count(*) over (partition by records.case_id)`.as('source_records'),
      sql<string>`min(records.date_partner_aware) over (partition by records.case_id)`.as('first_reported'),
    ])
    .distinctOn('records.case_id')
    .where('records.case_id', 'is not', null)
    .where('records.record_status', '=', 'active')
    .orderBy('records.case_id')
    .orderBy(bestEvidenceOrder[0])
    .orderBy(bestEvidenceOrder[1]);
}

/**
 * Locks a month for every organisation active in it, making the returns that were never started (so a
 * partner cannot start one after the lock); how many returns were locked.
 */
export async function lockReturnsOf(trx: DbOrTrx, period: Period, now: Date): Promise<number> {
  const organisations = await trx
    .selectFrom('organisations')
    .select('id')
    .where('active_from', '<=', period)
    .where((eb) => eb.or([eb('active_to', 'is', null), eb('active_to', '>=', period)]))
    .execute();
  if (organisations.length > 0)
    await trx
      .insertInto('returns')
      .values(organisations.map((o) => ({ organisation_id: o.id, period, created_at: now, updated_at: now })))
      .onConflict((oc) => oc.columns(['organisation_id', 'period']).doNothing())
      .execute();
  const locked = await trx
    .updateTable('returns')
    .set({ locked_at: now, updated_at: now })
    .where('period', '=', period)
    .where('locked_at', 'is', null)
    .executeTakeFirst();
  return Number(locked.numUpdatedRows);
}

/** Unlocks one organisation's locked return; false when it was not locked. */
export async function unlockReturn(trx: DbOrTrx, organisationId: number, period: Period, now: Date) {
  const result = await trx
    .updateTable('returns')
    .set({ locked_at: null, updated_at: now })
    .where('organisation_id', '=', organisationId)
    .where('period', '=', period)
    .where('locked_at', 'is not', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Whether the organisation has a return row for the month (locked or not). */
export async function returnExists(db: DbOrTrx, organisationId: number, period: Period): Promise<boolean> {
  const row = await db
    .selectFrom('returns')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('period', '=', period)
    .executeTakeFirst();
  return row !== undefined;
}

import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import { concernsLabel } from '../domain/early-warning.js';

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

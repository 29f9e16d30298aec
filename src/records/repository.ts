import type { DbOrTrx } from '../db/database.js';
import type { RecordRow, RecordUpdate } from '../db/types.js';
import { fieldDefs } from './fields.js';
import { emptyRecord, type RecordData } from './schema.js';

export const recordFieldNames = fieldDefs.map((f) => f.name);

/** The data-dictionary fields of a stored record. */
export function recordDataOf(row: RecordRow): RecordData {
  const data = emptyRecord() as Record<string, unknown>;
  for (const name of recordFieldNames) data[name] = row[name as keyof RecordRow] ?? data[name];
  return data as RecordData;
}

export function recordsOfReturn(db: DbOrTrx, returnId: number) {
  return db
    .selectFrom('records')
    .selectAll()
    .where('return_id', '=', returnId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findRecord(db: DbOrTrx, organisationId: number, returnId: number, recordId: number) {
  return db
    .selectFrom('records')
    .selectAll()
    .where('id', '=', recordId)
    .where('organisation_id', '=', organisationId)
    .where('return_id', '=', returnId)
    .executeTakeFirst();
}

export function findByReference(db: DbOrTrx, organisationId: number, reference: string) {
  return db
    .selectFrom('records')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .select(['records.id', 'returns.period'])
    .where('records.organisation_id', '=', organisationId)
    .where('records.partner_record_ref', '=', reference)
    .executeTakeFirst();
}

export function insertRecord(
  db: DbOrTrx,
  organisationId: number,
  returnId: number,
  values: Partial<RecordData> & { partner_record_ref: string; completeness_problems?: number },
  at: Date,
) {
  return db
    .insertInto('records')
    .values({
      ...values,
      organisation_id: organisationId,
      return_id: returnId,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function updateRecord(
  db: DbOrTrx,
  recordId: number,
  values: Partial<RecordData> & {
    match_key_nhs?: string | null;
    match_key_demo?: string | null;
    record_status?: 'active' | 'withdrawn';
    withdrawn_reason?: string | null;
    completeness_problems?: number;
  },
  at: Date,
) {
  return (
    db
      .updateTable('records')
      // A saved record always keeps its reference: the section schema requires it.
      .set({ ...values, updated_at: at } as RecordUpdate)
      .where('id', '=', recordId)
      .returningAll()
      .executeTakeFirstOrThrow()
  );
}

/** Each record's snapshot as last submitted (none for a record added since): for "what changed". */
export async function submittedSnapshots(
  db: DbOrTrx,
  recordIds: number[],
): Promise<Map<number, Record<string, unknown>>> {
  if (recordIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('record_versions')
    .innerJoin('return_submissions', 'return_submissions.id', 'record_versions.submission_id')
    .distinctOn('record_versions.record_id')
    .select(['record_versions.record_id', 'record_versions.snapshot'])
    .where('record_versions.record_id', 'in', recordIds)
    .orderBy('record_versions.record_id')
    .orderBy('return_submissions.version', 'desc')
    .execute();
  return new Map(rows.map((r) => [r.record_id, r.snapshot as Record<string, unknown>]));
}

/** An organisation's own record in its return for a month. */
export function findRecordOfMonth(db: DbOrTrx, organisationId: number, period: string, recordId: number) {
  return db
    .selectFrom('records')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .selectAll('records')
    .where('records.id', '=', recordId)
    .where('records.organisation_id', '=', organisationId)
    .where('returns.period', '=', period)
    .executeTakeFirst();
}

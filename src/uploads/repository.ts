// The uploads' SQL: previews and their problems, the saved records a file is checked against, and
// applying a confirmed preview. Plain functions taking the database or a transaction.
import { sql, type Insertable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { UploadCounts, UploadErrorsTable, UploadRowsTable, UploadsTable } from '../db/types.js';
import { recordDataOf, recordFieldNames } from '../records/repository.js';
import type { ExistingRecord } from './rows.js';

/** A digest of every record of the organisation: a confirm is refused when they changed after the preview. */
export async function fingerprint(db: DbOrTrx, organisationId: number): Promise<string> {
  const row = await sql<{ digest: string | null }>`
    select md5(string_agg(id || ':' || extract(epoch from updated_at) || ':' || return_id, ',' order by id)) as digest
    from records where organisation_id = ${organisationId}`.execute(db);
  return row.rows[0]?.digest ?? 'none';
}

/** The organisation's saved records with these references (looked up a batch of rows at a time). */
export async function existingRecords(
  db: DbOrTrx,
  organisationId: number,
  refs: string[],
): Promise<Map<string, ExistingRecord>> {
  if (refs.length === 0) return new Map();
  const rows = await db
    .selectFrom('records')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .selectAll('records')
    .select('returns.period')
    .where('records.organisation_id', '=', organisationId)
    .where('records.partner_record_ref', 'in', refs)
    .execute();
  return new Map(
    rows.map((r) => [
      r.partner_record_ref,
      {
        id: r.id,
        period: r.period,
        returnId: r.return_id,
        data: recordDataOf(r),
        status: r.record_status,
        withdrawnReason: r.withdrawn_reason,
        keys: { nhs: r.match_key_nhs, demo: r.match_key_demo },
      },
    ]),
  );
}

export async function insertUpload(trx: DbOrTrx, upload: Insertable<UploadsTable>) {
  return trx.insertInto('uploads').values(upload).returning('id').executeTakeFirstOrThrow();
}

/** A preview's counts and the summary shown above its rows, once every row is staged. */
export async function setUploadCounts(
  trx: DbOrTrx,
  uploadId: number,
  counts: UploadCounts,
  summary: unknown,
) {
  await trx
    .updateTable('uploads')
    .set({ counts: JSON.stringify(counts), summary: JSON.stringify(summary) })
    .where('id', '=', uploadId)
    .execute();
}

/** An organisation's own upload for a month; `lock` holds it (a confirm's double click waits). */
export function findUpload(
  db: DbOrTrx,
  organisationId: number,
  period: string,
  id: number,
  options: { lock?: boolean } = {},
) {
  const query = db
    .selectFrom('uploads')
    .selectAll()
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .where('period', '=', period);
  return (options.lock ? query.forUpdate() : query).executeTakeFirst();
}

/** The numbers of a page of rows with problems. */
export function problemRowNumbers(db: DbOrTrx, uploadId: number, limit: number, offset: number) {
  return db
    .selectFrom('upload_errors')
    .select('row_number')
    .distinct()
    .where('upload_id', '=', uploadId)
    .orderBy('row_number')
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Every problem of these rows. */
export function problemsOfRows(db: DbOrTrx, uploadId: number, rowNumbers: number[]) {
  return db
    .selectFrom('upload_errors')
    .selectAll()
    .where('upload_id', '=', uploadId)
    .where('row_number', 'in', rowNumbers)
    .execute();
}

/** Every problem of an upload, in row order (streamed by the caller). */
export function problemsInOrder(db: DbOrTrx, uploadId: number) {
  return db.selectFrom('upload_errors').selectAll().where('upload_id', '=', uploadId).orderBy('row_number');
}

/**
 * Applies a confirmed preview's staged rows to the organisation's records: new ones inserted, updated
 * ones overwritten (keeping linkage keys the row did not give), withdrawn ones withdrawn; then the
 * staged rows go and the upload is marked confirmed.
 */
export async function applyStagedRows(
  trx: DbOrTrx,
  {
    uploadId,
    organisationId,
    returnId,
    now,
  }: { uploadId: number; organisationId: number; returnId: number; now: Date },
) {
  const columns = [...recordFieldNames, 'match_key_nhs', 'match_key_demo', 'completeness_problems'];
  const list = sql.join(columns.map((c) => sql.ref(c)));
  const fromRow = sql.join(columns.map((c) => sql.ref(`r.${c}`)));
  await sql`
    insert into records (organisation_id, return_id, created_at, updated_at, ${list})
    select ${organisationId}, ${returnId}, ${now}, ${now}, ${fromRow}
    from upload_rows u cross join lateral jsonb_populate_record(null::records, u.data) r
    where u.upload_id = ${uploadId} and u.action = 'new'
    order by u.row_number`.execute(trx);
  const assignments = sql.join(recordFieldNames.map((c) => sql`${sql.ref(c)} = ${sql.ref(`r.${c}`)}`));
  await sql`
    update records set ${assignments},
      match_key_nhs = coalesce(r.match_key_nhs, records.match_key_nhs),
      match_key_demo = coalesce(r.match_key_demo, records.match_key_demo),
      completeness_problems = 0, record_status = 'active', withdrawn_reason = null, updated_at = ${now}
    from upload_rows u cross join lateral jsonb_populate_record(null::records, u.data) r
    where u.upload_id = ${uploadId} and u.action = 'updated' and records.id = u.record_id
      and records.organisation_id = ${organisationId}`.execute(trx);
  await sql`
    update records set record_status = 'withdrawn', withdrawn_reason = u.data->>'withdrawn_reason',
      updated_at = ${now}
    from upload_rows u
    where u.upload_id = ${uploadId} and u.action = 'withdrawn' and records.id = u.record_id
      and records.organisation_id = ${organisationId}`.execute(trx);
  await trx.deleteFrom('upload_rows').where('upload_id', '=', uploadId).execute();
  await trx
    .updateTable('uploads')
    .set({ status: 'confirmed', confirmed_at: now })
    .where('id', '=', uploadId)
    .execute();
}

/** Previews left unconfirmed past their time: marked expired, their staged rows and problems deleted. */
export async function expireUploads(db: DbOrTrx, now: Date): Promise<number[]> {
  const expired = await db
    .updateTable('uploads')
    // What the preview said about the file goes too; the row stays for the upload history and audit.
    .set({ status: 'expired', summary: '[]' })
    .where('status', '=', 'pending')
    .where('expires_at', '<=', now)
    .returning('id')
    .execute();
  const ids = expired.map((e) => e.id);
  if (ids.length) {
    await db.deleteFrom('upload_rows').where('upload_id', 'in', ids).execute();
    await db.deleteFrom('upload_errors').where('upload_id', 'in', ids).execute();
  }
  return ids;
}

/** A batch of checked rows, staged for the confirm. */
export async function insertStagedRows(trx: DbOrTrx, rows: Insertable<UploadRowsTable>[]) {
  await trx.insertInto('upload_rows').values(rows).execute();
}

/** A slice of row problems (small enough for PostgreSQL's parameter limit: the caller slices). */
export async function insertRowProblems(trx: DbOrTrx, problems: Insertable<UploadErrorsTable>[]) {
  await trx.insertInto('upload_errors').values(problems).execute();
}

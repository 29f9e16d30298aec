import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { RecordRow, ReturnRow } from '../db/types.js';

export function returnsOf(db: DbOrTrx, organisationId: number) {
  return db.selectFrom('returns').selectAll().where('organisation_id', '=', organisationId).execute();
}

export function findReturn(db: DbOrTrx, organisationId: number, period: string) {
  return db
    .selectFrom('returns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('period', '=', period)
    .executeTakeFirst();
}

/** The return row, created on first use, and locked for the rest of the transaction. */
export async function lockReturn(db: DbOrTrx, organisationId: number, period: string, at: Date) {
  await db
    .insertInto('returns')
    .values({ organisation_id: organisationId, period, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['organisation_id', 'period']).doNothing())
    .execute();
  return db
    .selectFrom('returns')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('period', '=', period)
    .forUpdate()
    .executeTakeFirstOrThrow();
}

export async function recordCounts(db: DbOrTrx, organisationId: number) {
  const rows = await db
    .selectFrom('records')
    .select(['return_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organisation_id', '=', organisationId)
    .where('record_status', '=', 'active')
    .groupBy('return_id')
    .execute();
  return new Map(rows.map((row) => [row.return_id, Number(row.n)]));
}

export interface RecordTotals {
  active: number;
  withdrawn: number;
  /** Active records with something still to fix before submission. */
  incomplete: number;
}

export interface Submission {
  version: number;
  kind: 'nil' | 'submit' | 'amend';
  reason: string | null;
  reason_text: string | null;
  signed_at: Date;
  record_count: number;
  signed_by_email: string | null;
}

type Json<T> = {
  [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K];
};
type ReturnJson = Json<ReturnRow> & { submissions: Json<Submission>[] };

const when = (text: string | null) => (text === null ? null : new Date(text));

/**
 * Everything a return's page shows, in one statement: the return row with its signed submissions
 * (newest first), one page of its records (active first, then withdrawn, each in the order added) and
 * the totals over all its records. Round trips to the database are what a page's time goes on.
 */
export async function returnPage(
  db: DbOrTrx,
  organisationId: number,
  period: string,
  page: number,
  size: number,
) {
  const { rows } = await sql<
    { return_json: ReturnJson | null } & Partial<RecordRow> & {
        total_active: number | null;
        total_withdrawn: number | null;
        total_incomplete: number | null;
      }
  >`
    with ret as (
      select r.*, (
        select coalesce(json_agg(s order by s.version desc), '[]'::json) from (
          select version, kind, reason, reason_text, signed_at, record_count, signed_by_email
          from return_submissions where return_id = r.id
        ) s
      ) as submissions
      from returns r where r.organisation_id = ${organisationId} and r.period = ${period}
    ),
    page as (
      select records.*,
        count(*) filter (where record_status = 'active') over () as total_active,
        count(*) filter (where record_status = 'withdrawn') over () as total_withdrawn,
        count(*) filter (where record_status = 'active' and completeness_problems > 0) over () as total_incomplete
      from records where return_id = (select id from ret)
      order by record_status = 'active' desc, created_at, id
      limit ${size} offset ${(page - 1) * size}
    )
    select (select to_jsonb(ret) from ret) as return_json, page.*
    from (select 1) as one left join page on true`.execute(db);
  const first = rows[0]!;
  const json = first.return_json;
  // JSON carries times as text: they become dates again, as every other query returns them.
  const { submissions: signed = [], ...returnJson } = json ?? {};
  const row: ReturnRow | undefined = json
    ? {
        ...(returnJson as Json<ReturnRow>),
        first_submitted_at: when(json.first_submitted_at),
        last_submitted_at: when(json.last_submitted_at),
        locked_at: when(json.locked_at),
        created_at: new Date(json.created_at),
        updated_at: new Date(json.updated_at),
      }
    : undefined;
  const submissions: Submission[] = signed.map((s) => ({
    ...s,
    signed_at: new Date(s.signed_at),
  }));
  const records = rows
    .filter((r) => r.id !== null && r.id !== undefined)
    .map(
      ({ return_json: _r, total_active: _a, total_withdrawn: _w, total_incomplete: _i, ...record }) =>
        record as RecordRow,
    );
  const totals: RecordTotals | undefined =
    records.length > 0
      ? {
          active: Number(first.total_active),
          withdrawn: Number(first.total_withdrawn),
          incomplete: Number(first.total_incomplete),
        }
      : undefined;
  return { row, submissions, records, totals };
}

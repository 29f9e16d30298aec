// The Idempotency-Key table. Claiming a key and storing its answer commit without waiting for the disk
// (synchronous_commit off, for that statement's transaction only): the write between them waits, and a
// crash in the few hundred milliseconds before the log reaches the disk loses at most a claim — the
// retry then runs again, and a re-sent death meets its own reference — or leaves a claim in flight,
// which idempotency.ts takes over after a minute. It spares each API write two of its three disk
// flushes (issue #26).
import { sql, type Insertable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { IdempotentRequestsTable } from '../db/types.js';
import type { Answer } from './idempotency.js';

const noFlush = sql<boolean>`set_config('synchronous_commit', 'off', true) is not null`;

/** Claims a key for this token; false when it was claimed before. */
export async function claimRequestKey(
  db: DbOrTrx,
  request: Insertable<IdempotentRequestsTable>,
): Promise<boolean> {
  const claimed = await sql<{ key: string }>`
    insert into idempotent_requests (token_id, key, request_hash, created_at)
    select ${request.token_id}, ${request.key}, ${request.request_hash}, ${request.created_at} where ${noFlush}
    on conflict do nothing
    returning key`.execute(db);
  return claimed.rows.length > 0;
}

export function requestOfKey(db: DbOrTrx, tokenId: number, key: string) {
  return db
    .selectFrom('idempotent_requests')
    .select(['request_hash', 'status', 'body', 'created_at'])
    .where('token_id', '=', tokenId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
}

/** Takes over a claim left in flight since `claimedAt`; false when another request took it first. */
export async function takeOverRequestKey(
  db: DbOrTrx,
  tokenId: number,
  key: string,
  claimedAt: Date,
  now: Date,
): Promise<boolean> {
  const taken = await db
    .updateTable('idempotent_requests')
    .set({ created_at: now })
    .where('token_id', '=', tokenId)
    .where('key', '=', key)
    .where('status', 'is', null)
    .where('created_at', '=', claimedAt)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) === 1;
}

/** Lets a key go when its request failed without an answer. */
export async function releaseRequestKey(db: DbOrTrx, tokenId: number, key: string) {
  await db.deleteFrom('idempotent_requests').where('token_id', '=', tokenId).where('key', '=', key).execute();
}

export async function saveAnswer(db: DbOrTrx, tokenId: number, key: string, answer: Answer) {
  await sql`
    update idempotent_requests set status = ${answer.status}, body = ${JSON.stringify(answer.body)}::jsonb
    where token_id = ${tokenId} and key = ${key} and ${noFlush}`.execute(db);
}

export async function forgetRequestsBefore(db: DbOrTrx, before: Date) {
  await db.deleteFrom('idempotent_requests').where('created_at', '<', before).execute();
}

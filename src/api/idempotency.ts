// Safe retries for the submission API: a write sent with an Idempotency-Key is remembered with a hash
// of what was asked and the answer given. The same key and request again gets that answer without a
// second write; the same key with another request is refused; two at once with one key — a client
// retrying before the first answer came back — are one write and one "still in progress".
import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { problemOf } from './problems.js';

/** What a handler answers: a status and a JSON body (a problem or a result). */
export interface Answer {
  status: number;
  body: unknown;
}

const KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * What was asked, as a keyed hash: a linkage request's body holds identifiers, and a plain hash of an
 * NHS number could be reversed by trying them all, so only the service's secret can recompute it.
 */
function requestHash(req: Request, secret: string): string {
  return createHmac('sha256', secret)
    .update(`${req.method} ${req.originalUrl.split('?')[0]}\n${JSON.stringify(req.body ?? null)}`)
    .digest('hex');
}

/**
 * Runs `write` at most once per key of this token. Without a key it simply runs (the key is how a
 * client makes retries safe; the partner's own record reference also stops duplicate deaths).
 */
/** A key is remembered for a day: long enough for any retry, short enough to keep the table small. */
export async function forgetOldRequests(db: Db, clock: Clock): Promise<void> {
  await db
    .deleteFrom('idempotent_requests')
    .where('created_at', '<', new Date(clock.now().getTime() - 86_400_000))
    .execute();
}

export async function idempotent(
  db: Db,
  clock: Clock,
  secret: string,
  req: Request,
  tokenId: number,
  write: () => Promise<Answer>,
): Promise<Answer> {
  const key = req.get('idempotency-key');
  if (key === undefined) return write();
  if (!KEY.test(key))
    return {
      status: 400,
      body: problemOf('invalid-request', {
        detail: 'Idempotency-Key must be 1 to 255 visible ASCII characters',
      }),
    };
  const hash = requestHash(req, secret);
  const claimed = await db
    .insertInto('idempotent_requests')
    .values({ token_id: tokenId, key, request_hash: hash, created_at: clock.now() })
    .onConflict((oc) => oc.doNothing())
    .returning('key')
    .executeTakeFirst();
  if (!claimed) {
    const earlier = await db
      .selectFrom('idempotent_requests')
      .select(['request_hash', 'status', 'body'])
      .where('token_id', '=', tokenId)
      .where('key', '=', key)
      .executeTakeFirstOrThrow();
    if (earlier.request_hash !== hash) return { status: 409, body: problemOf('idempotency-key-reused') };
    if (earlier.status === null) return { status: 409, body: problemOf('idempotency-key-in-flight') };
    return { status: earlier.status, body: earlier.body };
  }
  let answer: Answer;
  try {
    answer = await write();
  } catch (error) {
    // Nothing was answered, so a retry with the key may try again.
    await db
      .deleteFrom('idempotent_requests')
      .where('token_id', '=', tokenId)
      .where('key', '=', key)
      .execute();
    throw error;
  }
  await db
    .updateTable('idempotent_requests')
    .set({ status: answer.status, body: JSON.stringify(answer.body) })
    .where('token_id', '=', tokenId)
    .where('key', '=', key)
    .execute();
  return answer;
}

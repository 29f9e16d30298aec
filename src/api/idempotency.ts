// Safe retries for the submission API: a write sent with an Idempotency-Key is remembered with a hash
// of what was asked and the answer given. The same key and request again gets that answer without a
// second write; the same key with another request is refused; two at once with one key — a client
// retrying before the first answer came back — are one write and one "still in progress".
import { createHmac } from 'node:crypto';
import type { Request } from 'express';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import { problemOf } from './problems.js';
import * as repo from './idempotency-repository.js';

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

/** A key is remembered for a day: long enough for any retry, short enough to keep the table small. */
export function forgetOldRequests(db: Db, clock: Clock): Promise<void> {
  return repo.forgetRequestsBefore(db, new Date(clock.now().getTime() - 86_400_000));
}

/** A key claimed this long ago and never answered belongs to a request whose process died. */
const ABANDONED_AFTER_MS = 60_000;

/**
 * Runs `write` at most once per key of this token. Without a key it simply runs (the key is how a
 * client makes retries safe; the partner's own record reference also stops duplicate deaths).
 */
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
  const now = clock.now();
  let claimed = await repo.claimRequestKey(db, {
    token_id: tokenId,
    key,
    request_hash: hash,
    created_at: now,
  });
  if (!claimed) {
    const earlier = await repo.requestOfKey(db, tokenId, key);
    if (earlier.request_hash !== hash) return { status: 409, body: problemOf('idempotency-key-reused') };
    if (earlier.status !== null) return { status: earlier.status, body: earlier.body };
    // Still in flight: another request with this key is being answered — unless its process died
    // half way (a deploy's kill, a crash) over a minute ago, when this one takes the key over.
    if (now.getTime() - earlier.created_at.getTime() < ABANDONED_AFTER_MS)
      return { status: 409, body: problemOf('idempotency-key-in-flight') };
    claimed = await repo.takeOverRequestKey(db, tokenId, key, earlier.created_at, now);
    if (!claimed) return { status: 409, body: problemOf('idempotency-key-in-flight') };
  }
  let answer: Answer;
  try {
    answer = await write();
  } catch (error) {
    // Nothing was answered, so a retry with the key may try again.
    await repo.releaseRequestKey(db, tokenId, key);
    throw error;
  }
  await repo.saveAnswer(db, tokenId, key, answer);
  return answer;
}

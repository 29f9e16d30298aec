// express-session store on the app's own Kysely pool: sessions live in PostgreSQL, so several app
// instances behind a load balancer share them and a restart signs nobody out.
//
// The store, not the cookie, decides when a session ends. Every write and every touch sets the expiry
// to (now + idle limit), capped by the absolute lifetime counted from sign-in, so an active user's
// session is always pushed forward from their last request — whatever express-session thinks the
// cookie's expiry was.
import session from 'express-session';
import type { SessionData } from 'express-session';
import { sql } from 'kysely';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';

/** A session pushed forward less than this long ago is not written again on a read-only request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionLimits {
  idleMs: number;
  maxMs: number;
}

type StoredSession = SessionData & { touchedAt?: number };

export class PgSessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly limits: SessionLimits,
  ) {
    super();
  }

  private expiry(sess: SessionData, now: number): Date {
    const idle = now + this.limits.idleMs;
    const absolute = sess.signedInAt ? sess.signedInAt + this.limits.maxMs : idle;
    return new Date(Math.min(idle, absolute));
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.db
      .selectFrom('sessions')
      .select('sess')
      .where('sid', '=', sid)
      .where('expires_at', '>', this.clock.now())
      .executeTakeFirst()
      .then((row) => callback(null, (row?.sess as SessionData | undefined) ?? null), callback);
  }

  override set(sid: string, sess: StoredSession, callback?: (err?: unknown) => void): void {
    const now = this.clock.now().getTime();
    // The absolute lifetime counts from the first save with a signed-in user (sign-in regenerates the
    // session, so that is the sign-in itself).
    if (sess.userId !== undefined && sess.signedInAt === undefined) sess.signedInAt = now;
    const expiresAt = this.expiry(sess, now);
    const json = JSON.stringify({ ...sess, touchedAt: now });
    this.db
      .insertInto('sessions')
      .values({ sid, sess: json, expires_at: expiresAt })
      .onConflict((oc) => oc.column('sid').doUpdateSet({ sess: json, expires_at: expiresAt }))
      .execute()
      .then(
        () => callback?.(),
        (err) => callback?.(err),
      );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.db
      .deleteFrom('sessions')
      .where('sid', '=', sid)
      .execute()
      .then(
        () => callback?.(),
        (err) => callback?.(err),
      );
  }

  /**
   * Pushes the idle expiry forward. A write on every page view would make each read a disk write, so
   * a session pushed forward in the last minute is left alone: the idle limit is exact to a minute.
   */
  override touch(sid: string, sess: StoredSession, callback?: () => void): void {
    const now = this.clock.now().getTime();
    if (sess.touchedAt && now - sess.touchedAt < TOUCH_INTERVAL_MS && now >= sess.touchedAt) {
      callback?.();
      return;
    }
    // Only the time is written, so a touch never overwrites what a concurrent request saved.
    this.db
      .updateTable('sessions')
      .set({
        expires_at: this.expiry(sess, now),
        sess: sql`jsonb_set(sess, '{touchedAt}', to_jsonb(${now}::bigint))`,
      })
      .where('sid', '=', sid)
      .execute()
      .then(
        () => callback?.(),
        () => callback?.(),
      );
  }
}

/** Scheduled: expired sessions are deleted (they are never read again, but hold rows). */
export async function purgeExpiredSessions(db: Db, clock: Clock): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', clock.now()).executeTakeFirst();
  return Number(result.numDeletedRows);
}

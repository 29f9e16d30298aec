// express-session store on the app's own Kysely pool: sessions live in PostgreSQL, so several app
// instances behind a load balancer share them and a restart signs nobody out.
import session from 'express-session';
import type { SessionData } from 'express-session';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

const TOUCH_INTERVAL_MS = 60_000;

export class PgSessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly idleMs: number,
  ) {
    super();
  }

  private expiry(sess: SessionData): Date {
    const expires = sess.cookie?.expires;
    return expires ? new Date(expires) : new Date(Date.now() + this.idleMs);
  }

  override get(sid: string, callback: (err: unknown, session?: SessionData | null) => void): void {
    this.db
      .selectFrom('sessions')
      .select('sess')
      .where('sid', '=', sid)
      .where('expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst()
      .then((row) => callback(null, (row?.sess as SessionData | undefined) ?? null), callback);
  }

  override set(sid: string, sess: SessionData, callback?: (err?: unknown) => void): void {
    const expiresAt = this.expiry(sess);
    const json = JSON.stringify({ ...sess, touchedAt: Date.now() });
    this.db
      .insertInto('sessions')
      .values({ sid, sess: json, expires_at: expiresAt })
      .onConflict((oc) => oc.column('sid').doUpdateSet({ sess: json, expires_at: expiresAt }))
      .execute()
      .then(() => this.pruneSometimes())
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
   * a session touched in the last minute is left alone: the idle timeout is exact to within a minute.
   */
  override touch(sid: string, sess: SessionData & { touchedAt?: number }, callback?: () => void): void {
    if (sess.touchedAt && Date.now() - sess.touchedAt < TOUCH_INTERVAL_MS) {
      callback?.();
      return;
    }
    this.db
      .updateTable('sessions')
      .set({
        expires_at: this.expiry(sess),
        sess: sql`jsonb_set(sess, '{touchedAt}', to_jsonb(${Date.now()}::bigint))`,
      })
      .where('sid', '=', sid)
      .execute()
      .then(
        () => callback?.(),
        () => callback?.(),
      );
  }

  /** Expired sessions are deleted now and then rather than by a separate job. */
  private async pruneSometimes(): Promise<void> {
    if (Math.random() < 0.01)
      await this.db
        .deleteFrom('sessions')
        .where('expires_at', '<', sql<Date>`now()`)
        .execute();
  }
}

// express-rate-limit's counts in PostgreSQL rather than one process's memory, so a limit holds however
// many app instances serve the requests. One upsert per request: a window that has ended starts again.
import { sql } from 'kysely';
import type { IncrementResponse, Options, Store } from 'express-rate-limit';
import type { Clock } from '../clock.js';
import type { DbOrTrx } from '../db/database.js';

export class PgRateLimitStore implements Store {
  private windowMs = 60_000;
  /** Counts are shared by every instance. */
  readonly localKeys = false;

  constructor(
    private readonly db: DbOrTrx,
    private readonly clock: Clock,
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const now = this.clock.now();
    const resetAt = new Date(now.getTime() + this.windowMs);
    const row = await sql<{ hits: number; reset_at: Date }>`
      insert into rate_limits as r (key, hits, reset_at) values (${this.prefix + key}, 1, ${resetAt})
      on conflict (key) do update set
        hits = case when r.reset_at <= ${now} then 1 else r.hits + 1 end,
        reset_at = case when r.reset_at <= ${now} then ${resetAt} else r.reset_at end
      returning hits, reset_at`.execute(this.db);
    // Now and then, forget windows long over (a row per client and window otherwise stays for good).
    if (Math.random() < 0.01)
      await sql`delete from rate_limits where reset_at < ${new Date(now.getTime() - this.windowMs)}`.execute(
        this.db,
      );
    return { totalHits: row.rows[0]!.hits, resetTime: new Date(row.rows[0]!.reset_at) };
  }

  async decrement(key: string): Promise<void> {
    await sql`update rate_limits set hits = greatest(hits - 1, 0) where key = ${this.prefix + key}`.execute(
      this.db,
    );
  }

  async resetKey(key: string): Promise<void> {
    await sql`delete from rate_limits where key = ${this.prefix + key}`.execute(this.db);
  }
}

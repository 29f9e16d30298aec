// One runner for the background work: reminders, summaries and the outbox. Everything it needs is in
// PostgreSQL, so several app instances can each run it: jobs marked `exclusive` take a PostgreSQL
// advisory lock so one instance at a time does them (their own unique keys would also stop duplicates),
// and the outbox sender shares work through row locks. A restart simply carries on from the database.
//
// A failing job (the database restarting under it) is logged and tried again on its next tick; the
// runner never stops by itself. On shutdown the jobs are told to stop (an AbortSignal they check
// between steps) and the runner waits for the current step, up to a cut-off.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';
import { safeError } from '../lib/safe-error.js';

export interface Job {
  name: string;
  everyMs: number;
  exclusive: boolean;
  run(signal: AbortSignal): Promise<unknown>;
}

function lockKey(name: string): number {
  let hash = 0;
  for (const char of `drd-return:${name}`) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return hash;
}

export class JobRunner {
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(
    private readonly db: Db,
    private readonly jobs: Job[],
    private readonly logger: Logger,
  ) {}

  /** Runs one job now; exclusive jobs are skipped when another instance holds their lock. */
  async runOnce(job: Job): Promise<boolean> {
    const signal = this.stopping.signal;
    if (!job.exclusive) {
      await job.run(signal);
      return true;
    }
    return this.db.connection().execute(async (conn) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_lock(${lockKey(job.name)}) as locked`.execute(conn);
      if (!rows[0]?.locked) return false;
      try {
        await job.run(signal);
        return true;
      } finally {
        // When the connection was lost the server has already dropped the lock with the session.
        await sql`select pg_advisory_unlock(${lockKey(job.name)})`.execute(conn).catch(() => undefined);
      }
    });
  }

  start(): void {
    for (const job of this.jobs) {
      let busy = false;
      const tick = () => {
        if (busy || this.stopping.signal.aborted) return; // never overlap a job with itself
        busy = true;
        const run = this.runOnce(job)
          .catch((err: unknown) => this.logger.error({ err: safeError(err), job: job.name }, 'job failed'))
          .finally(() => {
            busy = false;
            this.running.delete(run);
          });
        this.running.add(run);
      };
      tick();
      this.timers.push(setInterval(tick, job.everyMs));
    }
  }

  /** Starts no more runs, asks the running ones to stop after their current step, and waits up to `cutOffMs`. */
  async stop(cutOffMs = 8_000): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    this.stopping.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => (timer = setTimeout(resolve, cutOffMs))),
    ]);
    clearTimeout(timer);
  }
}

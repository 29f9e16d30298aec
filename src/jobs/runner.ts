// One runner for the background work: reminders, summaries and the outbox. Everything it needs is in
// PostgreSQL, so several app instances can each run it: jobs marked `exclusive` take a PostgreSQL
// advisory lock so one instance at a time does them (their own unique keys would also stop duplicates),
// and the outbox sender shares work through row locks. A restart simply carries on from the database.
import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/database.js';

export interface Job {
  name: string;
  everyMs: number;
  exclusive: boolean;
  run(): Promise<unknown>;
}

function lockKey(name: string): number {
  let hash = 0;
  for (const char of `drd-return:${name}`) hash = (hash * 31 + char.charCodeAt(0)) | 0;
  return hash;
}

export class JobRunner {
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly jobs: Job[],
    private readonly logger: Logger,
  ) {}

  /** Runs one job now; exclusive jobs are skipped when another instance holds their lock. */
  async runOnce(job: Job): Promise<boolean> {
    if (!job.exclusive) {
      await job.run();
      return true;
    }
    return this.db.connection().execute(async (conn) => {
      const { rows } = await sql<{
        locked: boolean;
      }>`select pg_try_advisory_lock(${lockKey(job.name)}) as locked`.execute(conn);
      if (!rows[0]?.locked) return false;
      try {
        await job.run();
        return true;
      } finally {
        await sql`select pg_advisory_unlock(${lockKey(job.name)})`.execute(conn);
      }
    });
  }

  start(): void {
    for (const job of this.jobs) {
      let busy = false;
      const tick = () => {
        if (busy) return; // never overlap a job with itself
        busy = true;
        const run = this.runOnce(job)
          .catch((err: unknown) => this.logger.error({ err, job: job.name }, 'job failed'))
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

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.allSettled([...this.running]);
  }
}

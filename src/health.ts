import { Router } from 'express';
import { sql } from 'kysely';
import type { Db } from './db/database.js';
import { migrationsCurrent } from './db/migrate.js';
import type { Lifecycle } from './lib/lifecycle.js';

/** The longest /health takes: a load balancer needs an answer, not a hang on a locked table. */
export const HEALTH_BUDGET_MS = 2_000;

export type Health =
  | { status: 'ok'; database: 'ok'; migrations: 'current'; outboxPending: number }
  | { status: 'unavailable'; database: string; reason: string; migrations?: string; outboxPending?: number };

/**
 * The tables every signed-in page writes or reads: a lock on any of them that stops a write (a long
 * migration, a stuck maintenance job) hangs every page while a plain "select 1" still answers.
 */
const TABLES_PAGES_NEED = ['sessions', 'users', 'returns', 'records', 'outbox'] as const;

/** Which failure it is, in words an operator can act on. */
export function healthFailure(error: unknown): Health & { status: 'unavailable' } {
  const e = error as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  const message = e?.message ?? '';
  if (code === '55P03' || /lock timeout/i.test(message))
    return {
      status: 'unavailable',
      database: 'locked',
      reason: 'a table every page needs is locked (a migration or maintenance holding it?)',
    };
  if (code === '53300' || /too many (clients|connections)/i.test(message))
    return {
      status: 'unavailable',
      database: 'connection limit',
      reason: 'the database has no connections left (max_connections reached)',
    };
  if (code === '57014' || /statement timeout|Query read timeout/i.test(message))
    return {
      status: 'unavailable',
      database: 'not answering',
      reason: 'the database did not answer in time',
    };
  if (code === '25006')
    return { status: 'unavailable', database: 'read-only', reason: 'the database accepts no changes' };
  if (/^57P0[1-3]$/.test(code))
    return {
      status: 'unavailable',
      database: 'restarting',
      reason: 'the database is shutting down or starting up',
    };
  if (/^(28|3D)/.test(code))
    return {
      status: 'unavailable',
      database: 'refused',
      reason: 'the database refused the connection (name, user or password)',
    };
  return { status: 'unavailable', database: 'unreachable', reason: 'the database cannot be reached' };
}

/** The checks, in one short transaction; the router below only times and answers them. */
export async function checkHealth(db: Db): Promise<Health> {
  return db.transaction().execute(async (trx) => {
    // Each statement here must answer quickly; a lock or a stuck server becomes a failure, not a wait.
    await sql`set local statement_timeout = ${sql.lit(HEALTH_BUDGET_MS - 500)}`.execute(trx);
    await sql`set local lock_timeout = 500`.execute(trx);
    const { rows } = await sql<{ recovery: boolean; read_only: string }>`
      select pg_is_in_recovery() as recovery, current_setting('default_transaction_read_only') as read_only`.execute(
      trx,
    );
    if (rows[0]?.recovery || rows[0]?.read_only === 'on')
      return {
        status: 'unavailable',
        database: 'read-only',
        reason: 'the database accepts no changes (a standby, or read-only mode)',
      };
    if (!(await migrationsCurrent(trx)))
      return {
        status: 'unavailable',
        database: 'ok',
        migrations: 'pending',
        reason: 'database migrations have not all run',
      };
    // The lock a write takes (row exclusive) on each table pages need: granted at once unless something
    // holds a lock that would stop every save; released when this transaction ends.
    for (const table of TABLES_PAGES_NEED)
      await sql`lock table ${sql.table(table)} in row exclusive mode`.execute(trx);
    // Claimed messages ('sending') are part of the backlog until they are marked sent.
    const backlog = await trx
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', 'in', ['pending', 'sending'])
      .executeTakeFirstOrThrow();
    return { status: 'ok', database: 'ok', migrations: 'current', outboxPending: Number(backlog.n) };
  });
}

/** /health: database reachable and writable, migrations current, outbox backlog. 503 with a reason when not. */
export function healthRouter(check: () => Promise<Health>, lifecycle: Lifecycle): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    // Stopping: a load balancer takes this instance out at once, while it still serves what arrives.
    if (lifecycle.draining)
      return res.status(503).json({ status: 'draining', reason: 'this instance is stopping' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<Health>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({
            status: 'unavailable',
            database: 'not answering',
            reason: `the database did not answer within ${HEALTH_BUDGET_MS / 1000} s`,
          }),
        HEALTH_BUDGET_MS,
      );
    });
    const health = await Promise.race([check().catch(healthFailure), timeout]);
    clearTimeout(timer);
    res.setHeader('Cache-Control', 'no-store');
    res.status(health.status === 'ok' ? 200 : 503).json(health);
  });
  return router;
}

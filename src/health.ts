import { Router } from 'express';
import { sql } from 'kysely';
import type { Db } from './db/database.js';
import { migrationsCurrent } from './db/migrate.js';

/** /health: database reachable, migrations current, outbox backlog. 503 when not healthy. */
export function healthRouter(db: Db): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    try {
      await sql`select 1`.execute(db);
      const current = await migrationsCurrent(db);
      const backlog = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .executeTakeFirstOrThrow();
      res.status(current ? 200 : 503).json({
        status: current ? 'ok' : 'migrations pending',
        database: 'ok',
        migrations: current ? 'current' : 'pending',
        outboxPending: Number(backlog.n),
      });
    } catch {
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });
  return router;
}

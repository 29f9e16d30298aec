import { Router } from 'express';
import { requireAdmin } from '../middleware/auth.js';
import { HttpError } from '../http-error.js';
import type { Db } from '../db/database.js';

/** Admin views of the outbox (where email waits when there is no SMTP) and the audit log. */
export function adminRouter(db: Db): Router {
  const router = Router();
  router.use(requireAdmin);

  router.get('/outbox', async (_req, res) => {
    const messages = await db
      .selectFrom('outbox')
      .select(['id', 'to_addresses', 'subject', 'status', 'attempts', 'last_error', 'created_at', 'sent_at'])
      .orderBy('id', 'desc')
      .limit(200)
      .execute();
    res.render('admin/outbox', { title: 'Outbox', messages });
  });

  router.get('/outbox/:id', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id)) throw new HttpError(404);
    const message = await db.selectFrom('outbox').selectAll().where('id', '=', String(id)).executeTakeFirst();
    if (!message) throw new HttpError(404);
    res.render('admin/message', { title: message.subject, message, backLink: '/admin/outbox' });
  });

  // The HTML part exactly as sent. Email HTML needs inline styles, so this one response gets its own
  // CSP: no script, no network, styles only, and it cannot be framed.
  router.get('/outbox/:id/html', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id)) throw new HttpError(404);
    const message = await db
      .selectFrom('outbox')
      .select('html')
      .where('id', '=', String(id))
      .executeTakeFirst();
    if (!message) throw new HttpError(404);
    res
      .set(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
      )
      .set('X-Frame-Options', 'SAMEORIGIN')
      .type('html')
      .send(message.html);
  });

  router.get('/audit', async (req, res) => {
    const action =
      typeof req.query.action === 'string' && req.query.action !== '' ? req.query.action : undefined;
    let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(200);
    if (action) query = query.where('action', '=', action);
    const actions = await db.selectFrom('audit_log').select('action').distinct().orderBy('action').execute();
    res.render('admin/audit', {
      title: 'Audit log',
      entries: await query.execute(),
      actions: actions.map((a) => a.action),
      action,
    });
  });

  return router;
}

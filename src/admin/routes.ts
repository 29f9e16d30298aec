import { Router, type Request } from 'express';
import { z } from 'zod';
import { actorOf, type ExportAudit } from '../audit/audit.js';
import { streamCsv } from '../lib/exports.js';
import { requireAdmin } from '../middleware/auth.js';
import { HttpError } from '../lib/http-error.js';
import type { AdminService } from './service.js';
import { rowId, checkIdParams } from '../lib/ids.js';

/** Admin views of the outbox (where email waits when there is no SMTP) and the audit log. */
/** The raw email as a page of its own: it gets the email's subject as its title if it has none. */
function withTitle(html: string, subject: string): string {
  if (/<title>/i.test(html)) return html;
  const title = `<title>${subject.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</title>`;
  return /<html[^>]*>/i.test(html)
    ? html.replace(/<html[^>]*>/i, (tag) => `${tag}<head>${title}</head>`)
    : title + html;
}

export function adminRouter(admin: AdminService, exportAudit: ExportAudit): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireAdmin);

  // The administrators' pages, each with what it is for.
  router.get('/', (_req, res) => {
    res.render('admin/index', { title: 'Administration' });
  });

  router.get('/outbox', async (_req, res) => {
    res.render('admin/outbox', { title: 'Outbox', messages: await admin.outbox() });
  });

  router.get('/outbox/:id', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id)) throw new HttpError(404);
    // A personal link is not for the administrator's eyes: who, when and what happened, never the body.
    const message = await admin.message(id);
    if (!message) throw new HttpError(404);
    res.render('admin/message', { title: message.subject, message, backLink: '/admin/outbox' });
  });

  // The HTML part exactly as sent. Email HTML needs inline styles, so this one response gets its own
  // CSP: no script, no network, styles only, and it cannot be framed.
  router.get('/outbox/:id/html', async (req, res) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id)) throw new HttpError(404);
    const message = await admin.messageHtml(id);
    // A message carrying a personal link is never shown, not even to administrators.
    if (!message) throw new HttpError(404);
    res
      .set(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'",
      )
      .set('X-Frame-Options', 'SAMEORIGIN')
      .type('html')
      .send(withTitle(message.html, message.subject));
  });

  // The audit log, filtered by user, organisation, action and date, on screen or as CSV.
  const auditFilters = z.object({
    actor: z.string().trim().max(254).optional().catch(undefined),
    organisation: rowId().optional().catch(undefined),
    action: z
      .string()
      .regex(/^[a-z_]+$/)
      .optional()
      .catch(undefined),
    from: z.iso.date().optional().catch(undefined),
    to: z.iso.date().optional().catch(undefined),
  });
  const auditQuery = (req: Request) => {
    const f = auditFilters.parse(req.query);
    return { f, query: admin.auditQuery(f) };
  };

  router.get('/audit', async (req, res) => {
    const { f, query } = auditQuery(req);
    const { actions, organisations } = await admin.auditChoices();
    const search = new URLSearchParams(
      Object.entries(req.query).filter(([, v]) => typeof v === 'string' && v !== '') as [string, string][],
    );
    res.render('admin/audit', {
      title: 'Audit log',
      entries: await query.limit(200).execute(),
      actions,
      organisations,
      f,
      search: search.toString(),
    });
  });

  router.get('/audit.csv', async (req, res) => {
    const f = auditFilters.parse(req.query);
    await exportAudit.record(actorOf(req.user!), 'audit_log', { format: 'csv', filters: { ...f } });
    await streamCsv(
      res,
      'drd-audit-log.csv',
      [
        { header: 'at', value: (r) => new Date(r.at).toISOString() },
        { header: 'actor', value: (r) => r.actor },
        { header: 'organisation_id', value: (r) => r.organisation_id },
        { header: 'action', value: (r) => r.action },
        { header: 'entity', value: (r) => r.entity },
        { header: 'entity_id', value: (r) => r.entity_id },
        { header: 'detail', value: (r) => JSON.stringify(r.detail) },
      ],
      admin.auditStream(f),
    );
  });

  return router;
}

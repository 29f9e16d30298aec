// Closing the loop on a month: answered questions closed, the month locked, one return reopened.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { actorOf } from '../audit/audit.js';
import { currentUser, requireAdmin } from '../middleware/auth.js';
import { formOf, validate, validateNoFields, type FormErrors } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import { checkIdParams } from '../lib/ids.js';
import { isPeriod, formatPeriod } from '../domain/periods.js';
import { isReceived } from '../domain/compliance.js';
import { screened } from '../domain/identifiers.js';
import type { OrganisationsService } from '../organisations/service.js';
import type { CollationService } from './service.js';
import type { QueriesService } from './queries.js';

export function periodsRouter(
  collation: CollationService,
  queries: QueriesService,
  organisations: OrganisationsService,
): Router {
  const router = Router();
  checkIdParams(router);

  router.get('/queries', async (_req, res) => {
    res.render('collation/queries', { title: 'Data-quality queries', queries: await queries.forCcsu() });
  });

  router.post('/queries/:id/close', validateNoFields(), async (req, res) => {
    const result = await queries.close(Number(req.params.id), currentUser(req));
    if (!result.ok && result.reason === 'not_found') throw new HttpError(404);
    req.session.flash = result.ok ? 'Query closed' : 'Query was already closed';
    res.redirect('/ccsu/queries');
  });

  // Locking a collated month, and reopening one organisation's return: administrators only.
  // Locking is confirmed on a page that names what will be locked and who has not yet returned.
  router.get('/periods/:period/lock', requireAdmin, async (req, res) => {
    const p = String(req.params.period);
    if (!isPeriod(p) || p > collation.latestDuePeriod()) throw new HttpError(404);
    const matrix = await collation.matrix({ months: 1, to: p });
    const rows = matrix.rows
      .map(({ organisation, cells }) => ({ organisation, ...cells[0]! }))
      .filter((row) => row.bucket !== null && !row.locked);
    res.render('collation/lock', {
      title: `Lock ${formatPeriod(p)}`,
      period: p,
      toLock: rows.length,
      notReturned: rows.filter((r) => !isReceived(r.bucket!)).map((r) => r.organisation.name),
      backLink: `/ccsu?period=${p}`,
    });
  });

  router.post('/periods/:period/lock', requireAdmin, validateNoFields(), async (req, res) => {
    const p = String(req.params.period);
    if (!isPeriod(p) || p > collation.latestDuePeriod()) throw new HttpError(400);
    const n = await collation.lockPeriod(p, actorOf(currentUser(req)));
    req.session.flash = `${formatPeriod(p)} is locked (${n} return${n === 1 ? '' : 's'})`;
    res.redirect(`/ccsu?period=${p}`);
  });

  const reopenSchema = z.object({
    reason: z
      .string({ error: 'Give the reason for reopening' })
      .trim()
      .min(1, 'Give the reason for reopening')
      .max(200, 'Reason must be 200 characters or fewer')
      .superRefine(screened('The reason')),
  });
  const renderReopen = async (req: Request, res: Response, errors?: FormErrors) => {
    const organisation = await organisations.find(Number(req.params.organisationId));
    if (!organisation || !isPeriod(String(req.params.period))) throw new HttpError(404);
    res.render('collation/reopen', {
      title: `Reopen ${organisation.name}’s ${formatPeriod(String(req.params.period))} return`,
      organisation,
      period: req.params.period,
      errors,
      values: req.body ?? {},
      backLink: `/ccsu?period=${req.params.period}`,
    });
  };
  router.get('/returns/:organisationId/:period/reopen', requireAdmin, (req, res) => renderReopen(req, res));
  router.post(
    '/returns/:organisationId/:period/reopen',
    requireAdmin,
    validate(reopenSchema, (req, res, errors) => renderReopen(req, res, errors)),
    async (req, res) => {
      const result = await collation.reopen(
        Number(req.params.organisationId),
        String(req.params.period),
        formOf(res, reopenSchema).reason,
        actorOf(currentUser(req)),
      );
      if (!result.ok && result.reason === 'not_found') throw new HttpError(404);
      // Reopened by someone else meanwhile: it is open, as this administrator asked.
      req.session.flash = result.ok
        ? 'The return is reopened: the partner can now amend it'
        : 'The return was already reopened: the partner can amend it';
      res.redirect(`/ccsu?period=${req.params.period}`);
    },
  );

  return router;
}

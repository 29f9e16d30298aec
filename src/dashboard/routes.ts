import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { currentUser, requireCcsu, requireSignedIn } from '../middleware/auth.js';
import { toFormErrors } from '../middleware/validation.js';
import { HttpError } from '../http-error.js';
import * as ref from '../domain/reference.js';
import type { User } from '../db/types.js';
import { filtersQueryString, readFilters } from './filters.js';
import { dashboardPages, type DashboardService } from './service.js';
import type { AlertsService } from './alerts.js';
import { RESPONSE_WORKING_DAYS, type ScorecardService } from './scorecard.js';

const isCcsu = (user: User) => user.role === 'ccsu_analyst' || user.role === 'ccsu_admin';

/** Signed-in users only: partners see suppressed figures, CCSU roles exact ones. */
export function dashboardRouter(
  dashboard: DashboardService,
  alerts: AlertsService,
  scorecard: ScorecardService,
): Router {
  const router = Router();
  router.use(requireSignedIn);

  const render = async (req: Request, res: Response, slug: string) => {
    const user = currentUser(req);
    const page = dashboardPages.find((p) => p.slug === slug);
    if (!page || (page.ccsuOnly && !isCcsu(user))) throw new HttpError(404);
    const { filters, errors, query } = readFilters(req.query, dashboard.currentPeriod());
    const exact = isCcsu(user);
    const figures = await dashboard.page(page, filters, await dashboard.audienceFor(exact));
    const formErrors = toFormErrors(errors);
    res.render('dashboard/page', {
      title: `Dashboard: ${page.title}`,
      page,
      pages: dashboardPages.filter((p) => !p.ccsuOnly || exact),
      figures,
      filters,
      query,
      queryString: filtersQueryString(filters),
      errors: formErrors.list.length ? formErrors : undefined,
      exact,
      ref,
      alerts: exact ? await alerts.unacknowledged() : [],
      reminders:
        page.slug === 'reminders'
          ? {
              effects: await scorecard.reminderEffects(),
              scorecard: await scorecard.scorecard(),
              responseDays: RESPONSE_WORKING_DAYS,
              to: scorecard.latestDuePeriod(),
            }
          : null,
      scripts: ['/assets/chart.umd.min.js', '/assets/charts.js'],
    });
  };

  router.get('/', (req, res) => render(req, res, ''));
  router.get('/:slug', (req, res) => render(req, res, String(req.params.slug)));

  const acknowledgeSchema = z.object({ return_to: z.string().startsWith('/dashboard').catch('/dashboard') });
  router.post('/alerts/:id/acknowledge', requireCcsu, async (req, res) => {
    const id = z.coerce.number().int().positive().safeParse(req.params.id);
    if (!id.success) throw new HttpError(404);
    const done = await alerts.acknowledge(id.data, currentUser(req));
    if (!done) throw new HttpError(404);
    req.session.flash = 'Alert acknowledged';
    res.redirect(acknowledgeSchema.parse(req.body ?? {}).return_to);
  });
  return router;
}

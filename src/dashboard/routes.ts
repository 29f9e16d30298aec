import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { currentUser, requireCcsu, requireSignedIn } from '../middleware/auth.js';
import { formOf, validate, validateNoFields } from '../middleware/validation.js';
import { HttpError } from '../lib/http-error.js';
import * as ref from '../domain/reference.js';
import { readFilters } from './filters.js';
import { sendFigureCsv } from './figure-csv.js';
import { dashboardPages, type DashboardService } from './service.js';
import type { EarlyWarningService } from './early-warning.js';
import { standardisedForAudience } from '../areas/standardised-rates.js';
import { groupOverlapping } from '../domain/early-warning.js';
import { alphaOf, sensitivities } from '../domain/exceedance.js';
import { RESPONSE_WORKING_DAYS, type ScorecardService } from '../collation/scorecard.js';
import { checkIdParams, rowId } from '../lib/ids.js';
import { dashboardView, isCcsu } from './view-filters.js';
import type { AreasService } from '../areas/service.js';
import type { LdisService } from '../ldis/service.js';

/** Signed-in users only: partners see suppressed figures, CCSU roles exact ones. */
export function dashboardRouter(
  dashboard: DashboardService,
  alerts: EarlyWarningService,
  scorecard: ScorecardService,
  areas: AreasService,
  ldis: LdisService,
  minPerType: number,
): Router {
  const router = Router();
  checkIdParams(router);
  router.use(requireSignedIn);

  const render = async (req: Request, res: Response, slug: string) => {
    const view = await dashboardView(req, dashboard, minPerType);
    const { exact, filters } = view;
    const page = dashboardPages.find((p) => p.slug === slug);
    if (!page || (page.ccsuOnly && !exact)) throw new HttpError(404);
    const figures = await dashboard.page(page, filters, view.audience);
    // Beside the counts by area, rates per 100,000 from the same counts as shown (so, for partners,
    // after disclosure control).
    const byArea = figures.find((f) => f.id === 'residence_area');
    const year = Number(filters.to.slice(0, 4));
    const rates = byArea ? await areas.ratesBeside(byArea, year) : null;
    const standardised = byArea
      ? standardisedForAudience(
          await areas.standardisedRates(year, filters.classification || undefined),
          exact,
          view.audience.disclosure,
        )
      : null;
    res.render('dashboard/page', {
      title: `Dashboard: ${page.title}`,
      page,
      pages: dashboardPages.filter((p) => !p.ccsuOnly || exact),
      figures,
      rates,
      standardised,
      ...view,
      ref,
      warnings: exact ? await alerts.waitingCount() : 0,
      reminders:
        page.slug === 'reminders'
          ? {
              effects: await scorecard.reminderEffects(),
              scorecard: await scorecard.scorecard(),
              responseDays: RESPONSE_WORKING_DAYS,
              to: scorecard.latestDuePeriod(),
            }
          : null,
      scripts: ['chart.umd.min.js', 'charts.js'],
    });
  };

  // One figure as CSV, exactly as shown to this user (suppressed for partners); audited like every export.
  router.get('/figures/:figure.csv', async (req, res) => {
    const user = currentUser(req);
    const exact = isCcsu(user);
    const id = String(req.params.figure);
    const page = dashboardPages.find((p) => (p.figures as string[]).includes(id));
    if (!page || (page.ccsuOnly && !exact)) throw new HttpError(404);
    const { filters } = readFilters(req.query, dashboard.currentPeriod());
    if (
      !exact &&
      filters.organisationType &&
      !(await dashboard.typesForPartners(minPerType)).includes(filters.organisationType)
    )
      throw new HttpError(400);
    const figure = await dashboard.shownFigure(
      page.figures.find((f) => f === id)!,
      filters,
      exact,
      user,
    );
    await sendFigureCsv(res, figure, filters);
  });

  // Open early warnings, overlapping alerts about the same deaths shown as one (CCSU only).
  router.get('/alerts', requireCcsu, async (_req, res) => {
    // Each warning with the LDIS alerts of the last 90 days about its substances; and LDIS alerts about
    // substances in recent deaths even where no cluster has formed.
    const warnings = await Promise.all(
      groupOverlapping(await alerts.unacknowledged()).map(async (w) => ({
        ...w,
        ldis: await ldis.relatedTo(w.concernKeys),
      })),
    );
    const settings = await alerts.settings();
    const alpha = alphaOf(settings.sensitivity);
    res.render('dashboard/alerts', {
      title: 'Early warnings',
      warnings,
      settings,
      alphaPercent: `${+(alpha * 100).toFixed(1)}%`,
      sensitivityLabel: sensitivities.find(([code]) => code === settings.sensitivity)![1].split(':')[0],
      ldisAboutRecentDeaths: await ldis.aboutRecentDeaths(),
      backLink: '/dashboard',
    });
  });

  const acknowledgeGroupSchema = z.object({
    alert: z.union([rowId(), z.array(rowId()).max(100)]),
  });
  router.post(
    '/alerts/acknowledge',
    requireCcsu,
    validate(acknowledgeGroupSchema, () => {
      throw new HttpError(400);
    }),
    async (req, res) => {
      const { alert } = formOf(res, acknowledgeGroupSchema);
      let done = 0;
      for (const id of Array.isArray(alert) ? alert : [alert])
        if (await alerts.acknowledge(id, currentUser(req))) done += 1;
      if (done === 0) throw new HttpError(404);
      req.session.flash = 'Early warning acknowledged';
      res.redirect('/dashboard/alerts');
    },
  );

  router.get('/', (req, res) => render(req, res, ''));
  router.get('/:slug', (req, res) => render(req, res, String(req.params.slug)));

  const acknowledgeSchema = z.object({ return_to: z.string().startsWith('/dashboard').catch('/dashboard') });
  router.post('/alerts/:id/acknowledge', requireCcsu, validateNoFields(), async (req, res) => {
    const id = rowId().safeParse(req.params.id);
    if (!id.success) throw new HttpError(404);
    const done = await alerts.acknowledge(id.data, currentUser(req));
    if (!done) throw new HttpError(404);
    req.session.flash = 'Alert acknowledged';
    res.redirect(acknowledgeSchema.parse(req.body ?? {}).return_to);
  });
  return router;
}

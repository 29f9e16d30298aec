// The dashboard's completeness page: of the deaths the coroner found drug- or alcohol-related, how many
// partners had reported and how early, the cases not yet confirmed, and the capture–recapture estimate,
// by year. CCSU exact; everyone else through disclosure control, never which deaths.
import { Router } from 'express';
import { z } from 'zod';
import { requireSignedIn } from '../middleware/auth.js';
import { dashboardView } from './view-filters.js';
import { dashboardPages, type DashboardService } from './service.js';
import type { CoronersService } from '../coroners/service.js';
import type { EarlyWarningService } from './early-warning.js';
import { showCompleteness } from '../coroners/present.js';

export function completenessRouter(
  coroners: CoronersService,
  dashboard: DashboardService,
  alerts: EarlyWarningService,
  minPerType: number,
): Router {
  const router = Router();
  router.use('/completeness', requireSignedIn);
  const page = dashboardPages.find((p) => p.slug === 'completeness')!;

  router.get('/completeness', async (req, res) => {
    const view = await dashboardView(req, dashboard, minPerType);
    const years = showCompleteness(
      await coroners.completeness(),
      view.exact,
      view.audience.disclosure,
      view.typeOptions.map(([code]) => code),
    );
    const asked = z.coerce.number().int().safeParse(req.query.year);
    const chosen = years.find((y) => asked.success && y.year === asked.data) ?? years.at(-1) ?? null;
    res.render('dashboard/completeness', {
      title: `Dashboard: ${page.title}`,
      page,
      pages: dashboardPages.filter((p) => !p.ccsuOnly || view.exact),
      ...view,
      years,
      chosen,
      warnings: view.exact ? await alerts.waitingCount() : 0,
    });
  });
  return router;
}

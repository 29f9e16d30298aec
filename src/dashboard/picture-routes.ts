// The dashboard's partnership picture: deaths beside call-outs, admissions, ONS registrations and LDIS
// alerts, by month, quarter, area (with rates) and year; and each of its tables as CSV.
import { Router } from 'express';
import { HttpError } from '../lib/http-error.js';
import * as ref from '../domain/reference.js';
import { requireSignedIn } from '../middleware/auth.js';
import type { EarlyWarningService } from './early-warning.js';
import { sendFigureCsv } from './figure-csv.js';
import type { PictureService } from './picture-service.js';
import { dashboardPages, type DashboardService } from './service.js';
import { dashboardView } from './view-filters.js';

export function pictureRouter(
  picture: PictureService,
  dashboard: DashboardService,
  alerts: EarlyWarningService,
  minPerType: number,
): Router {
  const router = Router();
  router.use('/picture', requireSignedIn);
  const page = dashboardPages.find((p) => p.slug === 'picture')!;

  router.get('/picture', async (req, res) => {
    const view = await dashboardView(req, dashboard, minPerType);
    const built = await picture.build(view.filters, view.audience);
    res.render('dashboard/picture', {
      title: `Dashboard: ${page.title}`,
      page,
      pages: dashboardPages.filter((p) => !p.ccsuOnly || view.exact),
      ...view,
      ...built,
      ref,
      warnings: view.exact ? await alerts.waitingCount() : 0,
      scripts: ['chart.umd.min.js', 'charts.js'],
    });
  });

  router.get('/picture/:figure.csv', async (req, res) => {
    const view = await dashboardView(req, dashboard, minPerType);
    if (view.errors) throw new HttpError(400);
    const built = await picture.build(view.filters, view.audience);
    const figure = built.figures.find((f) => f.id === req.params.figure);
    if (!figure) throw new HttpError(404);
    await picture.recordDownload(view.user, figure.id, view.filters, view.exact);
    await sendFigureCsv(res, figure, view.filters);
  });

  return router;
}

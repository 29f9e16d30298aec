import { Router } from 'express';
import { requireCcsu } from '../middleware/auth.js';
import { addMonths, formatPeriod, isPeriod, periodOf } from '../domain/periods.js';
import type { OrganisationsService } from '../organisations/service.js';
import type { ReturnsService } from '../returns/service.js';
import type { SummaryService } from '../email/summary.js';
import { currentUser } from '../middleware/auth.js';
import { HttpError } from '../http-error.js';

/** The CCSU landing page: who has and has not returned for a month (the latest due month by default). */
export function ccsuRouter(
  returns: ReturnsService,
  organisations: OrganisationsService,
  summary: SummaryService,
): Router {
  const router = Router();
  router.use(requireCcsu);
  router.get('/', async (req, res) => {
    const latestDue = addMonths(periodOf(returns.today()), -1);
    const asked = String(req.query.period ?? '');
    const period = isPeriod(asked) && asked <= latestDue ? asked : latestDue;
    const rows = await returns.compliance(period, await organisations.list());
    const counts = rows.reduce<Record<string, number>>(
      (acc, r) => ({ ...acc, [r.status]: (acc[r.status] ?? 0) + 1 }),
      {},
    );
    res.render('ccsu/home', {
      title: `Returns for ${formatPeriod(period)}`,
      period,
      rows,
      counts,
      previous: addMonths(period, -1),
      next: period < latestDue ? addMonths(period, 1) : null,
    });
  });
  // The collated summary on demand, for the month on screen.
  router.post('/summary', async (req, res) => {
    const period = String((req.body as Record<string, string>).period ?? '');
    if (!isPeriod(period) || period > addMonths(periodOf(returns.today()), -1)) throw new HttpError(400);
    await summary.send(period, 'on_demand', { userId: currentUser(req).id, label: currentUser(req).email });
    req.session.flash = `The collated summary for ${formatPeriod(period)} is on its way to the CCSU distribution list`;
    res.redirect(`/ccsu?period=${period}`);
  });

  return router;
}

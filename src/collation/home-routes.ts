import { Router } from 'express';
import { validateNoFields } from '../middleware/validation.js';
import { actorOf } from '../audit/audit.js';
import { requireCcsu } from '../middleware/auth.js';
import { addMonths, formatPeriod, isPeriod } from '../domain/periods.js';
import { complianceLabels, isReceived, type ComplianceBucket } from '../domain/compliance.js';
import type { OrganisationsService } from '../organisations/service.js';
import type { CollationService } from './service.js';
import type { SummaryService } from './summary.js';
import { currentUser } from '../middleware/auth.js';
import { HttpError } from '../lib/http-error.js';

/** The CCSU landing page: who has and has not returned for a month (the latest due month by default). */
export function ccsuRouter(
  collation: CollationService,
  summary: SummaryService,
  organisations: OrganisationsService,
): Router {
  const router = Router();
  router.use(requireCcsu);
  router.get('/', async (req, res) => {
    const latestDue = collation.latestDuePeriod();
    const asked = String(req.query.period ?? '');
    const period = isPeriod(asked) && asked <= latestDue ? asked : latestDue;
    // The same month matrix, and so the same compliance rule, as the matrix page, dashboard and email.
    const matrix = await collation.matrix({ months: 1, to: period });
    const rows = matrix.rows
      .map(({ organisation, cells }) => ({ organisation, ...cells[0]! }))
      .filter((row) => row.bucket !== null);
    const counts = new Map<ComplianceBucket, number>();
    for (const row of rows) counts.set(row.bucket!, (counts.get(row.bucket!) ?? 0) + 1);
    res.render('ccsu/home', {
      title: `Returns for ${formatPeriod(period)}`,
      period,
      deadline: await collation.deadline(period),
      rows,
      counts: Object.entries(complianceLabels)
        .filter(([bucket]) => counts.has(bucket as ComplianceBucket))
        .map(([bucket, label]) => ({ bucket, label, n: counts.get(bucket as ComplianceBucket)! })),
      // Months before the first organisation's first return have nothing to show.
      previous:
        addMonths(period, -1) >= ((await organisations.earliestActiveFrom()) ?? period)
          ? addMonths(period, -1)
          : null,
      allReturned: rows.length > 0 && rows.every((r) => isReceived(r.bucket!)),
      next: period < latestDue ? addMonths(period, 1) : null,
    });
  });
  // The collated summary on demand, for the month on screen.
  router.post('/summary', validateNoFields(), async (req, res) => {
    const period = String((req.body as Record<string, string>).period ?? '');
    if (!isPeriod(period) || period > collation.latestDuePeriod()) throw new HttpError(400);
    // No summary for a month before any organisation made returns (March 2012, say): nothing to collate.
    const earliest = await organisations.earliestActiveFrom();
    if (!earliest || period < earliest)
      throw new HttpError(
        400,
        'summary before the first returns',
        'There is no summary for a month before any organisation made returns.',
      );
    await summary.send(period, 'on_demand', actorOf(currentUser(req)));
    req.session.flash = `The collated summary for ${formatPeriod(period)} is on its way to the CCSU distribution list`;
    res.redirect(`/ccsu?period=${period}`);
  });

  return router;
}

// The printable JSNA briefing: a chosen year, every figure through disclosure control whoever reads it.
import { Router } from 'express';
import { z } from 'zod';
import { requireSignedIn } from '../middleware/auth.js';
import type { Clock } from '../clock.js';
import { londonDateOf } from '../domain/periods.js';
import { contextDatasets } from '../context/datasets.js';
import type { BriefingService } from './service.js';

export function briefingRouter(briefing: BriefingService, clock: Clock): Router {
  const router = Router();
  router.use('/briefing', requireSignedIn);

  router.get('/briefing', async (req, res) => {
    const thisYear = Number(londonDateOf(clock.now()).slice(0, 4));
    const asked = z.coerce.number().int().min(2000).max(thisYear).safeParse(req.query.year);
    // The latest whole year by default: the briefing describes a year, not part of one.
    const year = asked.success ? asked.data : thisYear - 1;
    res.render('briefing/briefing', {
      title: `Drug- and alcohol-related deaths ${year}: briefing`,
      ...(await briefing.build(year)),
      years: Array.from({ length: 6 }, (_, i) => thisYear - i),
      datasets: contextDatasets,
      queryString: `from=${year}-01&to=${year}-12`,
      scripts: ['chart.umd.min.js', 'charts.js'],
      printedOn: londonDateOf(clock.now()),
    });
  });
  return router;
}

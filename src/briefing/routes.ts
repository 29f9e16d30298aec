// The printable JSNA briefing: a chosen year, every figure through disclosure control whoever reads it.
import { Router } from 'express';
import { z } from 'zod';
import { requireCcsu, requireSignedIn } from '../middleware/auth.js';
import type { Clock } from '../clock.js';
import { addMonths, londonDateOf } from '../domain/periods.js';
import { contextDatasets } from '../context/datasets.js';
import type { BriefingService } from './service.js';
import type { RagUpdateService } from './rag-update.js';
import { streamCsv, toAsync } from '../lib/exports.js';

const monthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

export function briefingRouter(briefing: BriefingService, rag: RagUpdateService, clock: Clock): Router {
  const router = Router();
  router.use('/briefing', requireSignedIn);

  /** The month asked for, if a real one not after the latest due; the latest due otherwise. */
  const monthOf = (query: unknown) => {
    const latest = rag.defaultPeriod();
    const asked = monthSchema.safeParse(query);
    return asked.success && asked.data <= latest && asked.data >= '2000-01' ? asked.data : latest;
  };

  // The drug-related deaths section of CCSU's monthly RAG update: to copy as HTML, or as CSV.
  router.get('/rag-update', requireCcsu, async (req, res) => {
    const period = monthOf(req.query.month);
    const latest = rag.defaultPeriod();
    res.render('briefing/rag-update', {
      title: 'Monthly update: drug-related deaths section',
      update: await rag.build(period),
      months: Array.from({ length: 12 }, (_, i) => addMonths(latest, -i)),
      backLink: '/dashboard',
    });
  });

  router.get('/rag-update.csv', requireCcsu, async (req, res) => {
    const update = await rag.build(monthOf(req.query.month));
    type Row = (string | number)[];
    const rows: Row[] = [
      ...update.rows.map((r) => [r.label, r.month, r.ytd, r.lastYtd]),
      ['Total', update.total.month, update.total.ytd, update.total.lastYtd],
    ];
    const headers = [
      'Community safety partnership area',
      update.month,
      `${update.monthsSoFar} ${update.year}`,
      `${update.monthsSoFar} ${update.lastYear}`,
    ];
    await streamCsv(
      res,
      `drug-related-deaths-${update.period}.csv`,
      headers.map((header, i) => ({ header, value: (row: Row) => row[i] ?? null })),
      toAsync(rows),
    );
  });

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

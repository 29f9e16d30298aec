// The feed's rates (issue #24 §1–2): for each area, the cases in the filters' period as the token's
// reader may see them, the population, the crude rate per 100,000 with its 95% interval (Byar), and
// the year's age-standardised rate with Dobson's interval, so Power BI shows what the area page shows.
// An `aggregates` token gets every number through disclosure control, and no rate where a count is
// suppressed.
import type { Router, Request, Response, NextFunction } from 'express';
import type { Column } from '../lib/exports.js';
import { present } from '../dashboard/figures.js';
import type { DashboardFilters } from '../dashboard/filters.js';
import type { DashboardService } from '../dashboard/service.js';
import type { AreasService } from '../areas/service.js';
import { standardisedForAudience } from '../areas/standardised-rates.js';
import { areaRows } from '../domain/reference.js';

type Row = Record<string, unknown>;

export const rateColumns = [
  'residence_area',
  'residence_area_gss',
  'cases',
  'population',
  'population_year',
  'rate',
  'rate_lower',
  'rate_upper',
  'rate_note',
  'standardised_year',
  'standardised_rate',
  'standardised_lower',
  'standardised_upper',
] as const;

export function addRatesFeed(
  router: Router,
  deps: {
    dashboard: DashboardService;
    areas: AreasService;
    formats: (req: Request, res: Response, next: NextFunction) => void;
    filtersOr400: (req: Request, res: Response) => Promise<DashboardFilters | null>;
    send: (
      req: Request,
      res: Response,
      name: string,
      columns: Column<Row>[],
      rows: AsyncIterable<Row>,
    ) => Promise<void>;
    column: (header: string) => Column<Row>;
  },
) {
  router.get('/aggregates/rates.:format', deps.formats, async (req, res) => {
    const filters = await deps.filtersOr400(req, res);
    if (!filters) return;
    const exact = req.apiToken!.scope === 'records';
    const audience = await deps.dashboard.audienceFor(exact);
    const year = Number(filters.to.slice(0, 4));
    const byArea = present(await deps.dashboard.figure('residence_area', filters), audience);
    const crude = await deps.areas.ratesBeside(byArea, year);
    const standardised = standardisedForAudience(
      await deps.areas.standardisedRates(year, filters.classification || undefined),
      exact,
      audience.disclosure,
    );
    async function* rows(): AsyncIterable<Row> {
      for (const [i, category] of byArea.categories.entries()) {
        const r = crude.rows[i]!;
        const s = standardised.areas.find((a) => a.code === category.code)?.year;
        const notes = {
          rate: '',
          not_calculated: 'fewer than 10 deaths',
          suppressed: 'count suppressed',
          no_population: 'no population',
        };
        yield {
          residence_area: category.code,
          residence_area_gss: areaRows.find(([code]) => code === category.code)?.[2] ?? null,
          cases: r.count,
          population: r.population ?? null,
          population_year: r.population ? crude.year : null,
          rate: r.interval.kind === 'rate' ? r.interval.rate : null,
          rate_lower: r.interval.kind === 'rate' ? r.interval.lower : null,
          rate_upper: r.interval.kind === 'rate' ? r.interval.upper : null,
          rate_note: notes[r.interval.kind],
          standardised_year: s ? year : null,
          standardised_rate: s?.kind === 'rate' ? s.rate : null,
          standardised_lower: s?.kind === 'rate' ? s.lower : null,
          standardised_upper: s?.kind === 'rate' ? s.upper : null,
        };
      }
    }
    await deps.send(req, res, 'rates', rateColumns.map(deps.column), rows());
  });
}

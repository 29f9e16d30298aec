// The partnership picture page: fetches the cases, the context datasets, populations and LDIS alerts for
// the dashboard's filters and lays them out (picture.ts), every figure through `present` — exact for CCSU,
// disclosure control for everyone else — and rates per 100,000 from the counts as shown.
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { User } from '../db/types.js';
import { actorOf, audit } from '../audit/audit.js';
import * as ref from '../domain/reference.js';
import {
  addMonths,
  formatPeriod,
  lastDayOf,
  londonDateOf,
  periodOf,
  type Period,
} from '../domain/periods.js';
import { standardisedForAudience } from '../areas/standardised-rates.js';
import { rateWithInterval, type RateInterval } from '../domain/rates.js';
import type { AreasService } from '../areas/service.js';
import type { ContextService } from '../context/service.js';
import type { ContextSum } from '../context/service.js';
import type { LdisService } from '../ldis/service.js';
import { countCases } from './repository.js';
import type { DashboardFilters } from './filters.js';
import { present, type Audience, type ShownFigure } from './figures.js';
import {
  layOutPicture,
  monthBuckets,
  onsColumns,
  pictureSummary,
  quarterBuckets,
  timeColumns,
  yearBuckets,
  type Bucket,
  type PictureFigureId,
  type PictureInput,
} from './picture.js';

/** The last month a context figure covers. */
const spanEnd = (sum: ContextSum): Period => addMonths(sum.period_start, sum.months - 1);

/** The bucket a context figure lies wholly inside. */
const placeIn = (buckets: Bucket[]) => (sum: ContextSum) => {
  const i = buckets.findIndex((b) => sum.period_start >= b.from && spanEnd(sum) <= b.to);
  return i < 0 ? undefined : i;
};

export interface AreaRates {
  year: number | null;
  source: string | null;
  columns: string[];
  rows: { label: string; population: number; rates: (RateInterval | 'no data')[] }[];
}

export class PictureService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly context: ContextService,
    private readonly areas: AreasService,
    private readonly ldis: LdisService,
  ) {}

  async build(filters: DashboardFilters, audience: Audience) {
    const { from, to, area } = filters;
    const fromYear = Number(from.slice(0, 4));
    const toYear = Number(to.slice(0, 4));
    const range = { from, to, ...(area ? { area } : {}) };
    const [ambulance, hospital, ons, byMonth, byYear, byArea, alerts, populations] = await Promise.all([
      this.context.totals('ambulance', range),
      this.context.totals('hospital', range),
      this.context.totals('ons', { ...range, from: `${fromYear}-01`, to: `${toYear}-12` }),
      countCases(this.db, filters, ['death_month']),
      countCases(this.db, { ...filters, from: `${fromYear}-01`, to: `${toYear}-12` }, ['death_month']),
      countCases(this.db, filters, ['residence_area']),
      this.ldis.issuedBetween(`${from}-01`, lastDayOf(to), area),
      this.areas.populationsFor(toYear),
    ]);
    const sums = new Map([
      ['ambulance', ambulance],
      ['hospital', hospital],
      ['ons', ons],
    ]);
    const scope =
      from === to ? `in ${formatPeriod(from)}` : `between ${formatPeriod(from)} and ${formatPeriod(to)}`;
    const casesIn = (buckets: Bucket[], rows: { a: string | null; cases: number }[]) =>
      buckets.map((b) => rows.reduce((n, r) => n + (r.a && r.a >= b.from && r.a <= b.to ? r.cases : 0), 0));

    const shown: Record<PictureFigureId, ShownFigure> = {} as Record<PictureFigureId, ShownFigure>;
    const show = (input: PictureInput) => {
      const laid = layOutPicture(input);
      const figure = present(laid.figure, audience);
      shown[input.id] = {
        ...figure,
        summary: pictureSummary(input.columns, laid, input.scope, input.unit, audience, figure.seriesTotals),
      };
    };

    // The current month (and quarter, and year) is not over: say so, so it is not read as a fall.
    const current = periodOf(londonDateOf(this.clock.now()));
    const markUnfinished = <B extends Bucket>(buckets: B[]): B[] =>
      buckets.map((b) =>
        b.to < current ? b : { ...b, label: `${b.label} (${b.from > current ? 'not yet' : 'so far'})` },
      );
    const months = markUnfinished(monthBuckets(from, to));
    show({
      id: 'picture_month',
      title: 'Deaths, call-outs and admissions by month',
      heading: 'Month',
      chart: 'line',
      columns: timeColumns,
      categories: months,
      cases: casesIn(months, byMonth),
      sums,
      place: placeIn(months),
      scope,
      unit: 'month',
      unfitted: 'each cover a quarter or a year, so they are in the table by quarter',
    });
    shown.picture_month.annotations = {
      heading: 'LDIS alerts issued',
      values: months.map((m) =>
        alerts
          .filter((a) => a.issued_on.slice(0, 7) === m.code)
          .map((a) => a.reference)
          .join(', '),
      ),
    };

    const quarters = markUnfinished(quarterBuckets(from, to));
    show({
      id: 'picture_quarter',
      title: 'Deaths, call-outs and admissions by quarter',
      heading: 'Quarter',
      chart: 'bar',
      columns: timeColumns,
      categories: quarters,
      cases: casesIn(quarters, byMonth),
      sums,
      place: placeIn(quarters),
      scope,
      unit: 'quarter',
      unfitted: 'cover more than the months chosen in a quarter; choose whole quarters to see them',
    });

    const areaList = ref.areas.map(([code, label]) => ({ code, label }));
    const inRange = (sum: ContextSum) => sum.period_start >= from && spanEnd(sum) <= to;
    show({
      id: 'picture_area',
      title: 'Deaths, call-outs and admissions by area',
      heading: 'Area of residence',
      chart: 'bar',
      columns: timeColumns,
      categories: areaList,
      cases: areaList.map((a) => byArea.find((r) => r.a === a.code)?.cases ?? 0),
      sums,
      place: (sum) => {
        const i = areaList.findIndex((a) => a.code === sum.area_code);
        return i >= 0 && inRange(sum) ? i : undefined;
      },
      scope,
      unit: 'area',
      unfitted: 'cover months outside the period chosen; choose whole quarters to see them',
    });

    const years = markUnfinished(yearBuckets(fromYear, toYear));
    show({
      id: 'picture_ons',
      title: 'Deaths reported by partners and deaths registered (ONS), by year',
      heading: 'Year',
      chart: 'bar',
      columns: onsColumns,
      categories: years,
      cases: casesIn(years, byYear),
      sums,
      place: placeIn(years),
      scope: `in the calendar years ${fromYear === toYear ? fromYear : `${fromYear} to ${toYear}`}`,
      unit: 'year',
      unfitted: 'do not fit the years chosen',
    });
    shown.picture_ons.notes = [
      'Whole calendar years, whatever months the filter picks. Partner cases count by the year of death; ONS counts deaths by the year they were registered, often months later after an inquest, and uses its own definitions.',
      ...(shown.picture_ons.notes ?? []),
    ];

    return {
      figures: [shown.picture_month, shown.picture_quarter, shown.picture_area, shown.picture_ons],
      rates: this.rates(shown.picture_area, populations),
      // The year the period ends in, age-standardised and compared with the county and England.
      standardised: standardisedForAudience(
        await this.areas.standardisedRates(toYear, filters.classification || undefined),
        audience.exact,
        audience.disclosure,
      ),
      alerts,
    };
  }

  /** A table downloaded from the picture, in the audit log like every export. */
  recordDownload(user: User, figure: string, filters: DashboardFilters, exact: boolean) {
    return audit(this.db, {
      actor: actorOf(user),
      organisationId: user.organisation_id,
      action: 'dashboard_figure_downloaded',
      entity: 'figure',
      entityId: figure,
      detail: { filters: { ...filters }, exact },
      at: this.clock.now(),
    });
  }

  /** Rates per 100,000 beside each area's counts as shown (so a partner's rate is of a rounded count). */
  private rates(
    figure: ShownFigure,
    populations: { year: number | null; source: string | null; byArea: Map<string, number> },
  ): AreaRates {
    return {
      year: populations.year,
      source: populations.source,
      columns: figure.series,
      rows: figure.categories.flatMap((category, c) => {
        const population = populations.byArea.get(category.code);
        if (!population) return [];
        return [
          {
            label: category.label,
            population,
            rates: figure.cells[c]!.map((count, s) =>
              figure.gaps?.[c]?.[s] ? ('no data' as const) : rateWithInterval(count, population),
            ),
          },
        ];
      }),
    };
  }
}

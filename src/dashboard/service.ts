// The partnership dashboard (product spec §7): figures of cases by month, area, classification,
// substance, age band and sex, place and evidence stage, and compliance over time.
import { longStream } from '../db/long-stream.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { User } from '../db/types.js';
import { actorOf, audit } from '../audit/audit.js';
import type { CollationService } from '../collation/service.js';
import { ageBands } from '../domain/groupings.js';
import { formatPeriod, londonDateOf, periodOf, periodsBetween, type Period } from '../domain/periods.js';
import * as ref from '../domain/reference.js';
import { getSettings } from '../settings/settings.js';
import {
  activeOrganisationsByType,
  caseAggregates,
  caseRows,
  countCases,
  type CountRow,
  type Dimension,
} from './repository.js';

/** The columns of a case-level row (the feed's and the exports'), in order. */
export { caseRowColumns } from './repository.js';
import type { DashboardFilters } from './filters.js';
import { present, type Audience, type Category, type Figure, type ShownFigure } from './figures.js';
import { isLate, isReceived } from '../domain/compliance.js';
import type { DashboardPage, FigureId } from './pages.js';

export { dashboardPages, type DashboardPage, type FigureId } from './pages.js';

const NOT_RECORDED: Category = { code: '', label: 'Not recorded' };

const categoriesOf = (list: readonly (readonly [string, string, ...unknown[]])[]): Category[] =>
  list.map(([code, label]) => ({ code, label }));

/** What each single-dimension figure shows. */
const simpleFigures: Record<
  Exclude<FigureId, 'age_sex' | 'compliance'>,
  {
    title: string;
    heading: string;
    chart: Figure['chart'];
    categories: (f: DashboardFilters) => Category[];
    additive?: false;
  }
> = {
  death_month: {
    title: 'Cases by month of death',
    heading: 'Month of death',
    chart: 'line',
    categories: (f) => monthCategories(f),
  },
  reported_month: {
    title: 'Cases by month first reported',
    heading: 'Month a partner first knew',
    chart: 'line',
    categories: (f) => monthCategories(f),
  },
  residence_area: {
    title: 'Cases by area of residence',
    heading: 'Area of residence',
    chart: 'bar',
    categories: () => categoriesOf(ref.areas),
  },
  death_classification: {
    title: 'Cases by classification',
    heading: 'Classification',
    chart: 'bar',
    categories: () => categoriesOf(ref.deathClassifications),
  },
  substance_group: {
    title: 'Cases by substance group',
    heading: 'Substance group',
    chart: 'bar',
    categories: () => categoriesOf(ref.substanceGroups),
    additive: false,
  },
  substance: {
    title: 'Cases by substance',
    heading: 'Substance',
    chart: 'bar',
    categories: () => categoriesOf(ref.substances),
    additive: false,
  },
  place_of_death_type: {
    title: 'Cases by place of death',
    heading: 'Place of death',
    chart: 'bar',
    categories: () => categoriesOf(ref.placeOfDeathTypes),
  },
  evidence_stage: {
    title: 'Cases by evidence stage',
    heading: 'Evidence stage',
    chart: 'bar',
    categories: () => categoriesOf(ref.evidenceStages),
  },
};

function monthCategories(filters: DashboardFilters): Category[] {
  // Oldest first, as a time series reads.
  return periodsBetween(filters.from, filters.to)
    .reverse()
    .map((p) => ({ code: p, label: formatPeriod(p) }));
}

export function scopeOf(filters: DashboardFilters, figure: FigureId): string {
  const what = figure === 'reported_month' ? 'first reported' : 'who died';
  const range =
    filters.from === filters.to
      ? `in ${formatPeriod(filters.from)}`
      : `between ${formatPeriod(filters.from)} and ${formatPeriod(filters.to)}`;
  return `${what} ${range}`;
}

/** Counts laid out over every category (zeros included), with anything unrecorded last. */
function layOut(
  rows: CountRow[],
  categories: Category[],
  series: string[] | null,
): { categories: Category[]; counts: number[][] } {
  const index = new Map(categories.map((c, i) => [c.code, i]));
  const seriesIndex = new Map((series ?? []).map((s, i) => [s, i]));
  const width = series ? series.length : 1;
  const counts = categories.map(() => new Array<number>(width).fill(0));
  const unrecorded = new Array<number>(width).fill(0);
  for (const row of rows) {
    const column = series ? (seriesIndex.get(row.b ?? '') ?? seriesIndex.get('')!) : 0;
    const target = index.has(row.a ?? '') ? counts[index.get(row.a ?? '')!]! : unrecorded;
    target[column] = (target[column] ?? 0) + row.cases;
  }
  return unrecorded.some((n) => n > 0)
    ? { categories: [...categories, NOT_RECORDED], counts: [...counts, unrecorded] }
    : { categories, counts };
}

export class DashboardService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly collation: CollationService,
  ) {}

  /** The feed's rows, streamed: counts by month, area, classification and substance group. */
  caseAggregatesStream(filters: DashboardFilters) {
    return longStream(this.db, (db) => caseAggregates(db, filters), 1000);
  }

  /** The feed's one row per case (records scope only). */
  caseRowsStream(filters: DashboardFilters) {
    return longStream(this.db, (db) => caseRows(db, filters), 1000);
  }

  async disclosure() {
    return (await getSettings(this.db)).disclosure;
  }

  currentPeriod(): Period {
    return periodOf(londonDateOf(this.clock.now()));
  }

  /**
   * The kinds of organisation a partner may filter the dashboard by: only those with at least `min`
   * active organisations, so a filter never shows one organisation's own reporting.
   */
  async typesForPartners(min: number): Promise<string[]> {
    const period = this.currentPeriod();
    const rows = await activeOrganisationsByType(this.db, period);
    return rows.filter((r) => Number(r.n) >= min).map((r) => r.type);
  }

  async audienceFor(exact: boolean): Promise<Audience> {
    return { exact, disclosure: (await getSettings(this.db)).disclosure };
  }

  /** The exact counts of one figure. */
  async figure(id: FigureId, filters: DashboardFilters): Promise<Figure> {
    if (id === 'compliance') return this.complianceFigure(filters);
    if (id === 'age_sex') {
      const sexes = ref.sexes.map(([, label]) => label);
      const rows = await countCases(this.db, filters, ['age_band', 'sex']);
      const sexLabel = new Map<string, string>(ref.sexes);
      const laid = layOut(
        rows.map((r) => ({ ...r, b: sexLabel.get(r.b ?? '') ?? 'Not recorded' })),
        ageBands.map((band) => ({ code: band, label: band })),
        [...sexes, 'Not recorded'],
      );
      return {
        id,
        title: 'Cases by age band and sex',
        categoryHeading: 'Age band',
        chart: 'stacked',
        series: [...sexes, 'Not recorded'],
        additive: true,
        scope: scopeOf(filters, id),
        ...laid,
      };
    }
    const spec = simpleFigures[id];
    const rows = await countCases(this.db, filters, [id as Dimension]);
    return {
      id,
      title: spec.title,
      categoryHeading: spec.heading,
      chart: spec.chart,
      series: ['Cases'],
      additive: spec.additive ?? true,
      scope: scopeOf(filters, id),
      ...layOut(rows, spec.categories(filters), null),
    };
  }

  /** One figure as this user sees it, recorded in the audit log as an export. */
  async shownFigure(
    id: FigureId,
    filters: DashboardFilters,
    exact: boolean,
    user: User,
  ): Promise<ShownFigure> {
    const figure = present(await this.figure(id, filters), await this.audienceFor(exact));
    await audit(this.db, {
      actor: actorOf(user),
      organisationId: user.organisation_id,
      action: 'dashboard_figure_downloaded',
      entity: 'figure',
      entityId: id,
      detail: { filters: { ...filters }, exact },
      at: this.clock.now(),
    });
    return figure;
  }

  async page(page: DashboardPage, filters: DashboardFilters, audience: Audience): Promise<ShownFigure[]> {
    const figures = await Promise.all(page.figures.map((id) => this.figure(id, filters)));
    return figures.map((figure) => present(figure, audience));
  }

  /**
   * The compliance matrix for the filters' months up to the latest month whose returns are due (a month
   * still open has no compliance yet), for the filters' organisation type. The figure and the feed both
   * read it.
   */
  complianceMatrix(filters: DashboardFilters) {
    const latestDue = this.collation.latestDuePeriod();
    const to = filters.to < latestDue ? filters.to : latestDue;
    const from = filters.from <= to ? filters.from : to;
    return this.collation.matrix({
      months: periodsBetween(from, to).length,
      to,
      ...(filters.organisationType ? { type: filters.organisationType } : {}),
    });
  }

  /** Returns per month by outcome: on time, late, not made. About organisations, shown to CCSU only. */
  private async complianceFigure(filters: DashboardFilters): Promise<Figure> {
    const { periods, rows } = await this.complianceMatrix(filters);
    const from = periods.at(-1)!;
    const to = periods[0]!;
    const series = ['On time', 'Late', 'Not made'];
    const counts = periods.map((_, i) => {
      const tally = [0, 0, 0];
      for (const row of rows) {
        const bucket = row.cells[i]!.bucket;
        if (bucket === null) continue;
        if (!isReceived(bucket)) tally[2]! += 1;
        else if (isLate(bucket)) tally[1]! += 1;
        else tally[0]! += 1;
      }
      return tally;
    });
    return {
      id: 'compliance',
      title: 'Returns by month and timeliness',
      categoryHeading: 'Month',
      chart: 'stacked',
      // The matrix lists months newest first; a time series reads oldest first.
      categories: periods.map((p) => ({ code: p, label: formatPeriod(p) })).reverse(),
      unit: 'return',
      colours: ['#00703c', '#f47738', '#d4351c'],
      series,
      counts: counts.reverse(),
      additive: true,
      scope: `due for months between ${formatPeriod(from)} and ${formatPeriod(to)}`,
    };
  }
}

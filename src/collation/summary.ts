// The CCSU collated summary email (product spec §4): compliance, new and rolling-12-month cases, and
// changes since the previous summary. Aggregates only, every count through the disclosure-control
// function; no record-level data ever goes by email.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { audit, type Actor } from '../audit/audit.js';
import { suppressCount, suppressTable, type DisclosureSettings, type Shown } from '../domain/disclosure.js';
import { ageBands } from '../domain/groupings.js';
import {
  addMonths,
  addWorkingDays,
  deadlineOf,
  formatDate,
  formatPeriod,
  londonDateOf,
  periodOf,
  type Period,
} from '../domain/periods.js';
import * as ref from '../domain/reference.js';
import { getSettings } from '../settings/settings.js';
import { enqueue } from '../mail/outbox.js';
import { ccsuDistributionList } from '../mail/recipients.js';
import { renderEmail } from '../mail/templates.js';
import { RESPONSE_WORKING_DAYS, type ScorecardService } from './scorecard.js';
import * as repo from './summary-repository.js';
import type { CollationService } from './service.js';

/** Exact figures, kept in the summaries table (inside CCSU) so the next summary can say what changed. */
export interface SummaryFigures {
  period: Period;
  compliance: Record<'on_time' | 'late' | 'nil' | 'nil_late' | 'outstanding', number>;
  overdueOrganisations: string[];
  newCases: number;
  rollingCases: number;
  byArea: Record<string, number>;
  byClassification: Record<string, number>;
  bySubstanceGroup: Record<string, number>;
  byAgeSex: Record<string, Record<string, number>>;
  reviewQueue: number;
}

interface Case {
  reportedPeriod: Period;
  area: string;
  classification: string;
  substanceGroups: string[];
  ageBand: string;
  sex: string;
}

/**
 * The summary's line on how complete partners' reporting was against the Coroners Audit. It is passed in
 * (services.ts hands over CoronersService.quarterLine) so collation, below coroners, never imports it.
 */
export type CompletenessLine = (period: Period, disclosure: DisclosureSettings) => Promise<string | null>;

export class SummaryService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly scorecard: ScorecardService,
    private readonly collation: CollationService,
    private readonly completenessLine: CompletenessLine,
  ) {}

  /** The date a period's scheduled summary goes: the working day after its deadline. */
  summaryDate(period: Period, deadlineWorkingDays: number) {
    return addWorkingDays(deadlineOf(period, deadlineWorkingDays), 1);
  }

  /** Sends the latest scheduled summary that is due and not yet sent (catching up sends only one). */
  async runScheduled(): Promise<Period | null> {
    const today = londonDateOf(this.clock.now());
    const settings = await getSettings(this.db);
    for (let back = 1; back <= 3; back += 1) {
      const period = addMonths(periodOf(today), -back);
      if (this.summaryDate(period, settings.deadlineWorkingDays) > today) continue;
      const sent = await repo.scheduledSummaryOf(this.db, period);
      if (sent) return null;
      return (await this.send(period, 'scheduled', { userId: null, label: 'scheduler' })) ? period : null;
    }
    return null;
  }

  /** Builds and queues the summary for a period; false when another instance already sent it. */
  async send(period: Period, kind: 'scheduled' | 'on_demand', actor: Actor): Promise<boolean> {
    const settings = await getSettings(this.db);
    const figures = await this.figures(period);
    const previous = await repo.latestSummary(this.db);
    const to = await ccsuDistributionList(this.db);
    const now = this.clock.now();
    const content = await renderEmail('summary', {
      ...present(
        figures,
        previous ? (previous.figures as unknown as SummaryFigures) : null,
        settings.disclosure,
      ),
      month: formatPeriod(period),
      deadline: formatDate(deadlineOf(period, settings.deadlineWorkingDays)),
      previousAt: previous ? formatDate(londonDateOf(previous.sent_at)) : null,
      dashboardLink: `${this.config.publicUrl}/ccsu?period=${period}`,
      // About organisations, not deaths: exact, as on the CCSU dashboard.
      reminderEffects: await this.scorecard.reminderEffects(),
      scorecard: (await this.scorecard.scorecard(period)).filter((r) => r.late + r.missing > 0),
      responseDays: RESPONSE_WORKING_DAYS,
      completeness: await this.completenessLine(period, settings.disclosure),
    });
    return this.db.transaction().execute(async (trx) => {
      const row = await repo.claimSummary(trx, {
        period,
        kind,
        sent_at: now,
        requested_by: actor.label,
        figures: JSON.stringify(figures),
      });
      if (!row) return false;
      if (to.length > 0)
        await enqueue(
          trx,
          {
            idempotencyKey: `summary:${row.id}`,
            to,
            subject: `Drug-related deaths: collated summary for ${formatPeriod(period)}`,
            ...content,
          },
          now,
        );
      await audit(trx, {
        actor,
        organisationId: null,
        action: 'summary_sent',
        entity: 'summary',
        entityId: row.id,
        detail: { period, kind, recipients: to.length },
        at: now,
      });
      return true;
    });
  }

  async figures(period: Period): Promise<SummaryFigures> {
    // The one compliance rule, from the same month matrix as the CCSU pages, dashboard and feed.
    const { rows } = await this.collation.matrix({ months: 1, to: period });
    const compliance = { on_time: 0, late: 0, nil: 0, nil_late: 0, outstanding: 0 };
    const overdueOrganisations: string[] = [];
    for (const { organisation, cells } of rows) {
      const bucket = cells[0]!.bucket;
      if (bucket === null) continue;
      if (bucket === 'overdue' || bucket === 'not_yet_due') {
        compliance.outstanding += 1;
        if (bucket === 'overdue') overdueOrganisations.push(organisation.name);
      } else compliance[bucket] += 1;
    }

    const cases = await this.cases(addMonths(period, -11), period);
    const rolling = cases;
    const newCases = cases.filter((c) => c.reportedPeriod === period);
    const count = (items: Case[], key: (c: Case) => string[]) =>
      items.reduce<Record<string, number>>((acc, c) => {
        for (const k of key(c)) acc[k] = (acc[k] ?? 0) + 1;
        return acc;
      }, {});
    const byAgeSex: Record<string, Record<string, number>> = {};
    for (const c of rolling) {
      const band = (byAgeSex[c.ageBand] ??= {});
      band[c.sex] = (band[c.sex] ?? 0) + 1;
    }
    return {
      period,
      compliance,
      overdueOrganisations,
      newCases: newCases.length,
      rollingCases: rolling.length,
      byArea: count(rolling, (c) => [c.area]),
      byClassification: count(rolling, (c) => [c.classification]),
      bySubstanceGroup: count(rolling, (c) => c.substanceGroups),
      byAgeSex,
      reviewQueue: await this.reviewQueueSize(),
    };
  }

  /** Near-match pairs still waiting for an analyst (a count of pairs, not of people). */
  private async reviewQueueSize(): Promise<number> {
    return repo.pendingPairCount(this.db);
  }

  /**
   * Cases (not records) first reported from `from` to `to`, each described by its best-evidenced record:
   * the dashboard's one-row-per-case summary, so the email and the dashboard cannot disagree.
   */
  private async cases(from: Period, to: Period): Promise<Case[]> {
    const rows = await repo.caseFactsReportedBetween(this.db, from, to);
    return rows.map((row) => ({
      reportedPeriod: row.reported_month!,
      area: row.residence_area ?? 'unknown',
      classification: row.death_classification ?? 'undetermined',
      substanceGroups: row.substance_groups,
      ageBand: row.age_band,
      sex: row.sex ?? 'not_known',
    }));
  }
}

interface Row {
  label: string;
  value: Shown;
}

/** Everything the email shows, already disclosure-controlled. */
export function present(
  figures: SummaryFigures,
  previous: SummaryFigures | null,
  disclosure: DisclosureSettings,
) {
  const oneWay = (
    list: readonly (readonly [string, string, ...unknown[]])[],
    counts: Record<string, number>,
  ): { rows: Row[]; total: Shown } => {
    const table = suppressTable(
      list.map(([code]) => [counts[code] ?? 0]),
      disclosure,
    );
    return {
      rows: list.map(([, label], i) => ({ label, value: table.rows[i]![0]! })),
      total: table.columnTotals[0] ?? 0,
    };
  };
  const sexes = ref.sexes;
  const ageSex = suppressTable(
    ageBands.map((band) => sexes.map(([sex]) => figures.byAgeSex[band]?.[sex] ?? 0)),
    disclosure,
  );
  const change = (now: number, before: number | undefined) => {
    if (before === undefined) return null;
    const diff = now - before;
    const shown = suppressCount(Math.abs(diff), disclosure);
    return diff === 0 ? 'no change' : `${diff > 0 ? 'up' : 'down'} ${shown}`;
  };
  return {
    compliance: figures.compliance, // counts of organisations, not of people: not personal data
    overdueOrganisations: figures.overdueOrganisations,
    reviewQueue: figures.reviewQueue ?? 0,
    newCases: suppressCount(figures.newCases, disclosure),
    rollingCases: suppressCount(figures.rollingCases, disclosure),
    byArea: oneWay(ref.areas, figures.byArea),
    byClassification: oneWay(ref.deathClassifications, figures.byClassification),
    bySubstanceGroup: oneWay(ref.substanceGroups, figures.bySubstanceGroup),
    ageSex: { bands: ageBands, sexes: sexes.map(([, label]) => label), ...ageSex },
    changes: previous
      ? {
          rollingCases: change(figures.rollingCases, previous.rollingCases),
          returnsIn: change(
            figures.compliance.on_time +
              figures.compliance.late +
              figures.compliance.nil +
              figures.compliance.nil_late,
            previous.period === figures.period
              ? previous.compliance.on_time +
                  previous.compliance.late +
                  previous.compliance.nil +
                  previous.compliance.nil_late
              : undefined,
          ),
        }
      : null,
    threshold: disclosure.threshold,
    base: disclosure.base,
  };
}

// Early warning (product spec §6, issue #24 §3): more deaths sharing a substance of concern, or in one
// district, than that concern's own history predicts. Run by the job runner; CCSU gets one email per
// alert (an exceedance that grows stays the same alert) and the dashboard shows it until acknowledged.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, DbOrTrx } from '../db/database.js';
import type { AlertMeasure, User } from '../db/types.js';
import { actorOf, audit } from '../audit/audit.js';
import { concernsLabel, deathsPhrase, expectedInWords, groupOverlapping } from '../domain/early-warning.js';
import { joinSharingDeaths, mergeMeasures, type Found } from './alert-measures.js';
import {
  alphaOf,
  BASELINE_DAYS,
  dateOfDay,
  dayNumber,
  findExceedances,
  type DayCase,
  type Exceedance,
} from '../domain/exceedance.js';
import { formatDate, londonDateOf } from '../domain/periods.js';
import { districts, substances } from '../domain/reference.js';
import { enqueue } from '../mail/outbox.js';
import { ccsuDistributionList } from '../mail/recipients.js';
import { renderEmail } from '../mail/templates.js';
import { getSettings } from '../settings/settings.js';
import { ldisAlertsAbout } from '../ldis/service.js';
import * as repo from './early-warning-repository.js';

/** Windows ending this far back are still watched: deaths reach the app weeks after they happen. */
const LOOK_BACK_DAYS = 90;

/** Substances that say nothing about what was taken cannot make a cluster. */
const unspecific = new Set<string>(
  substances.filter(([code, , group]) => group === 'unknown' || code === 'other').map(([c]) => c),
);
const districtCodes = new Set(districts.map(([code]) => code));

export interface AlertView {
  id: number;
  concerns: string;
  concernKeys: string[];
  firstDeath: string;
  lastDeath: string;
  cases: number;
  caseIds: number[];
  /** Per concern: deaths in the busiest window, what history predicted there, and the threshold. */
  measures: (AlertMeasure & { label: string })[];
  createdAt: Date;
}

export class EarlyWarningService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  /**
   * Compares each concern's deaths in every window of the last 90 days with its own two-year baseline
   * (domain/exceedance.ts); returns how many new alerts were raised (and emailed).
   */
  async detect(): Promise<number> {
    const settings = (await getSettings(this.db)).earlyWarning;
    const today = dayNumber(londonDateOf(this.clock.now()));
    const fromDay = today - LOOK_BACK_DAYS;
    const since = dateOfDay(fromDay - 2 * settings.windowDays - BASELINE_DAYS);
    const [facts, first] = await Promise.all([
      repo.caseFactsBetween(this.db, since, dateOfDay(today)),
      repo.firstDeathDate(this.db),
    ]);
    const byConcern = new Map<string, DayCase[]>();
    const add = (key: string, caseId: number, day: number) => {
      const list = byConcern.get(key);
      if (list) list.push({ caseId, day });
      else byConcern.set(key, [{ caseId, day }]);
    };
    const wanted = new Set(settings.concerns);
    for (const [i, f] of facts.entries()) {
      // A turn for other requests every few thousand deaths: 20,000 recent deaths held the loop 100 ms.
      if (i % 2_000 === 1_999) await new Promise((resolve) => setImmediate(resolve));
      const day = dayNumber(f.date_of_death!);
      const keys = new Set<string>();
      for (const group of f.substance_groups) if (wanted.has(`group:${group}`)) keys.add(`group:${group}`);
      for (const substance of f.substances) {
        if (unspecific.has(substance)) continue;
        if (wanted.has('any_substance') || wanted.has(`substance:${substance}`))
          keys.add(`substance:${substance}`);
      }
      if (wanted.has('each_area') && f.residence_area && districtCodes.has(f.residence_area))
        keys.add(`area:${f.residence_area}`);
      for (const key of keys) add(key, f.case_id, day);
    }
    const rule = {
      windowDays: settings.windowDays,
      minCases: settings.minCases,
      alpha: alphaOf(settings.sensitivity),
      historyStart: first ? dayNumber(first) : today,
    };
    const exceedances: (Exceedance & { concern: string })[] = [];
    for (const [concern, cases] of byConcern) {
      // One concern at a time, giving other requests their turn between them.
      await new Promise((resolve) => setImmediate(resolve));
      for (const e of findExceedances(cases, fromDay, today, rule)) exceedances.push({ ...e, concern });
    }
    let raised = 0;
    for (const found of joinSharingDeaths(exceedances, settings.windowDays))
      if (await this.record(found)) raised += 1;
    return raised;
  }

  /** Extends the alert this exceedance grew from, or raises a new one with its email. */
  private async record(found: Found): Promise<boolean> {
    const now = this.clock.now();
    const first = dateOfDay(found.firstDay);
    const last = dateOfDay(found.lastDay);
    return this.db.transaction().execute(async (trx) => {
      await repo.lockEarlyWarnings(trx);
      const existing = await repo.alertSharing(trx, found.concerns, found.caseIds);
      if (existing) {
        const caseIds = [...new Set([...existing.case_ids, ...found.caseIds])];
        const concerns = [...new Set([...existing.concern.split(','), ...found.concerns])];
        const measures = mergeMeasures(existing.measures, found.measures);
        if (
          caseIds.length === existing.case_ids.length &&
          concerns.length === existing.concern.split(',').length &&
          JSON.stringify(measures) === JSON.stringify(existing.measures)
        )
          return false;
        await repo.updateAlert(trx, existing.id, {
          case_ids: caseIds,
          concern: concerns.join(','),
          first_death: first < existing.first_death ? first : existing.first_death,
          last_death: last > existing.last_death ? last : existing.last_death,
          measures: JSON.stringify(measures),
          updated_at: now,
        });
        return false;
      }
      const alert = await repo.insertAlert(trx, {
        concern: found.concerns.join(','),
        first_death: first,
        last_death: last,
        case_ids: found.caseIds,
        measures: JSON.stringify(found.measures),
        created_at: now,
        updated_at: now,
      });
      await this.email(trx, alert.id, found, now);
      await audit(trx, {
        actor: { userId: null, label: 'system' },
        organisationId: null,
        action: 'early_warning_raised',
        entity: 'alert',
        entityId: alert.id,
        detail: { concerns: found.concerns, first, last, measures: found.measures },
        at: now,
      });
      return true;
    });
  }

  private async email(trx: DbOrTrx, id: number, found: Found, now: Date) {
    const ldis = await ldisAlertsAbout(trx, londonDateOf(now), found.concerns);
    // The email says the threshold was reached and what was expected, not how many deaths there were: it
    // leaves the app, so it carries no count that disclosure control would hide.
    // The measure of the concern furthest above its threshold speaks for the alert.
    const lead = [...found.measures].sort(
      (a, b) => b.observed - b.threshold - (a.observed - a.threshold) || b.threshold - a.threshold,
    )[0]!;
    const content = await renderEmail('early-warning', {
      what: deathsPhrase(found.concerns),
      threshold: lead.threshold,
      expected: expectedInWords(lead.expected),
      baseline: lead.baseline,
      windowDays: lead.windowDays,
      first: formatDate(dateOfDay(found.firstDay)),
      last: formatDate(dateOfDay(found.lastDay)),
      link: `${this.config.publicUrl}/dashboard/alerts`,
      ldis: ldis.map((l) => ({ reference: l.reference, title: l.title, issued: formatDate(l.issued_on) })),
    });
    const to = await ccsuDistributionList(trx);
    if (to.length === 0) return; // nobody to tell yet: the dashboard banner still shows it
    await enqueue(
      trx,
      {
        idempotencyKey: `early-warning:${id}`,
        to,
        subject: `Early warning: more ${deathsPhrase(found.concerns)} than expected`,
        ...content,
      },
      now,
    );
  }

  /** The early-warning settings, for the page that explains the method. */
  async settings() {
    return (await getSettings(this.db)).earlyWarning;
  }

  /** How many warnings (overlapping alerts counted once) wait for CCSU: the dashboard pages' banner. */
  async waitingCount(): Promise<number> {
    return groupOverlapping(await this.unacknowledged()).length;
  }

  async unacknowledged(): Promise<AlertView[]> {
    const rows = await repo.unacknowledgedAlerts(this.db);
    return rows.map((a) => ({
      id: a.id,
      concerns: concernsLabel(a.concern.split(',')),
      concernKeys: a.concern.split(','),
      firstDeath: a.first_death,
      lastDeath: a.last_death,
      cases: a.case_ids.length,
      caseIds: a.case_ids,
      measures: a.measures.map((m) => ({ ...m, label: concernsLabel([m.concern]) })),
      createdAt: a.created_at,
    }));
  }

  async acknowledge(id: number, user: User): Promise<boolean> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.acknowledgeAlert(trx, id, user.id, now))) return false;
      await audit(trx, {
        actor: actorOf(user),
        organisationId: null,
        action: 'early_warning_acknowledged',
        entity: 'alert',
        entityId: id,
        at: now,
      });
      return true;
    });
  }
}

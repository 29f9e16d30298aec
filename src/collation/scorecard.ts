// Reminder effectiveness and the organisation scorecard (product spec §6): did partners submit within
// two working days of a reminder, and how each organisation's returns went over the last 12 months.
// About organisations, not deaths: CCSU only, and in the CCSU summary email.
import { wilsonInterval } from '../domain/proportions.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { Organisation } from '../db/types.js';
import type { CollationService } from './service.js';
import {
  addMonths,
  addWorkingDays,
  londonDateOf,
  median,
  workingDaysBetween,
  type Period,
} from '../domain/periods.js';
import { reminderKinds, reminderLabels, type ReminderKind } from '../domain/reminders.js';
import * as repo from './summary-repository.js';
import { isLate, isReceived } from '../domain/compliance.js';

/** A reminder "worked" when the return came in within this many working days of it. */
export const RESPONSE_WORKING_DAYS = 2;

export interface ReminderEffect {
  kind: ReminderKind;
  label: string;
  sent: number;
  submittedWithin: number;
  /** Percentage, or null when none were sent. */
  share: number | null;
}

export interface ScorecardRow {
  organisation: Pick<Organisation, 'id' | 'name' | 'type'>;
  due: number;
  onTime: number;
  late: number;
  missing: number;
  /** Working days from deadline to first submission (negative: early), median; null with none. */
  medianDays: number | null;
}

export class ScorecardService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly collation: CollationService,
  ) {}

  latestDuePeriod(): Period {
    return this.collation.latestDuePeriod();
  }

  /** Reminders queued in the 12 months to now, by kind, and how many were followed by a return. */
  async reminderEffects(): Promise<ReminderEffect[]> {
    const now = this.clock.now();
    const since = new Date(now.getTime() - 365 * 86_400_000);
    const rows = await repo.remindersWithFirstSubmission(this.db, since);
    return reminderKinds.map((kind) => {
      const mine = rows.filter((r) => r.kind === kind);
      const within = mine.filter((r) => {
        if (!r.first_submitted_at || r.first_submitted_at < r.queued_at) return false;
        const limit = addWorkingDays(londonDateOf(r.queued_at), RESPONSE_WORKING_DAYS);
        return londonDateOf(r.first_submitted_at) <= limit;
      }).length;
      return {
        kind,
        label: reminderLabels[kind],
        sent: mine.length,
        submittedWithin: within,
        share: mine.length ? Math.round((within * 100) / mine.length) : null,
        /** Wilson's 95% interval of the share, in whole per cent. */
        interval: wilsonInterval(within, mine.length),
      };
    });
  }

  /** Each organisation's returns due in the 12 months to the latest due month. */
  async scorecard(to: Period = this.collation.latestDuePeriod()): Promise<ScorecardRow[]> {
    const { periods, rows } = await this.collation.matrix({ months: 12, to });
    const firsts = await repo.firstSubmissions(this.db, addMonths(to, -11), to);
    const firstOf = new Map(firsts.map((r) => [`${r.organisation_id}:${r.period}`, r.first_submitted_at!]));
    return rows.map(({ organisation, cells }) => {
      const row: ScorecardRow = {
        organisation: { id: organisation.id, name: organisation.name, type: organisation.type },
        due: 0,
        onTime: 0,
        late: 0,
        missing: 0,
        medianDays: null,
      };
      const days: number[] = [];
      cells.forEach((cell, i) => {
        // On time, late or missing by the one compliance rule; the days are the measure beside it.
        if (cell.bucket === null || cell.bucket === 'not_yet_due') return;
        row.due += 1;
        if (!isReceived(cell.bucket)) row.missing += 1;
        else if (isLate(cell.bucket)) row.late += 1;
        else row.onTime += 1;
        const first = firstOf.get(`${organisation.id}:${periods[i]}`);
        if (first) days.push(workingDaysBetween(cell.deadline, londonDateOf(first)));
      });
      row.medianDays = median(days);
      return row;
    });
  }
}

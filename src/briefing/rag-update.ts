// The drug-related deaths section of CCSU's monthly RAG update (issue #24 §5), ready to paste: one
// paragraph (the month's cases, the year to date against the same months last year, how many partners
// made their return, open early warnings) and a table by community safety partnership area. It is
// published, so every count goes through disclosure control, each column with its total as one table
// (secondary suppression), and the paragraph says only what the table shows.
import type { Db } from '../db/database.js';
import { suppressTable, type Shown } from '../domain/disclosure.js';
import { addMonths, formatPeriod, type Period } from '../domain/periods.js';
import { areas } from '../domain/reference.js';
import type { CollationService } from '../collation/service.js';
import type { EarlyWarningService } from '../dashboard/early-warning.js';
import type { DashboardService } from '../dashboard/service.js';
import { casesByAreaAndReportedMonth } from './repository.js';

export interface RagUpdate {
  period: Period;
  month: string;
  year: number;
  lastYear: number;
  /** "January to March". */
  monthsSoFar: string;
  paragraph: string;
  rows: { code: string; label: string; month: Shown; ytd: Shown; lastYtd: Shown }[];
  total: { month: Shown; ytd: Shown; lastYtd: Shown };
}

export class RagUpdateService {
  constructor(
    private readonly db: Db,
    private readonly collation: CollationService,
    private readonly dashboard: DashboardService,
    private readonly alerts: EarlyWarningService,
  ) {}

  /** The month the update is about by default: the latest whose returns are due. */
  defaultPeriod(): Period {
    return this.collation.latestDuePeriod();
  }

  async build(period: Period): Promise<RagUpdate> {
    const year = Number(period.slice(0, 4));
    const lastYear = year - 1;
    const lastPeriod = addMonths(period, -12);
    const [counts, disclosure, matrix, warnings] = await Promise.all([
      casesByAreaAndReportedMonth(this.db, `${lastYear}-01`, period),
      this.dashboard.disclosure(),
      this.collation.matrix({ months: 1, to: period }),
      this.alerts.waitingCount(),
    ]);
    // Every area the returns code by, in their order; "not known" only when a case has it.
    const listed = areas.filter(([code]) => code !== 'unknown' || counts.some((c) => c.area === 'unknown'));
    const sum = (area: string, from: string, to: string) =>
      counts
        .filter((c) => c.area === area && c.month >= from && c.month <= to)
        .reduce((a, c) => a + c.cases, 0);
    const column = (from: string, to: string) =>
      suppressTable(
        listed.map(([code]) => [sum(code, from, to)]),
        disclosure,
      );
    const month = column(period, period);
    const ytd = column(`${year}-01`, period);
    const lastYtd = column(`${lastYear}-01`, lastPeriod);
    let made = 0;
    let expected = 0;
    for (const { cells } of matrix.rows) {
      const bucket = cells[0]!.bucket;
      if (bucket === null) continue;
      expected += 1;
      if (bucket !== 'overdue' && bucket !== 'not_yet_due') made += 1;
    }
    const monthName = formatPeriod(period).split(' ')[0]!;
    const monthsSoFar = period.endsWith('-01') ? 'January' : `January to ${monthName}`;
    const deaths = (n: Shown) =>
      n === '*'
        ? 'a small number of deaths (fewer than ' + (disclosure.threshold + 1) + ')'
        : `${n} death${n === 1 ? '' : 's'}`;
    const compare = (now: Shown, before: Shown) =>
      now === '*' || before === '*' || now === before
        ? `compared with ${deaths(before)}`
        : `${now > before ? 'up from' : 'down from'} ${deaths(before)}`;
    const paragraph = [
      `In ${formatPeriod(period)}, partners reported ${deaths(month.columnTotals[0]!)} related to drugs or alcohol to the partnership.`,
      `In ${monthsSoFar} ${year} there were ${deaths(ytd.columnTotals[0]!)}, ${compare(ytd.columnTotals[0]!, lastYtd.columnTotals[0]!)} in the same months of ${lastYear}.`,
      `${made} of ${expected} partner organisations made their ${monthName} return${expected ? ` (${Math.round((made / expected) * 100)}%)` : ''}.`,
      warnings === 0
        ? 'There are no open early warnings.'
        : `There ${warnings === 1 ? 'is 1 open early warning' : `are ${warnings} open early warnings`} of more deaths than expected.`,
      'Figures are provisional: deaths are counted when a partner reports them, and counts are rounded or shown as * to protect the people who died.',
    ].join(' ');
    return {
      period,
      month: formatPeriod(period),
      year,
      lastYear,
      monthsSoFar,
      paragraph,
      rows: listed.map(([code, label], i) => ({
        code,
        label: code === 'unknown' ? 'Not known' : label,
        month: month.rows[i]![0]!,
        ytd: ytd.rows[i]![0]!,
        lastYtd: lastYtd.rows[i]![0]!,
      })),
      total: { month: month.columnTotals[0]!, ytd: ytd.columnTotals[0]!, lastYtd: lastYtd.columnTotals[0]! },
    };
  }
}

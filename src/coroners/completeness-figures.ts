// Completeness from the Coroners Audit: every year's figures, and the summary email's line for a
// quarter (through disclosure control, as everything in an email is). Read by CoronersService.
import type { DbOrTrx } from '../db/database.js';
import { suppressCount, type DisclosureSettings } from '../domain/disclosure.js';
import { addMonths, formatPeriod, lastDayOf, median, type Period } from '../domain/periods.js';
import { wilsonInterval } from '../domain/proportions.js';
import { completenessByYear, daysBeforeInquest, isConfirmed, linkOf } from './completeness.js';
import { shareOfShown } from './present.js';
import * as repo from './repository.js';

/** Completeness for every year the audit covers, newest last. */
export async function completenessOfAudit(db: DbOrTrx) {
  const inquests = await repo.inquestsWithLinks(db);
  const caseIds = [
    ...new Set(
      inquests.flatMap((i) => {
        const { caseId } = linkOf(i);
        return caseId === null ? [] : [caseId];
      }),
    ),
  ];
  const years = inquests.map((i) => i.date_of_death.slice(0, 4)).sort();
  const [reporting, cases] = await Promise.all([
    repo.casesReporting(db, caseIds),
    years.length ? repo.partnerCases(db, `${years[0]}-01`, `${years.at(-1)}-12`) : Promise.resolve([]),
  ]);
  return completenessByYear(inquests, reporting, cases);
}

/**
 * The summary email's one line: of the deaths confirmed drug- or alcohol-related at inquests in the
 * quarter ending with `period`, the share partners had reported and how early; through disclosure
 * control, as everything in an email is. Null when no inquest in the quarter confirmed one.
 */
export async function quarterLineOf(
  db: DbOrTrx,
  period: Period,
  disclosure: DisclosureSettings,
): Promise<string | null> {
  const from = addMonths(period, -2);
  const inquests = (await repo.inquestsWithLinks(db)).filter(
    (i) =>
      isConfirmed(i) &&
      i.inquest_date &&
      i.inquest_date >= `${from}-01` &&
      i.inquest_date <= lastDayOf(period),
  );
  if (inquests.length === 0) return null;
  const linked = inquests.flatMap((i) => {
    const { caseId } = linkOf(i);
    return caseId === null ? [] : [{ caseId, inquestDate: i.inquest_date! }];
  });
  const reporting = await repo.casesReporting(
    db,
    linked.map((l) => l.caseId),
  );
  const days = median(daysBeforeInquest(linked, reporting));
  const confirmed = suppressCount(inquests.length, disclosure);
  const reported = suppressCount(linked.length, disclosure);
  const percent = shareOfShown(reported, confirmed);
  const wilson =
    typeof percent === 'number' && typeof reported === 'number' && typeof confirmed === 'number'
      ? wilsonInterval(Math.min(reported, confirmed), confirmed)
      : null;
  const share =
    typeof percent === 'number'
      ? ` (${percent}%${wilson ? `, 95% interval ${wilson.lower}% to ${wilson.upper}%` : ''})`
      : '';
  const quarter = `${formatPeriod(from)} to ${formatPeriod(period)}`;
  const early = days !== null && reported !== '*' ? `, a median of ${days} days before the inquest` : '';
  return `Completeness: of the ${confirmed} deaths confirmed drug- or alcohol-related at inquests from ${quarter}, partners had reported ${reported}${share}${early}.`;
}

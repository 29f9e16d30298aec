// Completeness as a reader is shown it: CCSU exact; partners, `aggregates` tokens and the summary email
// through the one disclosure-control function — counts suppressed or rounded, shares and rates worked
// out from the counts as shown, the estimate and its interval rounded like a count.
import { suppressCount, type DisclosureSettings, type Shown } from '../domain/disclosure.js';
import type { YearCompleteness } from './completeness.js';

export interface ShownCompleteness {
  year: number;
  confirmed: Shown;
  reported: Shown;
  /** Per cent of confirmed deaths partners had reported, from the counts as shown. */
  share: number | '*' | null;
  medianDays: number | null;
  minDays: number | null;
  maxDays: number | null;
  firstReportedBy: [type: string, count: Shown][];
  notConfirmed: Shown;
  notConfirmedByStage: [stage: string, count: Shown][];
  n1: Shown;
  n2: Shown;
  m: Shown;
  estimate: Shown | null;
  low: Shown | null;
  high: Shown | null;
}

/** Per cent of `confirmed` that `reported` is, from counts as shown: '*' if either is hidden, null of none. */
export function shareOfShown(reported: Shown, confirmed: Shown): number | '*' | null {
  if (confirmed === '*' || reported === '*') return '*';
  return confirmed === 0 ? null : Math.round((reported * 100) / confirmed);
}

export function showCompleteness(
  years: YearCompleteness[],
  exact: boolean,
  disclosure: DisclosureSettings,
): ShownCompleteness[] {
  const show = (n: number): Shown => (exact ? n : suppressCount(n, disclosure));
  const pairs = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => [k, show(n)] as [string, Shown]);
  return years.map((y) => {
    const confirmed = show(y.confirmed);
    const reported = show(y.reported);
    const share = shareOfShown(reported, confirmed);
    // Day counts describe timing, not people; a partner still sees them only when the deaths they
    // describe are not suppressed.
    const timing = exact || reported !== '*';
    const c = y.capture.chapman;
    return {
      year: y.year,
      confirmed,
      reported,
      share,
      medianDays: timing ? y.daysBeforeInquest.median : null,
      minDays: timing && exact ? y.daysBeforeInquest.min : null,
      maxDays: timing && exact ? y.daysBeforeInquest.max : null,
      firstReportedBy: pairs(y.firstReportedBy),
      notConfirmed: show(y.notConfirmed),
      notConfirmedByStage: pairs(y.notConfirmedByStage),
      n1: show(y.capture.n1),
      n2: show(y.capture.n2),
      m: show(y.capture.m),
      estimate: c ? show(Math.round(c.estimate)) : null,
      low: c ? show(Math.floor(c.low)) : null,
      high: c ? show(Math.ceil(c.high)) : null,
    };
  });
}

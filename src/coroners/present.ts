// Completeness as a reader is shown it: CCSU exact; partners, `aggregates` tokens and the summary email
// through the one disclosure-control function — counts suppressed or rounded, shares and rates worked
// out from the counts as shown, the estimate and its interval rounded like a count.
import { suppressCount, type DisclosureSettings, type Shown } from '../domain/disclosure.js';
import type { YearCompleteness } from './completeness.js';
import { wilsonInterval } from '../domain/proportions.js';

export interface ShownCompleteness {
  year: number;
  confirmed: Shown;
  reported: Shown;
  /** Per cent of confirmed deaths partners had reported, from the counts as shown. */
  share: number | '*' | null;
  /** Its Wilson 95% interval, from the same counts as shown; null with no share. */
  shareInterval: { lower: number; upper: number } | null;
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

/** The kinds of organisation too few to be named to a reader outside CCSU, counted together. */
export const FEWER_ORGANISATIONS = 'fewer_organisations';

/**
 * `namedTypes`: the kinds of organisation a reader outside CCSU may see named (those with enough
 * organisations making returns, as the dashboard's type filter); the rest are counted together, since
 * "knew first: police" names the one police force.
 */
export function showCompleteness(
  years: YearCompleteness[],
  exact: boolean,
  disclosure: DisclosureSettings,
  namedTypes: readonly string[],
): ShownCompleteness[] {
  const show = (n: number): Shown => (exact ? n : suppressCount(n, disclosure));
  const pairs = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => [k, show(n)] as [string, Shown]);
  const byNamedType = (counts: Record<string, number>) => {
    if (exact) return counts;
    const grouped: Record<string, number> = {};
    for (const [type, n] of Object.entries(counts)) {
      const key = namedTypes.includes(type) ? type : FEWER_ORGANISATIONS;
      grouped[key] = (grouped[key] ?? 0) + n;
    }
    return grouped;
  };
  return years.map((y) => {
    const confirmed = show(y.confirmed);
    const reported = show(y.reported);
    const share = shareOfShown(reported, confirmed);
    const wilson =
      typeof share === 'number' && typeof reported === 'number' && typeof confirmed === 'number'
        ? wilsonInterval(Math.min(reported, confirmed), confirmed)
        : null;
    // Day counts describe timing, not people; a partner still sees them only when the deaths they
    // describe are not suppressed.
    const timing = exact || reported !== '*';
    const c = y.capture.chapman;
    const [n1, n2, m] = [show(y.capture.n1), show(y.capture.n2), show(y.capture.m)];
    // An estimate from hidden counts would narrow them down again: shown only when its inputs are.
    const estimable = c !== null && [n1, n2, m, confirmed, reported].every((v) => v !== '*');
    return {
      year: y.year,
      confirmed,
      reported,
      share,
      shareInterval: wilson ? { lower: wilson.lower, upper: wilson.upper } : null,
      medianDays: timing ? y.daysBeforeInquest.median : null,
      minDays: timing && exact ? y.daysBeforeInquest.min : null,
      maxDays: timing && exact ? y.daysBeforeInquest.max : null,
      firstReportedBy: pairs(byNamedType(y.firstReportedBy)),
      notConfirmed: show(y.notConfirmed),
      notConfirmedByStage: pairs(y.notConfirmedByStage),
      n1,
      n2,
      m,
      estimate: estimable ? show(Math.round(c.estimate)) : null,
      low: estimable ? show(Math.floor(c.low)) : null,
      high: estimable ? show(Math.ceil(c.high)) : null,
    };
  });
}

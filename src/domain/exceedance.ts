// Early warning against a baseline (issue #24 §3). A count of deaths is unusual only against what its
// own history predicts: opioids behave as opioids always do, and three opioid deaths in a fortnight is an
// ordinary fortnight in a county of 13 deaths a month. So each concern (a substance, a group, an area)
// is compared with its own past, as UKHSA's exceedance reporting does (Noufaily et al. 2013, the
// improved Farrington method), simplified to what this county's numbers can carry:
//   - expected: the concern's daily rate over the two years before the window (leaving out a guard of
//     one window just before it, so a cluster that is growing does not raise its own baseline), times the
//     window's days; when that history shows a significant trend (Poisson log-linear fit over quarters,
//     p < 0.05) the trend is projected to the window, never beyond the highest quarter seen (Farrington);
//   - threshold: the smallest count whose probability under Poisson(expected) is below the chosen
//     sensitivity, and never below the minimum count;
//   - a concern with less than a quarter of history (a brand-new substance, a nitazene) has no baseline
//     yet, so it alerts on the minimum count alone.
// Pure: day numbers in, exceedances out.
import type { IsoDate } from './periods.js';

/** Sensitivity: the probability of the background alone reaching the threshold in one window. */
export const sensitivities = [
  ['high', 'High: misses fewer clusters, but about 3 warnings a year in a common group are chance', 0.07],
  ['standard', 'Standard: under 1 warning a year in each group by chance', 0.02],
  ['low', 'Low: only the most unusual counts', 0.005],
] as const;
export type Sensitivity = (typeof sensitivities)[number][0];

export const alphaOf = (s: Sensitivity): number => sensitivities.find(([code]) => code === s)![2];

/** History held before a window for a baseline: two years, as UKHSA's reporting uses. */
export const BASELINE_DAYS = 730;
/** Less history than this (a quarter) is no baseline: the minimum count alone decides. */
export const MIN_HISTORY_DAYS = 91;
const QUARTER_DAYS = 91;

/** log(k!) by summing: the counts here are small. */
function logFactorial(k: number): number {
  let sum = 0;
  for (let i = 2; i <= k; i += 1) sum += Math.log(i);
  return sum;
}

/** P(X ≥ k) for X ~ Poisson(mu), summed upwards from k in log space (no 1 − (nearly 1) cancellation). */
export function poissonUpperTail(mu: number, k: number): number {
  if (k <= 0) return 1;
  if (mu <= 0) return 0;
  let term = Math.exp(-mu + k * Math.log(mu) - logFactorial(k));
  let sum = 0;
  for (let i = k; term > sum * 1e-16 || i < mu + 1; i += 1) {
    sum += term;
    term *= mu / (i + 1);
    if (i > k + 10_000) break;
  }
  return Math.min(1, sum);
}

/** The smallest count whose chance under Poisson(expected) is below alpha, and at least minCases. */
export function thresholdFor(expected: number, alpha: number, minCases: number): number {
  let k = Math.max(1, minCases);
  while (poissonUpperTail(expected, k) >= alpha) k += 1;
  return k;
}

/**
 * Deaths a day expected at `at` (in quarters from the first quarter's start) from counts in whole
 * quarters, oldest first: the mean, or the significant log-linear trend projected (capped at the
 * highest quarter's rate).
 */
export function expectedDailyRate(quarters: readonly number[], at: number): { rate: number; trend: boolean } {
  const total = quarters.reduce((a, b) => a + b, 0);
  const mean = total / (quarters.length * QUARTER_DAYS);
  if (quarters.length < 4 || total < 10) return { rate: mean, trend: false };
  // Poisson regression log(mu_i) = a + b t_i by Newton's method, t_i at each quarter's middle.
  const t = quarters.map((_, i) => i + 0.5);
  let a = Math.log(total / quarters.length);
  let b = 0;
  let info = [0, 0, 0];
  for (let step = 0; step < 30; step += 1) {
    const mu = t.map((ti) => Math.exp(a + b * ti));
    const g0 = quarters.reduce((s, y, i) => s + y - mu[i]!, 0);
    const g1 = quarters.reduce((s, y, i) => s + t[i]! * (y - mu[i]!), 0);
    const h00 = mu.reduce((s, m) => s + m, 0);
    const h01 = mu.reduce((s, m, i) => s + t[i]! * m, 0);
    const h11 = mu.reduce((s, m, i) => s + t[i]! * t[i]! * m, 0);
    const det = h00 * h11 - h01 * h01;
    a += (h11 * g0 - h01 * g1) / det;
    b += (h00 * g1 - h01 * g0) / det;
    info = [h00, h01, h11];
  }
  const [h00, h01, h11] = info as [number, number, number];
  const seB = Math.sqrt(h00 / (h00 * h11 - h01 * h01));
  if (!(Math.abs(b) / seB > 1.959964)) return { rate: mean, trend: false };
  const highest = Math.max(...quarters) / QUARTER_DAYS;
  return { rate: Math.min(Math.exp(a + b * at) / QUARTER_DAYS, highest), trend: true };
}

export interface DayCase {
  caseId: number;
  /** Days since 1970-01-01. */
  day: number;
}

export interface Exceedance {
  caseIds: number[];
  firstDay: number;
  lastDay: number;
  /** The window where the count stood furthest above its threshold. */
  observed: number;
  expected: number;
  threshold: number;
  /** False when the concern has too little history: the minimum count decided. */
  baseline: boolean;
  trend: boolean;
}

export interface ExceedanceRule {
  windowDays: number;
  minCases: number;
  alpha: number;
  /** The first day deaths are held for (the start of history): no baseline reaches before it. */
  historyStart: number;
}

/**
 * Each run of windows ending on `fromDay`..`toDay` whose count reaches its threshold, windows that share
 * a death merged into one exceedance. `cases` must hold the concern's deaths from two years and two
 * windows before `fromDay` onwards. Linear in the days scanned: counts come from a running sum.
 */
export function findExceedances(
  cases: readonly DayCase[],
  fromDay: number,
  toDay: number,
  rule: ExceedanceRule,
): Exceedance[] {
  const w = rule.windowDays;
  let origin = fromDay - w + 1 - w - BASELINE_DAYS;
  for (const c of cases) origin = Math.min(origin, c.day);
  const length = toDay - origin + 1;
  const perDay = new Array<number>(length + 1).fill(0);
  for (const c of cases) if (c.day <= toDay) perDay[c.day - origin + 1]! += 1;
  for (let i = 1; i <= length; i += 1) perDay[i]! += perDay[i - 1]!;
  /** Deaths on days from..to inclusive. */
  const between = (from: number, to: number) =>
    to < from ? 0 : perDay[Math.min(to, toDay) - origin + 1]! - perDay[Math.max(from, origin) - origin]!;

  const found: Exceedance[] = [];
  const sorted = [...cases].sort((x, y) => x.day - y.day || x.caseId - y.caseId);
  // The window's deaths are sorted[lo..hi), both ends only moving forward; an open exceedance is the
  // range sorted[open.from..open.to), since windows that share a death are overlapping ranges.
  let lo = 0;
  let hi = 0;
  let open:
    | { from: number; to: number; peak: Omit<Exceedance, 'caseIds' | 'firstDay' | 'lastDay'>; margin: number }
    | undefined;
  const close = () => {
    if (!open) return;
    const members = sorted.slice(open.from, open.to);
    found.push({
      caseIds: members.map((c) => c.caseId),
      firstDay: members[0]!.day,
      lastDay: members.at(-1)!.day,
      ...open.peak,
    });
    open = undefined;
  };
  for (let end = fromDay; end <= toDay; end += 1) {
    const start = end - w + 1;
    while (hi < sorted.length && sorted[hi]!.day <= end) hi += 1;
    while (lo < hi && sorted[lo]!.day < start) lo += 1;
    const observed = hi - lo;
    if (observed < rule.minCases) continue;
    const baselineEnd = start - w - 1; // a guard of one window before this one
    const baselineStart = Math.max(rule.historyStart, baselineEnd - BASELINE_DAYS + 1);
    const held = baselineEnd - baselineStart + 1;
    let expected = 0;
    let trend = false;
    const baseline = held >= MIN_HISTORY_DAYS;
    if (baseline) {
      // Whole quarters counted back from the guard; the oldest part-quarter is left out.
      const count = Math.floor(held / QUARTER_DAYS);
      const quarters = Array.from({ length: count }, (_, i) => {
        const qEnd = baselineEnd - (count - 1 - i) * QUARTER_DAYS;
        return between(qEnd - QUARTER_DAYS + 1, qEnd);
      });
      const at = count + (w + w / 2) / QUARTER_DAYS;
      const daily = expectedDailyRate(quarters, at);
      expected = daily.rate * w;
      trend = daily.trend;
    }
    const threshold = thresholdFor(expected, rule.alpha, rule.minCases);
    if (observed < threshold) continue;
    const margin = observed - threshold;
    const peak = { observed, expected, threshold, baseline, trend };
    if (open && lo < open.to) {
      open.to = Math.max(open.to, hi);
      if (margin > open.margin) Object.assign(open, { peak, margin });
    } else {
      close();
      open = { from: lo, to: hi, peak, margin };
    }
  }
  close();
  return found;
}

export const dayNumber = (date: IsoDate): number => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
export const dateOfDay = (day: number): IsoDate => new Date(day * 86_400_000).toISOString().slice(0, 10);

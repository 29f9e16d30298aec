// Simulated early warning (issue #24 §3), shared by the suite and `npm run bench`: a stationary Poisson
// background of deaths for one concern, two years of history before two years watched, with clusters
// of extra deaths injected. Seeded, so a run gives the same figures every time.
import { findExceedances, type DayCase } from '../../src/domain/exceedance.js';

/** mulberry32: a small seeded generator, good enough for simulation. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Knuth's method: fine for the small means of one day. */
function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k += 1;
    p *= random();
  }
  return k;
}

const HISTORY = 730;
const WATCHED = 730;

function background(random: () => number, perFortnight: number, firstId: number): DayCase[] {
  const cases: DayCase[] = [];
  let id = firstId;
  for (let day = 0; day < HISTORY + WATCHED; day += 1)
    for (let n = poisson(random, perFortnight / 14); n > 0; n -= 1) cases.push({ caseId: id++, day });
  return cases;
}

export interface SimulationResult {
  /** Alerts a watched year raised on the background alone (mean over the runs). */
  falseAlertsPerYear: number;
  /** Share of injected clusters alerted on a window ending within the cluster's own 14 days. */
  detectedWithin14Days: number;
  /** Share alerted by 14 days after the cluster's last death. */
  detectedWithin14DaysOfLast: number;
}

/**
 * `runs` simulated four-year histories of a concern with `perFortnight` deaths a fortnight on average
 * (or none before the watched years when `newSubstance`); in each, the watched two years' false
 * alerts, and `clustersPerRun` separate injections of `clusterSize` extra deaths on random days of one
 * fortnight.
 */
export function simulate(options: {
  perFortnight: number;
  clusterSize: number;
  alpha: number;
  minCases?: number;
  runs?: number;
  clustersPerRun?: number;
  newSubstance?: boolean;
  seed?: number;
}): SimulationResult {
  const { perFortnight, clusterSize, alpha } = options;
  const runs = options.runs ?? 40;
  const clustersPerRun = options.clustersPerRun ?? 10;
  const random = seeded(options.seed ?? 2026);
  const rule = { windowDays: 14, minCases: options.minCases ?? 3, alpha, historyStart: 0 };
  let falseAlerts = 0;
  let injected = 0;
  let inTime = 0;
  let byLastPlus14 = 0;
  for (let run = 0; run < runs; run += 1) {
    const all = options.newSubstance ? [] : background(random, perFortnight, 1);
    falseAlerts += findExceedances(all, HISTORY, HISTORY + WATCHED - 1, rule).length;
    for (let c = 0; c < clustersPerRun; c += 1) {
      const start = HISTORY + Math.floor(random() * (WATCHED - 60));
      const extra = Array.from({ length: clusterSize }, (_, i) => ({
        caseId: -(i + 1),
        day: start + Math.floor(random() * 14),
      }));
      const last = Math.max(...extra.map((e) => e.day));
      const found = findExceedances([...all, ...extra], start, last + 14, rule).filter((e) =>
        e.caseIds.some((id) => id < 0),
      );
      injected += 1;
      // An exceedance's last death is the latest day of the windows that merged into it; the first
      // window that reached the threshold ended on or before the cluster's end when it was in time.
      const alertedBy = (day: number) =>
        findExceedances([...all, ...extra], start, day, rule).some((e) => e.caseIds.some((id) => id < 0));
      if (found.length && alertedBy(start + 13)) inTime += 1;
      if (found.length) byLastPlus14 += 1;
    }
  }
  return {
    falseAlertsPerYear: falseAlerts / (runs * (WATCHED / 365)),
    detectedWithin14Days: inTime / injected,
    detectedWithin14DaysOfLast: byLastPlus14 / injected,
  };
}

// Exceedances found by early warning, joined into alerts: those that share a death are one alert,
// with each concern's measure (observed, expected, threshold) kept. Pure, apart from the types.
import type { AlertMeasure } from '../db/types.js';
import { groupOverlapping } from '../domain/early-warning.js';
import { dateOfDay, type Exceedance } from '../domain/exceedance.js';

/** Runs of unusual windows, for one or more concerns, that share deaths: one alert. */
export interface Found {
  concerns: string[];
  caseIds: number[];
  firstDay: number;
  lastDay: number;
  measures: AlertMeasure[];
}

/** Exceedances that share a death (methadone, opioids and the district of the same surge) join up. */
export function joinSharingDeaths(found: (Exceedance & { concern: string })[], windowDays: number): Found[] {
  const groups = groupOverlapping(
    found.map((e, id) => ({
      id,
      caseIds: e.caseIds,
      concerns: e.concern,
      concernKeys: [e.concern],
      firstDeath: dateOfDay(e.firstDay),
      lastDeath: dateOfDay(e.lastDay),
    })),
  );
  return groups.map((g) => {
    const members = g.alertIds.map((id) => found[id]!);
    return {
      concerns: [...g.concernKeys].sort(byKind),
      caseIds: [...new Set(members.flatMap((m) => m.caseIds))].sort((a, b) => a - b),
      firstDay: Math.min(...members.map((m) => m.firstDay)),
      lastDay: Math.max(...members.map((m) => m.lastDay)),
      measures: members.map((m) => ({
        concern: m.concern,
        observed: m.observed,
        expected: Math.round(m.expected * 100) / 100,
        threshold: m.threshold,
        windowDays,
        baseline: m.baseline,
      })),
    };
  });
}

/** Groups, then substances, then districts: "Opioids / Methadone in Watford". */
const kinds = ['group', 'substance', 'area'];
const byKind = (a: string, b: string) =>
  kinds.indexOf(a.split(':')[0]!) - kinds.indexOf(b.split(':')[0]!) || a.localeCompare(b);

/** Each concern's busiest measure of the two lists. */
export function mergeMeasures(before: AlertMeasure[], after: AlertMeasure[]): AlertMeasure[] {
  const byConcern = new Map(before.map((m) => [m.concern, m]));
  for (const m of after)
    if (m.observed > (byConcern.get(m.concern)?.observed ?? -1)) byConcern.set(m.concern, m);
  return [...byConcern.values()];
}

// Early warning (product spec §6): at least N cases whose deaths fall within a window of days and that
// share a substance of concern form a cluster. Pure: the dates come in, the clusters go out.
import type { IsoDate } from './periods.js';
import { labelOf, substanceGroups, substances } from './reference.js';

/**
 * What counts as a substance of concern: `group:<code>` (any substance of a group), `substance:<code>`,
 * or `any_substance` (any one substance, shared by the cases).
 */
export const concernOptions: [code: string, label: string][] = [
  ['any_substance', 'Any single substance (the same one in each case)'],
  ...substanceGroups
    .filter(([code]) => code !== 'unknown' && code !== 'other')
    .map(([code, label]): [string, string] => [`group:${code}`, `Any of: ${label.toLowerCase()}`]),
  ...substances
    .filter(([code, , group]) => group !== 'unknown' && code !== 'other')
    .map(([code, label]): [string, string] => [`substance:${code}`, label]),
];

export const defaultEarlyWarning = {
  minCases: 3,
  windowDays: 14,
  concerns: [
    'group:opioids',
    'substance:nitazene',
    'substance:xylazine',
    'substance:synthetic_cannabinoid',
    'any_substance',
  ],
};

/** "Opioids" or "Nitazene": what a concern key means, in words. */
export function concernLabel(key: string): string {
  const [kind, code] = key.split(':');
  return kind === 'group' ? labelOf(substanceGroups, code) : labelOf(substances, code);
}

/** "Opioids / Nitazene": the concerns of one alert, in words. */
export function concernsLabel(keys: readonly string[]): string {
  return keys.map(concernLabel).join(' / ');
}

/**
 * Whether an LDIS alert about these substances is about a concern: the same substance, or a substance
 * of the concern's group. "Any single substance" alerts are stored under the substance they found.
 */
export function ldisMatchesConcern(concernKey: string, ldisSubstances: readonly string[]): boolean {
  const [kind, code] = concernKey.split(':');
  if (kind === 'substance') return ldisSubstances.includes(code!);
  if (kind === 'group') return ldisSubstances.some((s) => substances.find(([c]) => c === s)?.[2] === code);
  return false;
}

export interface DatedCase {
  caseId: number;
  date: IsoDate;
}

export interface Cluster {
  first: IsoDate;
  last: IsoDate;
  caseIds: number[];
}

/**
 * Every run of at least `minCases` deaths within `windowDays` consecutive days (day of the first death
 * counts as day 1), with overlapping runs merged into one cluster, so a growing cluster stays one.
 * Linear after the sort: each qualifying window is a range of the sorted deaths, and windows that share
 * a death are ranges that overlap, so a cluster is the union of overlapping ranges. (Comparing each
 * window's members with the cluster's was quadratic: 20,000 recent deaths held the process for minutes.)
 */
export function findClusters(cases: DatedCase[], minCases: number, windowDays: number): Cluster[] {
  const sorted = [...cases].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : a.caseId - b.caseId,
  );
  // Each date as a day number, worked out once: comparing numbers, not re-parsing dates per window.
  const day = sorted.map((c) => Date.parse(`${c.date}T00:00:00Z`) / 86_400_000);
  const ranges: [from: number, to: number][] = [];
  let end = 0;
  for (let start = 0; start < sorted.length; start += 1) {
    const limit = day[start]! + windowDays - 1;
    end = Math.max(end, start);
    while (end + 1 < sorted.length && day[end + 1]! <= limit) end += 1;
    if (end - start + 1 < minCases) continue;
    const open = ranges.at(-1);
    if (open && start <= open[1]) open[1] = Math.max(open[1], end);
    else ranges.push([start, end]);
  }
  return ranges.map(([from, to]) => ({
    first: sorted[from]!.date,
    last: sorted[to]!.date,
    caseIds: sorted.slice(from, to + 1).map((c) => c.caseId),
  }));
}

/** Alerts about the same deaths (two Cocaine alerts; Methadone inside Opioids) read as one warning. */
export interface WarningGroup {
  alertIds: number[];
  concerns: string;
  /** The concern keys behind the words, e.g. group:opioids. */
  concernKeys: string[];
  cases: number;
  firstDeath: IsoDate;
  lastDeath: IsoDate;
}

export function groupOverlapping(
  alerts: readonly {
    id: number;
    caseIds: readonly number[];
    concerns: string;
    concernKeys: readonly string[];
    firstDeath: IsoDate;
    lastDeath: IsoDate;
  }[],
): WarningGroup[] {
  // Union–find over the alerts, joined through the cases they share: linear in the cases listed.
  const parent = alerts.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  const alertOfCase = new Map<number, number>();
  alerts.forEach((alert, i) => {
    for (const c of alert.caseIds) {
      const other = alertOfCase.get(c);
      if (other === undefined) alertOfCase.set(c, i);
      else parent[root(i)] = root(other);
    }
  });
  const groups = new Map<number, (typeof alerts)[number][]>();
  alerts.forEach((alert, i) => {
    const r = root(i);
    groups.set(r, [alert, ...(groups.get(r) ?? [])]); // the newest alert first
  });
  // Newest group first, as before: the group holding the latest alert in the list comes last.
  const position = new Map(alerts.map((a, i) => [a, i]));
  return [...groups.values()]
    .sort((a, b) => position.get(a[0]!)! - position.get(b[0]!)!)
    .map((g) => ({
      alertIds: g.map((a) => a.id).sort((a, b) => a - b),
      concerns: [...new Set(g.flatMap((a) => a.concerns.split(' / ')))].join(' / '),
      concernKeys: [...new Set(g.flatMap((a) => a.concernKeys))],
      cases: new Set(g.flatMap((a) => [...a.caseIds])).size,
      firstDeath: g.map((a) => a.firstDeath).sort()[0]!,
      lastDeath: g
        .map((a) => a.lastDeath)
        .sort()
        .at(-1)!,
    }));
}

// Early warning (product spec §6): at least N cases whose deaths fall within a window of days and that
// share a substance of concern form a cluster. Pure: the dates come in, the clusters go out.
import { addDays, type IsoDate } from './periods.js';
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
 */
export function findClusters(cases: DatedCase[], minCases: number, windowDays: number): Cluster[] {
  const sorted = [...cases].sort((a, b) =>
    a.date < b.date ? -1 : a.date > b.date ? 1 : a.caseId - b.caseId,
  );
  const clusters: Cluster[] = [];
  let end = 0;
  for (let start = 0; start < sorted.length; start += 1) {
    const limit = addDays(sorted[start]!.date, windowDays - 1);
    end = Math.max(end, start);
    while (end + 1 < sorted.length && sorted[end + 1]!.date <= limit) end += 1;
    if (end - start + 1 < minCases) continue;
    const members = sorted.slice(start, end + 1);
    const open = clusters.at(-1);
    // A window that shares a case with the last cluster extends it.
    if (open && members.some((m) => open.caseIds.includes(m.caseId))) {
      for (const m of members) if (!open.caseIds.includes(m.caseId)) open.caseIds.push(m.caseId);
      open.last = members.at(-1)!.date;
    } else
      clusters.push({
        first: members[0]!.date,
        last: members.at(-1)!.date,
        caseIds: members.map((m) => m.caseId),
      });
  }
  return clusters;
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
  const groups: { alerts: (typeof alerts)[number][]; cases: Set<number> }[] = [];
  for (const alert of alerts) {
    // Every existing group sharing a case with this alert joins it (and so each other).
    const touching = groups.filter((g) => alert.caseIds.some((c) => g.cases.has(c)));
    const merged = {
      alerts: [alert, ...touching.flatMap((g) => g.alerts)],
      cases: new Set([...alert.caseIds, ...touching.flatMap((g) => [...g.cases])]),
    };
    for (const g of touching) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }
  return groups.map((g) => ({
    alertIds: g.alerts.map((a) => a.id).sort((a, b) => a - b),
    concerns: [...new Set(g.alerts.flatMap((a) => a.concerns.split(' / ')))].join(' / '),
    concernKeys: [...new Set(g.alerts.flatMap((a) => a.concernKeys))],
    cases: g.cases.size,
    firstDeath: g.alerts.map((a) => a.firstDeath).sort()[0]!,
    lastDeath: g.alerts
      .map((a) => a.lastDeath)
      .sort()
      .at(-1)!,
  }));
}

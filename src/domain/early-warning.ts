// Early warning (product spec §6): what a concern is, in words and in LDIS terms, and how alerts about
// the same deaths read as one warning. The rule itself, against a baseline, is in exceedance.ts.
import type { IsoDate } from './periods.js';
import { areas, labelOf, substanceGroups, substances } from './reference.js';
import type { Sensitivity } from './exceedance.js';

/**
 * What counts as a substance of concern: `group:<code>` (any substance of a group), `substance:<code>`,
 * `any_substance` (any one substance, shared by the cases), or `each_area` (deaths of residents of one
 * district, whatever they took; stored as `area:<code>`).
 */
export const concernOptions: [code: string, label: string][] = [
  ['any_substance', 'Any single substance (the same one in each case)'],
  ['each_area', 'Deaths in any one district (whatever the substance)'],
  ...substanceGroups
    .filter(([code]) => code !== 'unknown' && code !== 'other')
    .map(([code, label]): [string, string] => [`group:${code}`, `Any of: ${label.toLowerCase()}`]),
  ...substances
    .filter(([code, , group]) => group !== 'unknown' && code !== 'other')
    .map(([code, label]): [string, string] => [`substance:${code}`, label]),
];

export const defaultEarlyWarning: {
  minCases: number;
  windowDays: number;
  sensitivity: Sensitivity;
  concerns: string[];
} = {
  minCases: 3,
  windowDays: 14,
  sensitivity: 'standard',
  concerns: [
    'group:opioids',
    'substance:nitazene',
    'substance:xylazine',
    'substance:synthetic_cannabinoid',
    'any_substance',
    'each_area',
  ],
};

/** "Opioids", "Nitazene" or "Stevenage (any substance)": what a concern key means, in words. */
export function concernLabel(key: string): string {
  const [kind, code] = key.split(':');
  if (kind === 'area') return `${labelOf(areas, code)} (any substance)`;
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

/** "about 1.5": what the baseline predicted, in words. */
export function expectedInWords(expected: number): string {
  return `about ${expected < 10 ? expected.toFixed(1) : Math.round(expected)}`;
}

/** "deaths involving Opioids / Nitazene" or "deaths in Stevenage": the subject of a warning. */
export function deathsPhrase(keys: readonly string[]): string {
  const places = keys.filter((k) => k.startsWith('area:'));
  const rest = keys.filter((k) => !k.startsWith('area:'));
  const where = places.map((k) => labelOf(areas, k.slice(5))).join(' / ');
  if (!rest.length) return `deaths in ${where}`;
  return `deaths involving ${concernsLabel(rest)}${where ? ` in ${where}` : ''}`;
}

/** Alerts about the same deaths (two Cocaine alerts; Methadone inside Opioids) read as one warning. */
export interface WarningGroup<T> {
  /** The alerts joined, newest first. */
  members: T[];
  alertIds: number[];
  concerns: string;
  /** The concern keys behind the words, e.g. group:opioids. */
  concernKeys: string[];
  cases: number;
  firstDeath: IsoDate;
  lastDeath: IsoDate;
}

export function groupOverlapping<
  T extends {
    id: number;
    caseIds: readonly number[];
    concerns: string;
    concernKeys: readonly string[];
    firstDeath: IsoDate;
    lastDeath: IsoDate;
  },
>(alerts: readonly T[]): WarningGroup<T>[] {
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
  const groups = new Map<number, T[]>();
  alerts.forEach((alert, i) => {
    const r = root(i);
    groups.set(r, [alert, ...(groups.get(r) ?? [])]); // the newest alert first
  });
  // Newest group first, as before: the group holding the latest alert in the list comes last.
  const position = new Map(alerts.map((a, i) => [a, i]));
  return [...groups.values()]
    .sort((a, b) => position.get(a[0]!)! - position.get(b[0]!)!)
    .map((g) => ({
      members: g,
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

// Derived groupings for reporting (data dictionary): age bands, substance groups, and cases — the same
// death reported by several partners, linked when their match keys are equal.
import { substances, type SubstanceGroup } from './reference.js';

export const ageBands = ['0–17', '18–24', '25–34', '35–44', '45–54', '55–64', '65+', 'Unknown'] as const;
export type AgeBand = (typeof ageBands)[number];

/** The oldest age in each band but the last two (65+ and Unknown): the one place the bands are drawn. */
export const ageBandUpperLimits = [17, 24, 34, 44, 54, 64] as const;

export function ageBandOf(age: number | null): AgeBand {
  if (age === null) return 'Unknown';
  const index = ageBandUpperLimits.findIndex((limit) => age <= limit);
  return ageBands[index === -1 ? ageBandUpperLimits.length : index]!;
}

const groupOfSubstance = new Map<string, SubstanceGroup>(substances.map(([code, , group]) => [code, group]));

export function substanceGroupsOf(codes: string[]): SubstanceGroup[] {
  const groups = new Set<SubstanceGroup>();
  for (const code of codes) groups.add(groupOfSubstance.get(code) ?? 'other');
  if (groups.size === 0) groups.add('unknown');
  return [...groups];
}

/**
 * Links records into cases: records sharing an NHS-number key or a demographic key are one death,
 * transitively (A~B by NHS number and B~C by name and date of birth makes A, B and C one case).
 * Returns the case number of each record, in input order.
 */
export function linkIntoCases(
  records: { match_key_nhs: string | null; match_key_demo: string | null }[],
): number[] {
  const parent = records.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent[Math.max(ra, rb)] = Math.min(ra, rb);
  };
  const firstWithKey = new Map<string, number>();
  records.forEach((record, i) => {
    for (const key of [
      record.match_key_nhs && `n:${record.match_key_nhs}`,
      record.match_key_demo && `d:${record.match_key_demo}`,
    ]) {
      if (!key) continue;
      const first = firstWithKey.get(key);
      if (first === undefined) firstWithKey.set(key, i);
      else union(first, i);
    }
  });
  return records.map((_, i) => find(i));
}

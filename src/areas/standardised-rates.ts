// Age-standardised rates for the county and each district (issue #24 §2): a year's rates, and for
// districts three years pooled, as ONS and Fingertips pool small areas; each district compared with the
// county by whether the 95% intervals overlap. Deaths of residents of the county's districts only (no
// fixed abode and out of county have no population); deaths with age unknown cannot be standardised,
// so they are counted and stated beside the rates.
import type { DbOrTrx } from '../db/database.js';
import { suppressCount, type DisclosureSettings, type Shown } from '../domain/disclosure.js';
import { districts } from '../domain/reference.js';
import {
  AGE_GROUPS,
  ageGroupOf,
  compareIntervals,
  standardisedRate,
  type Comparison,
  type StandardisedRate,
} from '../domain/standardised.js';
import * as repo from './repository.js';

export interface StandardisedRow {
  code: string;
  label: string;
  year: StandardisedRate;
  pooled: StandardisedRate;
  /** The pooled rate against the county's pooled rate. */
  comparison: Comparison;
}

export interface StandardisedRates {
  /** The year of deaths; null when no residents by age have been loaded for it or before it. */
  year: number;
  populationYear: number | null;
  source: string | null;
  pooledYears: [number, number];
  county: { year: StandardisedRate; pooled: StandardisedRate };
  areas: StandardisedRow[];
  /** England's rate (ONS, by year of registration) for the year or the latest before it. */
  england: { year: number; rate: number; lower: number; upper: number; source: string } | null;
  /** The county's rate for the year against England's. */
  countyVsEngland: Comparison;
  /** Deaths of the county's residents in the pooled years whose age is not known: not in any rate. */
  unknownAge: { year: Shown; pooled: Shown };
}

export async function standardisedRates(
  db: DbOrTrx,
  year: number,
  classification?: string,
): Promise<StandardisedRates> {
  const years = [year - 2, year - 1, year];
  // Each year of deaths with that year's residents, or the latest year loaded before it, or (for a
  // year before any was loaded) the earliest: a pooled rate never counts deaths against no residents.
  const latest = await Promise.all(years.map((y) => repo.latestAgePopulationYear(db, y)));
  const earliest = latest.find((y) => y !== null) ?? null;
  const loadedFor = latest.map((y) => y ?? earliest);
  const [populations, deaths, england] = await Promise.all([
    repo.agePopulations(db, [...new Set(loadedFor.filter((y): y is number => y !== null))]),
    repo.deathsByAreaYearAge(db, years[0]!, year, classification),
    repo.englandRateFor(db, year),
  ]);
  const codes = districts.map(([code]) => code);
  const zeros = () => new Array<number>(AGE_GROUPS).fill(0);
  /** [area][year index] → people by group, and deaths by group. */
  const people = (area: string | null, yearIndex: number) => {
    const list = zeros();
    const from = loadedFor[yearIndex];
    if (from === null) return list;
    for (const p of populations)
      if (p.year === from && (area === null ? codes.includes(p.area_code) : p.area_code === area))
        list[p.age_group]! += p.population;
    return list;
  };
  const died = (area: string | null, yearIndexes: number[]) => {
    const list = zeros();
    for (const d of deaths)
      if (
        d.age !== null &&
        yearIndexes.includes(years.indexOf(d.year)) &&
        (area === null ? codes.includes(d.residence_area ?? '') : d.residence_area === area)
      )
        list[ageGroupOf(d.age)]! += d.deaths;
    return list;
  };
  const sum = (lists: number[][]) => zeros().map((_, g) => lists.reduce((a, l) => a + l[g]!, 0));
  const rateOf = (area: string | null) => ({
    year: standardisedRate(died(area, [2]), people(area, 2)),
    pooled: standardisedRate(died(area, [0, 1, 2]), sum([0, 1, 2].map((i) => people(area, i)))),
  });
  const populationYear = latest[2] ?? null;
  const county = rateOf(null);
  const unknown = (yearIndexes: number[]) =>
    deaths
      .filter(
        (d) =>
          d.age === null &&
          codes.includes(d.residence_area ?? '') &&
          yearIndexes.includes(years.indexOf(d.year)),
      )
      .reduce((a, d) => a + d.deaths, 0);
  const intervalOf = (r: StandardisedRate) => (r.kind === 'rate' ? r : undefined);
  return {
    year,
    populationYear,
    source: populations.find((p) => p.year === populationYear)?.source ?? null,
    pooledYears: [years[0]!, year],
    county,
    england: england
      ? {
          year: england.year,
          rate: england.rate,
          lower: england.lower,
          upper: england.upper,
          source: england.source,
        }
      : null,
    countyVsEngland: compareIntervals(intervalOf(county.year), england),
    areas: districts.map(([code, label]) => {
      const rates = rateOf(code);
      return {
        code,
        label,
        ...rates,
        comparison: compareIntervals(intervalOf(rates.pooled), intervalOf(county.pooled)),
      };
    }),
    unknownAge: { year: unknown([2]), pooled: unknown([0, 1, 2]) },
  };
}

/**
 * The rates as a reader outside CCSU may see them: each number of deaths through disclosure control,
 * and no rate, interval or comparison where that number is suppressed, so none can narrow it down.
 */
export function standardisedForAudience(
  rates: StandardisedRates,
  exact: boolean,
  disclosure: DisclosureSettings,
): StandardisedRates & { exact: boolean } {
  if (exact) return { ...rates, exact };
  const shown = (r: StandardisedRate): StandardisedRate => {
    if (r.kind === 'suppressed') return r;
    const deaths = suppressCount(r.deaths, disclosure);
    if (deaths === '*') return { kind: 'suppressed' };
    return { ...r, deaths };
  };
  const county = { year: shown(rates.county.year), pooled: shown(rates.county.pooled) };
  const unknown = (n: Shown) => (n === '*' ? n : suppressCount(n, disclosure));
  return {
    ...rates,
    exact,
    county,
    countyVsEngland: county.year.kind === 'rate' ? rates.countyVsEngland : 'not_compared',
    areas: rates.areas.map((a) => {
      const pooled = shown(a.pooled);
      return {
        ...a,
        year: shown(a.year),
        pooled,
        comparison: pooled.kind === 'rate' && county.pooled.kind === 'rate' ? a.comparison : 'not_compared',
      };
    }),
    unknownAge: { year: unknown(rates.unknownAge.year), pooled: unknown(rates.unknownAge.pooled) },
  };
}

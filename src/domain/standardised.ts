// Age-standardised mortality rates (issue #24 §2), as ONS and OHID publish them: directly standardised
// to the 2013 European Standard Population, per 100,000, with 95% confidence intervals by Dobson's
// method (Byar's limits for the total count, scaled by the rate's variance: PHEindicatormethods'
// phe_dsr). As for crude rates, no rate is calculated from fewer than 10 deaths.
import { byarLimits, MIN_EVENTS_FOR_RATE } from './rates.js';

/** The 2013 European Standard Population: 0–4, 5–9, … 85–89, 90 and over (sums to 100,000). */
export const esp2013 = [
  5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000, 7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500,
  1000,
] as const;

export const AGE_GROUPS = esp2013.length;

/** "0–4" … "85–89", "90+". */
export const ageGroupLabel = (group: number): string =>
  group === AGE_GROUPS - 1 ? '90+' : `${group * 5}–${group * 5 + 4}`;

/** The standard's five-year group of an age in whole years (90 and over is the last). */
export const ageGroupOf = (age: number): number => Math.min(Math.floor(age / 5), AGE_GROUPS - 1);

export type StandardisedRate =
  | { kind: 'rate'; deaths: number; rate: number; lower: number; upper: number }
  | { kind: 'not_calculated'; deaths: number }
  | { kind: 'no_population'; deaths: number }
  /** Shown outside CCSU when disclosure control hides the number of deaths. */
  | { kind: 'suppressed' };

/**
 * The directly standardised rate of deaths by age group (index as esp2013) in a population by the same
 * groups. Figures to one decimal place. A group with deaths but no population cannot be standardised.
 */
export function standardisedRate(deaths: readonly number[], population: readonly number[]): StandardisedRate {
  const total = deaths.reduce((a, b) => a + b, 0);
  if (population.length !== AGE_GROUPS || population.some((p, i) => !(p > 0) && (deaths[i] ?? 0) > 0))
    return { kind: 'no_population', deaths: total };
  if (population.every((p) => !(p > 0))) return { kind: 'no_population', deaths: total };
  if (total < MIN_EVENTS_FOR_RATE) return { kind: 'not_calculated', deaths: total };
  const weights = esp2013.reduce((a, b) => a + b, 0);
  let dsr = 0;
  let variance = 0;
  esp2013.forEach((w, i) => {
    const d = deaths[i] ?? 0;
    const n = population[i]!;
    if (!(n > 0)) return;
    dsr += (w * d) / n;
    variance += (w * w * d) / (n * n);
  });
  dsr /= weights;
  variance /= weights * weights;
  const [low, high] = byarLimits(total);
  const scale = Math.sqrt(variance / total);
  const per100k = (x: number) => Math.round(x * 1_000_000) / 10;
  return {
    kind: 'rate',
    deaths: total,
    rate: per100k(dsr),
    lower: per100k(dsr + scale * (low - total)),
    upper: per100k(dsr + scale * (high - total)),
  };
}

export type Comparison = 'higher' | 'similar' | 'lower' | 'not_compared';

/** Higher, similar or lower than a benchmark by whether the 95% intervals overlap (as Fingertips words it). */
export function compareIntervals(
  rate: { lower: number; upper: number } | undefined,
  benchmark: { lower: number; upper: number } | undefined,
): Comparison {
  if (!rate || !benchmark) return 'not_compared';
  if (rate.lower > benchmark.upper) return 'higher';
  if (rate.upper < benchmark.lower) return 'lower';
  return 'similar';
}

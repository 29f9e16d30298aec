// Rates per 100,000 residents, from a count as the reader is shown it. A partner's count has already
// been through disclosure control (suppressed or rounded), so the rate beside it can never reveal the
// exact number: a suppressed count has no rate, a rounded one gives a rate of the rounded figure.
import type { Shown } from './disclosure.js';

export type Rate = number | '*' | null;

/** Cases per 100,000 residents to one decimal place; '*' when the count is suppressed, null without a population. */
export function ratePer100k(count: Shown, population: number | undefined): Rate {
  if (count === '*') return '*';
  if (!population) return null;
  // count × 1,000,000 is an exact integer, so a true half (108.75) rounds up rather than landing a hair
  // below it as (count / population) × 100,000 × 10 can.
  return Math.round((count * 1_000_000) / population) / 10;
}

/** ONS and OHID Fingertips do not calculate a rate from fewer events than this. */
export const MIN_EVENTS_FOR_RATE = 10;

export type RateInterval =
  | { kind: 'rate'; rate: number; lower: number; upper: number }
  | { kind: 'not_calculated' }
  | { kind: 'suppressed' }
  | { kind: 'no_population' };

/**
 * A crude rate per 100,000 with its 95% confidence interval by Byar's approximation to the exact
 * Poisson limits (the method of OHID's PHEindicatormethods and Fingertips), each to one decimal place.
 * From fewer than 10 events no rate is calculated (ONS). The count is the one the reader is shown: a
 * partner's rounded count gives the interval of the rounded count, and a suppressed count gives none,
 * so an interval can never narrow a hidden count down.
 */
export function rateWithInterval(count: Shown, population: number | undefined): RateInterval {
  if (count === '*') return { kind: 'suppressed' };
  if (!population) return { kind: 'no_population' };
  if (count < MIN_EVENTS_FOR_RATE) return { kind: 'not_calculated' };
  const [lowerCount, upperCount] = byarLimits(count);
  const per100k = (n: number) => Math.round((n * 1_000_000) / population) / 10;
  return {
    kind: 'rate',
    rate: ratePer100k(count, population) as number,
    lower: per100k(lowerCount),
    upper: per100k(upperCount),
  };
}

/** Byar's approximation to the exact 95% Poisson limits of an observed count (PHEindicatormethods). */
export function byarLimits(count: number): [lower: number, upper: number] {
  const z = 1.959963984540054;
  const lower = count === 0 ? 0 : count * (1 - 1 / (9 * count) - z / (3 * Math.sqrt(count))) ** 3;
  const upper = (count + 1) * (1 - 1 / (9 * (count + 1)) + z / (3 * Math.sqrt(count + 1))) ** 3;
  return [lower, upper];
}

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

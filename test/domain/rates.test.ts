// Rates per 100,000 are worked out from the count as shown, so a partner's rate never reveals more than
// the disclosure-controlled count beside it.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { suppressCount } from '../../src/domain/disclosure.js';
import { ratePer100k, rateWithInterval } from '../../src/domain/rates.js';
import { exactPoissonLimits } from '../helpers/exact-poisson.js';

describe('rates per 100,000', () => {
  it('when 3 deaths are counted against 100,000 residents then the rate is 3.0; 1 in 95,000 is 1.1', () => {
    expect(ratePer100k(3, 100_000)).toBe(3);
    expect(ratePer100k(1, 95_000)).toBe(1.1);
    expect(ratePer100k(0, 95_000)).toBe(0);
  });

  it('when the rate is exactly half way between two tenths then it rounds up (2,175 in 2,000,000 is 108.8)', () => {
    expect(ratePer100k(2_175, 2_000_000)).toBe(108.8);
  });

  it('when there is no population then there is no rate', () => {
    expect(ratePer100k(12, undefined)).toBeNull();
  });

  it('when a partner sees a count after disclosure control then its rate is suppressed with it, or is the rate of the rounded count', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 1_000, max: 2_000_000 }),
        (count, population) => {
          const shown = suppressCount(count, { threshold: 7, base: 5 });
          const rate = ratePer100k(shown, population);
          if (shown === '*') expect(rate).toBe('*');
          else {
            // Within half a tenth of the exact rate of the shown count (worked in integers to avoid rounding twice).
            const tenths = (rate as number) * 10;
            expect(Math.abs(Math.round(tenths) * population - shown * 1_000_000)).toBeLessThanOrEqual(
              population / 2,
            );
          }
        },
      ),
    );
  });
});

describe('rates with 95% intervals', () => {
  const exactLimits = exactPoissonLimits;

  it.each([10, 11, 25, 100, 1_000])(
    'when %i deaths are in a population of 100,000 then the interval is within Byar’s tolerance of the exact Poisson limits',
    (deaths) => {
      const result = rateWithInterval(deaths, 100_000);
      if (result.kind !== 'rate') throw new Error(result.kind);
      const exact = exactLimits(deaths);
      expect(result.rate).toBe(deaths);
      // Per 100,000 in a population of 100,000 the limits are counts; Byar's is within 1% of exact here.
      expect(Math.abs(result.lower - exact.lower) / exact.lower).toBeLessThan(0.01);
      expect(Math.abs(result.upper - exact.upper) / exact.upper).toBeLessThan(0.01);
      expect(result.lower).toBeLessThan(result.rate);
      expect(result.upper).toBeGreaterThan(result.rate);
    },
  );

  it('when 10 deaths are in 100,000 people then the rate is 10.0 with 4.8 to 18.4, as published tables give', () => {
    expect(rateWithInterval(10, 100_000)).toEqual({ kind: 'rate', rate: 10, lower: 4.8, upper: 18.4 });
  });

  it('when there are fewer than 10 deaths, a hidden count or no population then no rate or interval is given', () => {
    for (const deaths of [0, 1, 9])
      expect(rateWithInterval(deaths, 100_000)).toEqual({ kind: 'not_calculated' });
    expect(rateWithInterval('*', 100_000)).toEqual({ kind: 'suppressed' });
    expect(rateWithInterval(12, undefined)).toEqual({ kind: 'no_population' });
  });

  it('when a partner sees two counts that disclosure control shows alike then their intervals are alike too', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1_000, max: 2_000_000 }),
        (count, nudge, population) => {
          const other = count + nudge;
          const [a, b] = [suppressCount(count), suppressCount(other)];
          if (a !== b) return;
          // Nothing about the exact count leaks through the interval: only the shown count is used.
          expect(rateWithInterval(a, population)).toEqual(rateWithInterval(b, population));
          if (a === '*') expect(rateWithInterval(a, population)).toEqual({ kind: 'suppressed' });
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

// Rates per 100,000 are worked out from the count as shown, so a partner's rate never reveals more than
// the disclosure-controlled count beside it.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { suppressCount } from '../../src/domain/disclosure.js';
import { ratePer100k } from '../../src/domain/rates.js';

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

// Age-standardised rates (2013 ESP, Dobson's intervals) against figures worked another way: by hand for
// a small example, and, where every death falls in groups of the same weight and population, against
// the exact Poisson limits of the total scaled to a rate (Dobson's method then reduces to them).
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { suppressCount } from '../../src/domain/disclosure.js';
import {
  AGE_GROUPS,
  ageGroupLabel,
  ageGroupOf,
  compareIntervals,
  esp2013,
  standardisedRate,
} from '../../src/domain/standardised.js';
import { exactPoissonLimits } from '../helpers/exact-poisson.js';

const groups = (values: Record<number, number>, otherwise = 0) =>
  Array.from({ length: AGE_GROUPS }, (_, g) => values[g] ?? otherwise);

describe('the 2013 European Standard Population', () => {
  it('when its weights are added then they make 100,000 in 19 groups, 0–4 to 90+', () => {
    expect(esp2013.reduce((a, b) => a + b, 0)).toBe(100_000);
    expect(ageGroupLabel(0)).toBe('0–4');
    expect(ageGroupLabel(18)).toBe('90+');
    expect([0, 4, 5, 37, 89, 90, 104].map(ageGroupOf)).toEqual([0, 0, 1, 7, 17, 18, 18]);
  });
});

describe('age-standardised rates', () => {
  it('when worked by hand: 4, 6 and 5 deaths at 35–49 in 10,000 residents each then 10.5 (5.9 to 17.3)', () => {
    // By hand: each of 35–39, 40–44, 45–49 weighs 7,000 of 100,000. Rate = 7,000 × (4 + 6 + 5) / 10,000
    // / 100,000 = 0.000105 → 10.5 per 100,000. Exact Poisson limits of 15 deaths are 8.40 and 24.74,
    // so the interval is 10.5 × 8.40 / 15 = 5.9 to 10.5 × 24.74 / 15 = 17.3.
    const result = standardisedRate(groups({ 7: 4, 8: 6, 9: 5 }), groups({}, 10_000));
    expect(result).toEqual({ kind: 'rate', deaths: 15, rate: 10.5, lower: 5.9, upper: 17.3 });
  });

  it('when worked by hand with unequal populations then the weights, not the crude rate, decide', () => {
    // 10 deaths at 20–24 in 5,000 (weight 6,000) and 10 at 80–84 in 20,000 (weight 2,500):
    // (6,000 × 10 / 5,000 + 2,500 × 10 / 20,000) / 100,000 = (12 + 1.25) / 100,000 → 13.3 per 100,000,
    // though the crude rate in those two groups is 20 / 25,000 = 80 per 100,000.
    const result = standardisedRate(groups({ 4: 10, 16: 10 }), groups({ 4: 5_000, 16: 20_000 }, 50_000));
    expect(result.kind === 'rate' && result.rate).toBe(13.3);
  });

  it.each([10, 11, 25, 100, 1_000])(
    'when %i deaths fall in groups of one weight then the interval is the exact Poisson limits within Byar’s tolerance',
    (deaths) => {
      const perGroup = [Math.ceil(deaths / 2), Math.floor(deaths / 2)];
      const result = standardisedRate(groups({ 8: perGroup[0]!, 9: perGroup[1]! }), groups({}, 70_000));
      if (result.kind !== 'rate') throw new Error(result.kind);
      // Weight 7,000 (of 100,000) in 70,000 residents: each death adds 7,000 / 70,000 = 0.1 per 100,000.
      const scale = 7_000 / 70_000;
      const exact = exactPoissonLimits(deaths);
      expect(result.rate).toBeCloseTo(deaths * scale, 1);
      expect(Math.abs(result.lower - exact.lower * scale)).toBeLessThan(
        Math.max(0.06, exact.lower * scale * 0.01),
      );
      expect(Math.abs(result.upper - exact.upper * scale)).toBeLessThan(
        Math.max(0.06, exact.upper * scale * 0.01),
      );
    },
  );

  it.each([0, 1, 9])('when there are %i deaths then no rate is calculated', (deaths) => {
    expect(standardisedRate(groups({ 8: deaths }), groups({}, 10_000))).toEqual({
      kind: 'not_calculated',
      deaths,
    });
  });

  it('when a group with deaths has no residents then the rate cannot be standardised', () => {
    expect(standardisedRate(groups({ 8: 12 }), groups({ 8: 0 }, 10_000)).kind).toBe('no_population');
  });

  it('when intervals overlap then similar; when apart then higher or lower', () => {
    expect(compareIntervals({ lower: 20, upper: 30 }, { lower: 10, upper: 19 })).toBe('higher');
    expect(compareIntervals({ lower: 5, upper: 9 }, { lower: 10, upper: 19 })).toBe('lower');
    expect(compareIntervals({ lower: 15, upper: 25 }, { lower: 10, upper: 19 })).toBe('similar');
    expect(compareIntervals(undefined, { lower: 10, upper: 19 })).toBe('not_compared');
  });

  it('when a reader outside CCSU sees a suppressed number of deaths then no rate comes with it', async () => {
    const { standardisedForAudience } = await import('../../src/areas/standardised-rates.js');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 3, max: 30 }), (deaths, threshold) => {
        const rate = standardisedRate(groups({ 8: deaths }), groups({}, 20_000));
        const base = {
          year: 2025,
          populationYear: 2025,
          source: 'ONS',
          pooledYears: [2023, 2025] as [number, number],
          england: { year: 2025, rate: 8, lower: 7.5, upper: 8.5, source: 'ONS' },
          countyVsEngland: 'higher' as const,
        };
        const shown = standardisedForAudience(
          {
            ...base,
            county: { year: rate, pooled: rate },
            areas: [{ code: 'x', label: 'X', year: rate, pooled: rate, comparison: 'higher' }],
            unknownAge: { year: deaths, pooled: deaths },
          },
          false,
          { threshold, base: 5 },
        );
        if (suppressCount(deaths, { threshold, base: 5 }) === '*') {
          expect(shown.county.year).toEqual({ kind: 'suppressed' });
          expect(shown.areas[0]!.comparison).toBe('not_compared');
          expect(shown.countyVsEngland).toBe('not_compared');
          expect(JSON.stringify(shown.areas[0])).not.toMatch(/"(rate|lower|upper|deaths)"/);
        } else if (shown.county.year.kind !== 'suppressed') {
          expect(shown.county.year.deaths).toBe(suppressCount(deaths, { threshold, base: 5 }));
        }
      }),
    );
  });
});

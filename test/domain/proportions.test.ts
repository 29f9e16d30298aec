// Wilson score intervals against the limits found another way: solving |p̂ − p| = z √(p(1 − p)/n) for p
// by bisection on each side of p̂ (the definition of the score interval), not by its closed form.
import { describe, expect, it } from '@jest/globals';
import { wilsonInterval } from '../../src/domain/proportions.js';

const z = 1.959963984540054;
function scoreLimits(k: number, n: number) {
  const p = k / n;
  const gap = (q: number) => Math.abs(p - q) - z * Math.sqrt((q * (1 - q)) / n);
  const solve = (lo: number, hi: number, rising: boolean) => {
    for (let i = 0; i < 200; i += 1) {
      const mid = (lo + hi) / 2;
      if (gap(mid) > 0 === rising) hi = mid;
      else lo = mid;
    }
    return (lo + hi) / 2;
  };
  // Below p̂ the gap falls as q rises to p̂; above p̂ it rises with q.
  return { lower: k === 0 ? 0 : solve(0, p, false), upper: k === n ? 1 : solve(p, 1, true) };
}

describe('Wilson score intervals', () => {
  it.each([
    [0, 10],
    [1, 10],
    [9, 10],
    [10, 10],
    [45, 70],
    [213, 260],
    [999, 1000],
  ])('when %i of %i then the interval is the score interval’s limits, in whole per cent', (k, n) => {
    const result = wilsonInterval(k, n)!;
    const exact = scoreLimits(k, n);
    expect(result.share).toBe(Math.round((k / n) * 100));
    expect(result.lower).toBe(Math.round(exact.lower * 100));
    expect(result.upper).toBe(Math.round(exact.upper * 100));
  });

  it('when 7 of 10 then 40% to 89% (published worked example: 0.3968 to 0.8922)', () => {
    expect(wilsonInterval(7, 10)).toEqual({ share: 70, lower: 40, upper: 89 });
  });

  it('when there is nothing to share then there is no interval', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

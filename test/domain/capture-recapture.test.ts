// Chapman's two-source estimator, checked against a published worked example.
import { describe, expect, it } from '@jest/globals';
import { chapman } from '../../src/domain/capture-recapture.js';

describe('Chapman’s estimator', () => {
  it('when 100 are found by each source and 20 by both then the total is 484.76 with a standard error of 82.03', () => {
    // The worked example in the R package recapr's documentation of NChapman and seChapman
    // (https://search.r-project.org/CRAN/refmans/recapr/html/NChapman.html): n1 = n2 = 100, m2 = 20.
    const result = chapman(100, 100, 20)!;
    expect(result.estimate).toBeCloseTo(484.76, 2);
    expect(result.standardError).toBeCloseTo(82.03, 2);
    expect(result.low).toBeCloseTo(484.76 - 1.96 * 82.03, 0);
    expect(result.high).toBeCloseTo(484.76 + 1.96 * 82.03, 0);
  });

  it('when the interval would fall below the deaths actually seen then it stops there', () => {
    // 6 and 6 with 3 in common: 9 deaths seen; 11.25 − 1.96 × 2.35 would be 6.65.
    const result = chapman(6, 6, 3)!;
    expect(result.estimate).toBeCloseTo(11.25, 5);
    expect(result.variance).toBeCloseTo(441 / 80, 5);
    expect(result.low).toBe(9);
  });

  it('when a list is empty or the overlap is impossible then there is no estimate', () => {
    expect(chapman(0, 5, 0)).toBeNull();
    expect(chapman(5, 3, 4)).toBeNull();
  });
});

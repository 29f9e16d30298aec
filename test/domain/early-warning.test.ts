import { describe, expect, it } from '@jest/globals';
import { findClusters } from '../../src/domain/early-warning.js';

const dated = (...dates: string[]) => dates.map((date, i) => ({ caseId: i + 1, date }));

describe('findClusters', () => {
  it('when three deaths fall within 14 days then they are one cluster', () => {
    expect(findClusters(dated('2026-03-01', '2026-03-07', '2026-03-14'), 3, 14)).toEqual([
      { first: '2026-03-01', last: '2026-03-14', caseIds: [1, 2, 3] },
    ]);
  });

  it('when three deaths spread over 15 days then there is no cluster', () => {
    expect(findClusters(dated('2026-03-01', '2026-03-08', '2026-03-15'), 3, 14)).toEqual([]);
  });

  it('when overlapping windows qualify then they merge into one growing cluster', () => {
    const clusters = findClusters(
      dated('2026-03-01', '2026-03-05', '2026-03-10', '2026-03-20', '2026-03-22'),
      3,
      14,
    );
    expect(clusters).toEqual([{ first: '2026-03-01', last: '2026-03-22', caseIds: [1, 2, 3, 4, 5] }]);
  });

  it('when two runs are apart then they are two clusters', () => {
    const clusters = findClusters(
      dated('2026-01-01', '2026-01-02', '2026-01-03', '2026-03-01', '2026-03-02', '2026-03-03'),
      3,
      14,
    );
    expect(clusters.map((c) => c.caseIds)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});

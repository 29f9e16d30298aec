import { describe, expect, it } from '@jest/globals';
import {
  concernLabel,
  deathsPhrase,
  groupOverlapping,
  ldisMatchesConcern,
} from '../../src/domain/early-warning.js';

describe('overlapping alerts', () => {
  const alert = (id: number, caseIds: number[], concerns: string, firstDeath: string, lastDeath: string) => ({
    id,
    caseIds,
    concerns,
    concernKeys: [`substance:${concerns.toLowerCase()}`],
    firstDeath,
    lastDeath,
  });

  it('when alerts share deaths then they read as one warning; when they do not they stay apart', () => {
    const groups = groupOverlapping([
      alert(1, [10, 11, 12], 'Cocaine', '2026-03-01', '2026-03-05'),
      alert(2, [12, 13, 14], 'Cocaine', '2026-03-04', '2026-03-09'),
      alert(3, [20, 21, 22], 'Opioids', '2026-03-02', '2026-03-06'),
      alert(4, [21, 22, 23], 'Methadone', '2026-03-03', '2026-03-07'),
      alert(5, [30, 31, 32], 'Xylazine', '2026-03-10', '2026-03-12'),
    ]);
    expect(groups.map(({ members: _members, ...group }) => group)).toEqual([
      {
        alertIds: [1, 2],
        concerns: 'Cocaine',
        concernKeys: ['substance:cocaine'],
        cases: 5,
        firstDeath: '2026-03-01',
        lastDeath: '2026-03-09',
      },
      {
        alertIds: [3, 4],
        concerns: 'Methadone / Opioids',
        concernKeys: ['substance:methadone', 'substance:opioids'],
        cases: 4,
        firstDeath: '2026-03-02',
        lastDeath: '2026-03-07',
      },
      {
        alertIds: [5],
        concerns: 'Xylazine',
        concernKeys: ['substance:xylazine'],
        cases: 3,
        firstDeath: '2026-03-10',
        lastDeath: '2026-03-12',
      },
    ]);
  });

  it('when a later alert joins two separate groups then all three are one', () => {
    const groups = groupOverlapping([
      alert(1, [1, 2, 3], 'A', '2026-03-01', '2026-03-02'),
      alert(2, [7, 8, 9], 'B', '2026-03-03', '2026-03-04'),
      alert(3, [3, 7], 'C', '2026-03-02', '2026-03-03'),
    ]);
    expect(groups.map((g) => [g.alertIds, g.cases])).toEqual([[[1, 2, 3], 6]]);
  });

  it('when an LDIS alert names a substance then it matches that substance and its group, not others', () => {
    expect(ldisMatchesConcern('substance:nitazene', ['nitazene'])).toBe(true);
    expect(ldisMatchesConcern('group:opioids', ['methadone'])).toBe(true);
    expect(ldisMatchesConcern('group:opioids', ['cocaine'])).toBe(false);
    expect(ldisMatchesConcern('substance:cocaine', ['crack_cocaine', 'heroin_morphine'])).toBe(false);
  });
});

describe('concerns in words', () => {
  it('when a concern is a district then it reads as the district, any substance', () => {
    expect(concernLabel('area:stevenage')).toBe('Stevenage (any substance)');
    expect(concernLabel('group:opioids')).toBe('Opioids');
    expect(deathsPhrase(['area:stevenage'])).toBe('deaths in Stevenage');
    expect(deathsPhrase(['group:opioids', 'area:watford'])).toBe('deaths involving Opioids in Watford');
  });
});

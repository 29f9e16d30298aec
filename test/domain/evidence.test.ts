// The one evidence ranking: worked through by hand from spec §6 (evidence first, then coroner, hospital,
// others), not by re-running the comparator's own arithmetic.
import { describe, expect, it } from '@jest/globals';
import { byBestEvidence } from '../../src/domain/evidence.js';

const record = (name: string, evidence_stage: string | null, organisation_type: string) => ({
  name,
  evidence_stage,
  organisation_type,
});

describe('the best-evidenced record of a case', () => {
  it('when records have different evidence then the most advanced comes first, whoever reported it', () => {
    const records = [
      record('hospital, suspected', 'reported_suspected', 'acute_hospital'),
      record('police, inquest', 'inquest_concluded', 'police'),
      record('coroner, awaiting tox', 'pm_awaiting_tox', 'coroner'),
      record('treatment, none given', null, 'treatment_service'),
      record('ambulance, tox', 'tox_received', 'ambulance'),
    ];
    expect(records.sort(byBestEvidence).map((r) => r.name)).toEqual([
      'police, inquest',
      'ambulance, tox',
      'coroner, awaiting tox',
      'hospital, suspected',
      'treatment, none given',
    ]);
  });

  it('when the evidence is the same then the coroner comes first, then a hospital, then others in their order', () => {
    const records = [
      record('police', 'tox_received', 'police'),
      record('hospital', 'tox_received', 'acute_hospital'),
      record('treatment', 'tox_received', 'treatment_service'),
      record('coroner', 'tox_received', 'coroner'),
    ];
    expect(records.sort(byBestEvidence).map((r) => r.name)).toEqual([
      'coroner',
      'hospital',
      'police',
      'treatment',
    ]);
  });
});

// Which of a case's records describes it best (spec §6): the most advanced evidence first, then the
// coroner's record, then a hospital's, then any other partner's. One rule: the case page sorts with
// byBestEvidence, and the SQL that picks each case's record for case_facts and the collated records
// (records/case-facts.ts) is built from the same two lists.
import { evidenceStages } from './reference.js';

/** Evidence stages, most advanced first (a record with none comes after all of them). */
export const evidenceBestFirst: readonly string[] = evidenceStages.map(([code]) => code).reverse();

/** At the same evidence, these partners' records are preferred, best first; any other type comes after. */
export const sourceTypesBestFirst: readonly string[] = ['coroner', 'acute_hospital'];

const rank = (list: readonly string[], value: string | null) => {
  const at = value === null ? -1 : list.indexOf(value);
  return at === -1 ? list.length : at;
};

/** A comparator putting the best-evidenced record first (stable: ties keep their order). */
export function byBestEvidence(
  a: { evidence_stage: string | null; organisation_type: string },
  b: { evidence_stage: string | null; organisation_type: string },
): number {
  return (
    rank(evidenceBestFirst, a.evidence_stage) - rank(evidenceBestFirst, b.evidence_stage) ||
    rank(sourceTypesBestFirst, a.organisation_type) - rank(sourceTypesBestFirst, b.organisation_type)
  );
}

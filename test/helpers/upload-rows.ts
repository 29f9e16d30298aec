// The required columns of the upload template and a valid row for them, shared by the upload tests and
// the hostile-file corpus.
export const uploadHeader = [
  'partner_record_ref',
  'date_of_death',
  'date_of_death_basis',
  'date_partner_aware',
  'place_of_death_type',
  'death_classification',
  'evidence_stage',
  'age_at_death',
  'sex',
  'ethnic_group',
  'residence_area',
  'substances',
  'treatment_status',
];

/** A valid row (a death on 10 March 2026) in the header's order; extra keys add columns at the end. */
export function uploadRow(ref: string, overrides: Record<string, string> = {}): string[] {
  const values: Record<string, string> = {
    partner_record_ref: ref,
    date_of_death: '2026-03-10',
    date_of_death_basis: 'exact',
    date_partner_aware: '2026-03-12',
    place_of_death_type: 'home',
    death_classification: 'suspected_drug',
    evidence_stage: 'pm_awaiting_tox',
    age_at_death: '44',
    sex: 'male',
    ethnic_group: 'white_british',
    residence_area: 'watford',
    substances: 'heroin_morphine;alcohol',
    treatment_status: 'in_treatment',
    ...overrides,
  };
  return Object.keys(values).map((k) => values[k]!);
}

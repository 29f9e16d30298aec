// The complete death both sides of the submission API bench save (bench/submission-api.ts through the
// records service, bench/api-clients.mjs over HTTP): one body, so the two rates compare like with like.
export function death(ref, i) {
  return {
    partner_record_ref: ref,
    date_of_death: `2026-03-${String(1 + (i % 20)).padStart(2, '0')}`,
    date_of_death_basis: 'exact',
    date_partner_aware: '2026-03-25',
    place_of_death_type: 'home',
    death_classification: 'suspected_drug',
    evidence_stage: 'pm_awaiting_tox',
    age_at_death: 18 + (i % 70),
    sex: i % 3 ? 'male' : 'female',
    ethnic_group: 'white_british',
    residence_area: 'watford',
    substances: ['heroin_morphine', 'alcohol'],
    treatment_status: 'in_treatment',
  };
}

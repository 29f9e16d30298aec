// A hand-computable picture: 14 records from three partners that are 12 cases (deaths).
import type { TestApp } from '../helpers/app.js';
import { createOrganisation } from '../helpers/app.js';
import { submittedRecord } from '../helpers/records.js';

/** The cells of a table by row heading: { Watford: ['10'], … }, with the footer as 'Total'. */
export function tableOf(html: string, id: string): Record<string, string[]> {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0];
  if (!table) throw new Error(`No table ${id}`);
  const rows: Record<string, string[]> = {};
  for (const row of table.matchAll(/<tr class="govuk-table__row">([\s\S]*?)<\/tr>/g)) {
    const heading = /<th scope="row"[^>]*>([\s\S]*?)<\/th>/.exec(row[1]!)?.[1]?.trim();
    if (!heading) continue;
    rows[heading] = [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]!.trim());
  }
  return rows;
}

/**
 * Cases who died January–March 2026: one death in Watford reported by three partners (coroner's record
 * best: drug poisoning, heroin and alcohol); nine more in Watford in March (cocaine, men aged 20 to 60);
 * two in Dacorum in January (alcohol, women of 50). 12 cases: Watford 10, Dacorum 2.
 */
export async function loadFixture(t: TestApp) {
  const coroner = await createOrganisation(t, { name: 'Coroner', code: 'COR', type: 'coroner' });
  const hospital = await createOrganisation(t, { name: 'Hospital', code: 'HOS', type: 'acute_hospital' });
  const treatment = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  // One death reported by three partners: the coroner's record is the best evidenced.
  await submittedRecord(t, treatment, { match_key_nhs: 'k-a', substances: ['heroin_morphine'] });
  await submittedRecord(t, hospital, { match_key_nhs: 'k-a', substances: ['heroin_morphine'] });
  await submittedRecord(t, coroner, {
    match_key_nhs: 'k-a',
    substances: ['heroin_morphine', 'alcohol'],
    death_classification: 'drug_poisoning',
    evidence_stage: 'inquest_concluded',
  });
  // Nine more deaths in Watford in March, each reported once, spread so none are near matches.
  for (let i = 0; i < 9; i += 1)
    await submittedRecord(t, treatment, {
      date_of_death: `2026-03-${String(i + 11).padStart(2, '0')}`,
      age_at_death: 20 + i * 5,
      substances: ['cocaine'],
    });
  // Two in Dacorum in January.
  for (const day of ['05', '20'])
    await submittedRecord(t, hospital, {
      period: '2026-01',
      date_of_death: `2026-01-${day}`,
      date_partner_aware: `2026-02-0${day === '05' ? 1 : 2}`,
      sex: 'female',
      age_at_death: 50,
      residence_area: 'dacorum',
      death_classification: 'suspected_alcohol',
      substances: ['alcohol'],
    });
  return { coroner, hospital, treatment };
}

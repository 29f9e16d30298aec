// The demo's Coroners Audit (seed:demo): inquests for most of the fictional deaths old enough to have had
// one, some with the NHS number (linked by key), some without (near matches to decide), and a few deaths
// no partner reported — loaded through the same checks as CCSU's own file, so completeness has figures.
import type { Services } from '../services.js';
import { addDays, type IsoDate } from '../domain/periods.js';

export interface DemoDeath {
  date_of_death: IsoDate;
  age_at_death: string;
  sex: string;
  residence_area: string;
  death_classification: string;
  substances: string[];
  nhs: string;
}

export async function seedDemoAudit(
  services: Services,
  deaths: DemoDeath[],
  today: IsoDate,
  rand: () => number,
) {
  const rows: string[] = [];
  let n = 0;
  const row = (d: Omit<DemoDeath, 'nhs'> & { nhs: string | null }) => {
    const inquest = addDays(d.date_of_death, 90 + Math.floor(rand() * 160));
    if (inquest > today) return;
    n += 1;
    const drug = d.death_classification !== 'suspected_alcohol' && rand() < 0.9;
    const alcohol = d.death_classification !== 'suspected_drug' || d.substances.includes('alcohol');
    rows.push(
      [
        `DEMO-INQ-${String(n).padStart(4, '0')}`,
        d.date_of_death,
        inquest,
        drug ? 'drug_related' : alcohol ? 'alcohol_related' : 'accident_misadventure',
        drug ? 'yes' : 'no',
        alcohol ? 'yes' : 'no',
        d.substances.filter((s) => s !== 'unknown_awaiting_toxicology').join(';'),
        d.age_at_death,
        d.sex,
        d.residence_area,
        d.nhs ?? '',
        '',
        '',
        '',
      ].join(','),
    );
  };
  for (const death of deaths) {
    if (rand() < 0.2) continue; // no inquest yet, or not referred
    row({ ...death, nhs: rand() < 0.75 ? death.nhs : null });
    if (rand() < 0.12)
      // A death no partner reported.
      row({
        ...death,
        date_of_death: addDays(death.date_of_death, 1),
        age_at_death: '61',
        residence_area: 'watford',
        nhs: null,
      });
  }
  const header =
    'inquest_ref,date_of_death,inquest_date,conclusion,drug_related,alcohol_related,substances,age,sex,residence_area,nhs_number,surname,first_initial,date_of_birth';
  const actor = { userId: null, label: 'seed:demo' };
  const result = await services.coroners.receive(
    Buffer.from([header, ...rows].join('\n')),
    { source: 'Fictional demo audit (not real data)', extracted_on: today },
    actor,
  );
  if (!result.ok) throw new Error(`Demo audit: ${result.problems.join('; ')}`);
  await services.coroners.confirm(result.loadId, actor);
}

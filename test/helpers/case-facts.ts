// Cases straight into case_facts (the linked cases every figure counts), for tests of figures that
// need many deaths quickly: each call adds `count` cases with new case numbers.
import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';

export interface CaseFact {
  area: string;
  /** Date of death, YYYY-MM-DD. */
  date: string;
  /** Month first reported (YYYY-MM); the month of death when not given. */
  reported?: string;
  age?: number | null;
  substances?: string[];
  groups?: string[];
}

export async function addCases(db: Db, fact: CaseFact, count = 1): Promise<void> {
  for (let i = 0; i < count; i += 1)
    await sql`
      insert into case_facts (case_id, best_record_id, date_of_death, death_month, reported_month, age_band,
        age, substances, substance_groups, organisation_types, report_count, residence_area)
      select coalesce(max(case_id), 0) + 1, coalesce(max(case_id), 0) + 1, ${fact.date}, ${fact.date.slice(0, 7)},
        ${fact.reported ?? fact.date.slice(0, 7)}, '35–44', ${fact.age ?? null},
        ${fact.substances ?? ['heroin_morphine']}::text[], ${fact.groups ?? ['opioids']}::text[],
        '{drug_alcohol_treatment}', 1, ${fact.area}
      from case_facts`.execute(db);
}

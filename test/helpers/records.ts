// Submitted records straight into the database, then cases worked out as a submission would: for tests
// about what happens after returns are in (collation, dashboard, early warning).
import { queueNearMatches, relinkCases } from '../../src/cases/relink.js';
import type { NewRecord, Organisation } from '../../src/db/types.js';
import type { TestApp } from './app.js';

let counter = 0;

export async function submittedRecord(
  t: TestApp,
  org: Organisation,
  values: Partial<NewRecord> & { period?: string } = {},
): Promise<number> {
  const { period = '2026-03', ...fields } = values;
  const ret = await t.db
    .insertInto('returns')
    .values({ organisation_id: org.id, period, state: 'submitted', current_version: 1 })
    .onConflict((oc) => oc.columns(['organisation_id', 'period']).doUpdateSet({ state: 'submitted' }))
    .returning('id')
    .executeTakeFirstOrThrow();
  counter += 1;
  const record = await t.db
    .insertInto('records')
    .values({
      organisation_id: org.id,
      return_id: ret.id,
      partner_record_ref: `R-${counter}`,
      date_of_death: '2026-03-10',
      date_partner_aware: '2026-03-12',
      sex: 'male',
      age_at_death: 40,
      residence_area: 'watford',
      death_classification: 'suspected_drug',
      evidence_stage: 'reported_suspected',
      ...fields,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await relinkCases(t.db, [record.id]);
  await queueNearMatches(t.db, [record.id], t.clock.now());
  return record.id;
}

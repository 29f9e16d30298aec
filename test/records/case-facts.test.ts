// The one-row-per-case summary derives age bands and substance groups in SQL; they must agree with the
// pure rules in domain/groupings.ts for every age and every substance code.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, createTestApp, type TestApp } from '../helpers/app.js';
import { submittedRecord } from '../helpers/records.js';
import { ageBandOf, substanceGroupsOf } from '../../src/domain/groupings.js';
import { substances } from '../../src/domain/reference.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
});
afterAll(() => t.close());

describe('case facts', () => {
  it('when records of every age and substance are submitted then bands and groups match the pure rules', async () => {
    const org = await createOrganisation(t);
    const ages: (number | null)[] = [null, ...Array.from({ length: 106 }, (_, i) => i)];
    const expected = new Map<number, { band: string; groups: string[] }>();
    for (const [i, age] of ages.entries()) {
      const codes =
        i === 0 ? [] : [substances[i % substances.length]![0], substances[(i * 7) % substances.length]![0]];
      const id = await submittedRecord(t, org, {
        age_at_death: age,
        substances: codes,
        date_of_death: `2026-03-${String(1 + (i % 28)).padStart(2, '0')}`,
        residence_area: i % 2 ? 'watford' : 'dacorum',
        sex: i % 3 ? 'male' : 'female',
      });
      expected.set(id, { band: ageBandOf(age), groups: substanceGroupsOf(codes).sort() });
    }
    const facts = await t.db
      .selectFrom('case_facts')
      .select(['best_record_id', 'age_band', 'substance_groups'])
      .execute();
    expect(facts).toHaveLength(ages.length);
    for (const fact of facts)
      expect({ band: fact.age_band, groups: [...fact.substance_groups].sort() }).toEqual(
        expected.get(fact.best_record_id!),
      );
  });
});

describe('when an organisation changes type', () => {
  it('then its cases are described again: the best record and the reporting types follow', async () => {
    const hospital = await createOrganisation(t, { type: 'acute_hospital' });
    const other = await createOrganisation(t, { type: 'police' });
    await submittedRecord(t, hospital, { match_key_nhs: 'type-change', residence_area: 'hertsmere' });
    const police = await submittedRecord(t, other, {
      match_key_nhs: 'type-change',
      residence_area: 'stevenage',
    });
    const fact = () =>
      t.db
        .selectFrom('case_facts')
        .innerJoin('records', 'records.case_id', 'case_facts.case_id')
        .select(['case_facts.residence_area', 'case_facts.organisation_types'])
        .where('records.id', '=', police)
        .executeTakeFirstOrThrow();
    expect(await fact()).toEqual({
      residence_area: 'hertsmere',
      organisation_types: ['acute_hospital', 'police'],
    });
    const input = { ...other, type: 'coroner', areas: other.areas, active_to: null };
    await t.services.organisations.update(other.id, input as never, { userId: null, label: 'test' });
    expect(await fact()).toEqual({
      residence_area: 'stevenage',
      organisation_types: ['acute_hospital', 'coroner'],
    });
  });
});

// The CCSU collated summary: cases not records, the schedule, and no count between 1 and 7 ever.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  createOrganisation,
  createTestApp,
  createUser,
  signedIn,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import type { Organisation, User } from '../../src/db/types.js';
import { nhsMatchKey } from '../../src/domain/linkage.js';
import { relinkCases } from '../../src/cases/relink.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let orgs: Organisation[];
let analyst: User;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-10T09:00:00Z' });
  analyst = await createUser(t, 'ccsu_analyst');
  orgs = [
    await createOrganisation(t, { name: 'Coroner', code: 'COR', type: 'coroner', active_from: '2026-01' }),
    await createOrganisation(t, {
      name: 'Hospital',
      code: 'HOS',
      type: 'acute_hospital',
      active_from: '2026-01',
    }),
    await createOrganisation(t, {
      name: 'Treatment',
      code: 'TRE',
      type: 'drug_alcohol_treatment',
      active_from: '2026-01',
    }),
    await createOrganisation(t, { name: 'Late Org', code: 'LAT', active_from: '2026-01' }),
  ];
});
afterAll(() => t.close());

let recordNumber = 0;
async function report(org: Organisation, period: string, record: Partial<Record<string, unknown>>) {
  const ret = await t.db
    .insertInto('returns')
    .values({
      organisation_id: org.id,
      period,
      state: 'submitted',
      current_version: 1,
      reference: `DRD-${period}-${org.code}-1`,
    })
    .onConflict((oc) => oc.columns(['organisation_id', 'period']).doUpdateSet({ state: 'submitted' }))
    .returning('id')
    .executeTakeFirstOrThrow();
  recordNumber += 1;
  const inserted = await t.db
    .insertInto('records')
    .values({
      organisation_id: org.id,
      return_id: ret.id,
      partner_record_ref: `SECRETREF-${recordNumber}`,
      date_of_death: `${period}-05`,
      date_partner_aware: `${period}-06`,
      residence_area: 'watford',
      death_classification: 'suspected_drug',
      evidence_stage: 'reported_suspected',
      substances: ['heroin_morphine'],
      age_at_death: 40,
      sex: 'male',
      ...record,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await relinkCases(t.db, [inserted.id]); // as a submission does
}

describe('the collated summary', () => {
  it('when three partners report the same death then it counts as one case, described by the best evidence', async () => {
    const key = nhsMatchKey(t.config.linkageSecret, '9434765919');
    await report(orgs[2]!, '2026-03', {
      match_key_nhs: key,
      residence_area: 'dacorum',
      evidence_stage: 'reported_suspected',
    });
    await report(orgs[1]!, '2026-03', {
      match_key_nhs: key,
      residence_area: 'watford',
      evidence_stage: 'pm_awaiting_tox',
    });
    await report(orgs[0]!, '2026-03', {
      match_key_nhs: key,
      residence_area: 'stevenage',
      evidence_stage: 'pm_awaiting_tox',
    });
    const figures = await t.services.summary.figures('2026-03');
    expect(figures.newCases).toBe(1);
    expect(figures.byArea).toEqual({ stevenage: 1 }); // coroner beats hospital at the same evidence stage
    expect(figures.compliance).toMatchObject({ on_time: 3, outstanding: 1 });
  });

  it('when the working day after the deadline comes then the summary goes once to CCSU, and not before', async () => {
    t.clock.set('2026-04-16T09:00:00Z'); // March's deadline day
    // Catching up after the scheduler was off since January: only the latest due summary (February) goes.
    expect(await t.services.summary.runScheduled()).toBe('2026-02');
    expect(await t.services.summary.runScheduled()).toBeNull();
    t.clock.set('2026-04-17T09:00:00Z');
    expect(await t.services.summary.runScheduled()).toBe('2026-03');
    expect(await t.services.summary.runScheduled()).toBeNull();
    const all = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', 'like', 'summary:%')
      .orderBy('id')
      .execute();
    expect(all.map((e) => e.subject)).toEqual([
      'Drug-related deaths: collated summary for February 2026',
      'Drug-related deaths: collated summary for March 2026',
    ]);
    const emails = all.slice(1);
    expect(emails[0]!.to_addresses).toEqual([analyst.email]);
    expect(emails[0]!.subject).toBe('Drug-related deaths: collated summary for March 2026');
    expect(emails[0]!.text).toContain('Overdue: Late Org');
    expect(emails[0]!.text).toContain('New cases reported in March 2026: *');
    expect(emails[0]!.html).toContain('Open the dashboard');
    expect(emails[0]!.text).not.toContain('SECRETREF');
  });

  it('when an analyst asks for the summary then it is sent now, and partners cannot ask', async () => {
    const agent = await signedIn(t, analyst);
    const response = await agent.submit('/ccsu/summary', { period: '2026-03' }, '/ccsu?period=2026-03');
    expect(response.status).toBe(302);
    const emails = await t.db
      .selectFrom('outbox')
      .select('subject')
      .where('idempotency_key', 'like', 'summary:%')
      .execute();
    expect(emails).toHaveLength(3);
    const partner = await signedInAs(t, 'partner', orgs[0]!.id);
    const refused = await partner.submit('/ccsu/summary', { period: '2026-03' }, '/returns');
    expect(refused.status).toBe(403);
    // A month before any organisation made returns has no summary to send.
    const ancient = await agent.submit('/ccsu/summary', { period: '2012-03' }, '/ccsu?period=2026-03');
    expect(ancient.status).toBe(400);
    expect(within(ancient, '#error-explanation')).toContain(
      'There is no summary for a month before any organisation made returns',
    );
    expect(
      await t.db
        .selectFrom('outbox')
        .select('id')
        .where('idempotency_key', 'like', 'summary:2012-03%')
        .execute(),
    ).toHaveLength(0);
  });

  it('when the data is anything at all then the email shows no count from 1 to 7 and no record-level data', async () => {
    const areas = ['watford', 'dacorum', 'stevenage', 'hertsmere'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            area: fc.constantFrom(...areas),
            age: fc.integer({ min: 15, max: 80 }),
            sex: fc.constantFrom('male', 'female'),
            month: fc.constantFrom('2026-01', '2026-02', '2026-03'),
          }),
          { maxLength: 40 },
        ),
        async (records) => {
          await t.db.deleteFrom('records').execute();
          for (const r of records)
            await report(orgs[2]!, r.month, { residence_area: r.area, age_at_death: r.age, sex: r.sex });
          const sent = await t.services.summary.send('2026-03', 'on_demand', { userId: null, label: 'test' });
          expect(sent).toBe(true);
          const email = await t.db
            .selectFrom('outbox')
            .select(['text', 'html'])
            .orderBy('id', 'desc')
            .executeTakeFirstOrThrow();
          // Compliance, reminders and the scorecard count organisations, not people.
          const caseLines = email.text.split('RETURNS FOR')[1]!.split('CASES')[1]!.split('REMINDERS')[0]!;
          expect(caseLines).toContain('By age band and sex');
          for (const match of caseLines.matchAll(/(?::|\/) (\d+)\b/g)) {
            const n = Number(match[1]);
            expect(n === 0 || (n >= 8 && n % 5 === 0)).toBe(true);
          }
          expect(email.text).not.toContain('SECRETREF');
          expect(email.html).not.toContain('SECRETREF');
        },
      ),
      { numRuns: 12 },
    );
  });
});

// Reminder effectiveness and the scorecard, on hand-worked dates (England and Wales working days).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, createTestApp, type TestApp, signedInAs } from '../helpers/app.js';
import { tableOf } from '../dashboard/fixture.js';
import type { Organisation } from '../../src/db/types.js';

let t: TestApp;
let org: Organisation;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  org = await createOrganisation(t, { name: 'Hertfordshire Treatment' });
  await createOrganisation(t, { name: 'Newcomer', active_from: '2026-04' });
  // January: deadline Friday 13 February, in on Wednesday 11th (2 working days early).
  // February: deadline Friday 13 March, in on Tuesday 17th (2 working days late).
  // March: deadline Thursday 16 April (Easter in between), nothing by the 20th: missing.
  await t.db
    .insertInto('returns')
    .values([
      {
        organisation_id: org.id,
        period: '2026-01',
        state: 'submitted',
        current_version: 1,
        first_submitted_at: new Date('2026-02-11T12:00:00Z'),
      },
      {
        organisation_id: org.id,
        period: '2026-02',
        state: 'submitted',
        current_version: 1,
        submitted_late: true,
        first_submitted_at: new Date('2026-03-17T12:00:00Z'),
      },
    ])
    .execute();
  await t.db
    .insertInto('reminders')
    .values([
      {
        organisation_id: org.id,
        period: '2026-02',
        kind: 'overdue',
        queued_at: new Date('2026-03-16T08:00:00Z'),
        recipients: ['a@org.test'],
      },
      {
        organisation_id: org.id,
        period: '2026-03',
        kind: 'due_soon',
        queued_at: new Date('2026-04-14T08:00:00Z'),
        recipients: ['a@org.test'],
      },
    ])
    .execute();
});
afterAll(() => t.close());

describe('reminders and scorecard', () => {
  it('when an analyst opens the page then each organisation shows on time, late, missing and the median', async () => {
    const analyst = await signedInAs(t, 'ccsu_analyst');
    const page = await analyst.get('/dashboard/reminders');
    expect(page.status).toBe(200);
    const card = tableOf(page.text, 'scorecard-table');
    expect(
      card[
        '<a class="govuk-link" href="/ccsu/compliance/organisations/' +
          org.id +
          '">Hertfordshire Treatment</a>'
      ],
    ).toEqual(['3', '1', '33% (6% to 79%)', '1', '1', '0']);
    // Wilson's score interval by hand: 1 of 1 is 20.7% to 100%, 0 of 1 is 0% to 79.3%, 1 of 3 is
    // 6.1% to 79.2%.
    const effects = tableOf(page.text, 'reminder-effects-table');
    expect(effects.Overdue).toEqual(['1', '1', '100% (21% to 100%)']);
    expect(effects['Due soon']).toEqual(['1', '0', '0% (0% to 79%)']);
    expect(effects['Escalation']).toEqual(['0', '0', 'None sent']);
  });

  it('when the summary email goes then it carries the scorecard and reminder effectiveness', async () => {
    await t.services.summary.send('2026-03', 'on_demand', { userId: null, label: 'test' });
    const message = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', 'like', 'summary:%')
      .executeTakeFirstOrThrow();
    expect(message.text).toContain(
      'Hertfordshire Treatment: 1 on time, 1 late, 1 missing of 3; median 0 working days from deadline',
    );
    expect(message.text).toContain(
      'Overdue: 1 sent, 1 followed by a return (100%, 95% interval 21% to 100%)',
    );
    expect(message.text).not.toContain('Newcomer:');
  });

  it('when a partner asks for the page then it is not there', async () => {
    const partner = await signedInAs(t, 'partner', org.id);
    expect((await partner.get('/dashboard/reminders')).status).toBe(404);
  });
});

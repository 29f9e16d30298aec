// A reminder to an organisation whose month already holds draft deaths does not offer a nil return
// (its link would only say it cannot be used): it says how many drafts wait, and to sign in and submit.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  addCompleteRecord,
  createOrganisation,
  createTestApp,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-01T09:00:00Z' });
  const drafter = await createOrganisation(t, {
    name: 'Drafter',
    code: 'DRA',
    active_from: '2026-03',
    return_contacts: ['r@drafter.test'],
  });
  await createOrganisation(t, {
    name: 'Empty',
    code: 'EMP',
    active_from: '2026-03',
    return_contacts: ['r@empty.test'],
  });
  await addCompleteRecord(await signedInAs(t, 'partner', drafter.id), '2026-03', 'DRA-1');
});
afterAll(() => t.close());

describe('reminders and drafts', () => {
  it('when a month holds one draft death then its reminder says so and offers no nil return; an empty month is offered one', async () => {
    expect(await t.services.reminders.run()).toBe(2);
    const emailTo = async (address: string) =>
      (await t.db.selectFrom('outbox').select(['text', 'html', 'to_addresses']).execute()).find((m) =>
        m.to_addresses.includes(address),
      )!;
    const drafter = await emailTo('r@drafter.test');
    expect(drafter.text).toContain('You have 1 draft death in this return: sign in to check and submit');
    expect(drafter.text).not.toContain('/nil/');
    expect(drafter.html).not.toContain('Make a nil return');
    const empty = await emailTo('r@empty.test');
    expect(empty.text).toContain('make a nil return');
    expect(empty.text).toMatch(/\/nil\/[\w-]+/);
  });
});

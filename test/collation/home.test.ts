// The CCSU home page's month: says in words when everyone has returned, and does not page back past
// the first month any organisation made a return for.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let analyst: Agent;
beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const org = await createOrganisation(t, { name: 'Only Org', code: 'ONL', active_from: '2026-03' });
  const partner = await signedInAs(t, 'partner', org.id);
  await partner.submit('/returns/2026-03/nil', { declaration: 'yes' });
  analyst = await signedInAs(t, 'ccsu_analyst');
});
afterAll(() => t.close());

describe('the CCSU home page', () => {
  it('when every organisation has returned then the page says so, and there is no month before the first', async () => {
    const page = await analyst.get('/ccsu');
    expect(within(page, '#all-returned')).toContain('Every organisation has returned for March 2026.');
    expect(page.text).not.toContain('Previous month');
  });

  it('when a month before any organisation is opened then it says no one makes a return, with no empty deadline', async () => {
    const page = await analyst.get('/ccsu?period=2026-02');
    expect(within(page, 'main')).toContain('No organisation makes a return for this month.');
    expect(page.text).not.toContain('Deadline:');
    expect(page.text).not.toContain('Previous month');
  });
});

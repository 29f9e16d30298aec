// A new organisation is not left unable to submit: the administrator goes straight on to invite its
// first user and sees which organisations have no return lead; a partner blocked by the agreement with
// no lead to accept it gets CCSU's contact and a button that asks CCSU; a lead who accepts goes back to
// the return. And the Users page asks before it signs someone out, offers "Unlock" only where there is
// something to unlock, and says so when an invitation could not be emailed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import {
  createOrganisation,
  createTestApp,
  createUser,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { recordFailure } from '../../src/accounts/throttle-repository.js';

let t: TestApp;
let admin: Agent;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-10T10:00:00Z' });
  admin = await signedInAs(t, 'ccsu_admin');
});
afterAll(() => t.close());

describe('an organisation without a return lead', () => {
  it('when an admin adds an organisation then they go straight on to invite its first user, and the list says it has no lead', async () => {
    const added = await admin.submit('/admin/organisations/new', {
      name: 'New Housing Trust',
      code: 'NHT',
      type: 'housing_homelessness',
      areas: ['watford'],
      'active_from-month': '3',
      'active_from-year': '2026',
      return_contacts: 'returns@nht.test',
      escalation_contact: 'boss@nht.test',
    });
    expect(added.status).toBe(302);
    const org = await t.db
      .selectFrom('organisations')
      .select('id')
      .where('code', '=', 'NHT')
      .executeTakeFirstOrThrow();
    expect(added.headers.location).toBe(`/admin/users/invite?organisation=${org.id}`);
    const invite = cheerio.load((await admin.get(added.headers.location!)).text);
    expect(invite('.govuk-notification-banner').text()).toContain(
      'Invite its first user now, then make them its return lead',
    );
    expect(invite('select#organisation_id option[selected]').attr('value')).toBe(String(org.id));

    const list = cheerio.load((await admin.get('/admin/organisations')).text);
    expect(list('#without-lead').text()).toContain('no return lead');
    const row = list('tbody tr').filter((_i, tr) => list(tr).text().includes('New Housing Trust'));
    expect(row.find('td[data-label="Return lead"]').text()).toContain('None');
    expect(row.find('td[data-label="Return lead"] a').attr('href')).toBe(
      `/admin/users?organisation=${org.id}`,
    );
  });

  it('when a partner is blocked by the agreement with no lead then the return names CCSU’s contact and one button asks CCSU, once a day', async () => {
    const org = await createOrganisation(t, { name: 'Leadless', code: 'LDL', active_from: '2026-01' });
    await t.services.agreements.publish(
      { version: '1.0', title: 'Agreement', body: 'Text.', link: null, effective_from: '2026-04-01' },
      { userId: null, label: 'test' },
    );
    const partner = await signedInAs(t, 'partner', org.id);
    const page = cheerio.load((await partner.get('/returns/2026-03')).text);
    expect(page('#agreement-needed').length).toBe(1);
    expect(page('main').text()).toContain(
      'The County Community Safety Unit (ccsu@hertfordshire.gov.uk) nominates return leads',
    );
    const asked = await partner.submit(
      '/organisation/ask-for-return-lead',
      { return_to: '/returns/2026-03' },
      '/returns/2026-03',
    );
    expect(asked.headers.location).toBe('/returns/2026-03');
    expect(
      cheerio
        .load((await partner.get('/returns/2026-03')).text)('.govuk-notification-banner')
        .text(),
    ).toContain('asked to nominate a return lead');
    await partner.submit(
      '/organisation/ask-for-return-lead',
      { return_to: '/returns/2026-03' },
      '/returns/2026-03',
    );
    const emails = await t.db
      .selectFrom('outbox')
      .select(['subject', 'text'])
      .where('subject', '=', 'Leadless needs a return lead')
      .execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.text).toContain(`/admin/users?organisation=${org.id}`);
  });
});

describe('the users page', () => {
  it('when an admin deactivates or resets a second factor then a page asks first, and cancelling changes nothing', async () => {
    const org = await createOrganisation(t);
    const target = await createUser(t, 'partner', org.id);
    const users = cheerio.load((await admin.get(`/admin/users?organisation=${org.id}`)).text);
    expect(users('tbody tr')).toHaveLength(1);
    const ask = await admin.get(
      users('tbody a')
        .filter((_i, a) => users(a).text().startsWith('Deactivate'))
        .attr('href')!,
    );
    const $ = cheerio.load(ask.text);
    expect($('h1').text()).toBe('Deactivate this user?');
    expect($('.govuk-caption-l').text()).toBe(target.email);
    expect(
      (await t.db.selectFrom('users').select('status').where('id', '=', target.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('active');
    const resetAsk = cheerio.load((await admin.get(`/admin/users/${target.id}/reset-two-factor`)).text);
    expect(resetAsk('h1').text()).toBe('Reset this user’s second factor?');
    const done = await admin.submit(`/admin/users/${target.id}/deactivate`, {});
    expect(done.headers.location).toBe('/admin/users');
  });

  it('when a user is not locked then Unlock is not offered; when they are, it is', async () => {
    const org = await createOrganisation(t);
    const target = await createUser(t, 'partner', org.id);
    const unlockFor = async () => {
      const $ = cheerio.load((await admin.get(`/admin/users?organisation=${org.id}`)).text);
      return $(`form[action="/admin/users/${target.id}/unlock"]`).length;
    };
    expect(await unlockFor()).toBe(0);
    const rule = {
      key: `signin:account:${target.email.toLowerCase()}`,
      limit: 1,
      windowMs: 60_000,
      blockMs: 60_000,
    };
    await recordFailure(t.db, [rule], t.clock.now());
    expect(await unlockFor()).toBe(1);
  });

  it('when there is no email server then the admin is told the invitation was not sent, and given the link', async () => {
    const org = await createOrganisation(t);
    const response = await admin.submit('/admin/users/invite', {
      email: 'new.person@org.test',
      role: 'partner',
      organisation_id: String(org.id),
    });
    const $ = cheerio.load(response.text);
    expect($('.govuk-notification-banner').text()).toContain(
      'No email server is set up, so nothing was sent',
    );
    expect($('#invitation-link').text()).toMatch(/\/invitations\//);
  });
});

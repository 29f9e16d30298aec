// A partner organisation's return lead: invites and deactivates colleagues in their own organisation,
// sets its contacts; never reaches another organisation's people. Other partners can only read.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import {
  createOrganisation,
  createTestApp,
  createUser,
  signedIn,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import type { Organisation, User } from '../../src/db/types.js';

let t: TestApp;
let org: Organisation;
let other: Organisation;
let lead: User;
let leadAgent: Agent;
let colleague: User;
let colleagueAgent: Agent;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-10T10:00:00Z' });
  org = await createOrganisation(t, { name: 'Herts Treatment', code: 'HTR' });
  other = await createOrganisation(t, { name: 'Other Org', code: 'OTH' });
  const admin = await signedInAs(t, 'ccsu_admin');
  lead = await createUser(t, 'partner', org.id);
  const made = await admin.submit(
    `/admin/users/${lead.id}/return-lead`,
    { return_lead: 'yes' },
    '/admin/users',
  );
  expect(made.status).toBe(302);
  leadAgent = await signedIn(t, lead);
  colleague = await createUser(t, 'partner', org.id);
  colleagueAgent = await signedIn(t, colleague);
});
afterAll(() => t.close());

const userRow = (id: number) =>
  t.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

describe('what a return lead can do', () => {
  it('when CCSU nominates a return lead then the audit says who, and the organisation page shows the tag', async () => {
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'return_lead_nominated')
      .executeTakeFirstOrThrow();
    expect(audit.entity_id).toBe(String(lead.id));
    const $ = cheerio.load((await colleagueAgent.get('/organisation')).text);
    const row = $('tr').filter((_i, el) => $(el).text().includes(lead.email));
    expect(row.find('.govuk-tag').text()).toBe('Return lead');
  });

  it('when the lead invites a colleague then they become a partner user of the same organisation, emailed a link', async () => {
    const response = await leadAgent.submit('/organisation/invite', { email: 'New.Colleague@Herts.test' });
    expect(response.status).toBe(200);
    expect(cheerio.load(response.text)('.govuk-notification-banner').text()).toContain(
      'Invitation sent to new.colleague@herts.test',
    );
    const invited = await t.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'new.colleague@herts.test')
      .executeTakeFirstOrThrow();
    expect(invited).toMatchObject({
      role: 'partner',
      organisation_id: org.id,
      status: 'invited',
      return_lead: false,
    });
    const email = (await t.db.selectFrom('outbox').selectAll().execute()).find((m) =>
      m.to_addresses.includes('new.colleague@herts.test'),
    );
    expect(email?.secret).toBe(true);
  });

  it('when the lead invites an address that has an account anywhere then the answer is the same as for a new one, and nothing is sent', async () => {
    const elsewhere = await createUser(t, 'partner', other.id);
    const banner = async (email: string) => {
      const response = await leadAgent.submit('/organisation/invite', { email });
      return [
        response.status,
        cheerio.load(response.text)('.govuk-notification-banner').text().trim().replace(email, 'X'),
      ];
    };
    const outboxBefore = (await t.db.selectFrom('outbox').select('id').execute()).length;
    const existing = await banner(elsewhere.email);
    expect((await t.db.selectFrom('outbox').select('id').execute()).length).toBe(outboxBefore);
    expect(existing).toEqual(await banner('brand.new.person@herts.test'));
    expect(existing[0]).toBe(200);
    expect((await userRow(elsewhere.id)).organisation_id).toBe(other.id);
  });

  it('when the lead deactivates a colleague then they are signed out; another organisation’s user is not found; themselves is refused', async () => {
    const outsider = await createUser(t, 'partner', other.id);
    expect(
      (await leadAgent.submit(`/organisation/users/${outsider.id}/deactivate`, {}, '/organisation')).status,
    ).toBe(404);
    expect((await userRow(outsider.id)).status).toBe('active');
    expect(
      (await leadAgent.submit(`/organisation/users/${lead.id}/deactivate`, {}, '/organisation')).status,
    ).toBe(400);
    const done = await leadAgent.submit(
      `/organisation/users/${colleague.id}/deactivate`,
      {},
      '/organisation',
    );
    expect(done.headers.location).toBe('/organisation');
    expect((await userRow(colleague.id)).status).toBe('deactivated');
    expect((await colleagueAgent.get('/returns')).status).toBe(302); // signed out
    await leadAgent.submit(`/organisation/users/${colleague.id}/reactivate`, {}, '/organisation');
    expect((await userRow(colleague.id)).status).toBe('active');
    colleagueAgent = await signedIn(t, colleague);
  });

  it('when CCSU deactivated a colleague then the lead cannot reactivate them; a colleague the lead deactivated they can', async () => {
    const admin = await signedInAs(t, 'ccsu_admin');
    const barred = await createUser(t, 'partner', org.id);
    await admin.submit(`/admin/users/${barred.id}/deactivate`, {}, '/admin/users');
    const refused = await leadAgent.submit(
      `/organisation/users/${barred.id}/reactivate`,
      {},
      '/organisation',
    );
    expect(refused.status).toBe(403);
    expect(cheerio.load(refused.text)('main').text()).toContain(
      'The County Community Safety Unit deactivated this account: only they can reactivate it',
    );
    expect((await userRow(barred.id)).status).toBe('deactivated');
    await admin.submit(`/admin/users/${barred.id}/reactivate`, {}, '/admin/users');
    expect((await userRow(barred.id)).status).toBe('active');
    // Deactivated by the lead, then reactivated by the lead.
    await leadAgent.submit(`/organisation/users/${barred.id}/deactivate`, {}, '/organisation');
    await leadAgent.submit(`/organisation/users/${barred.id}/reactivate`, {}, '/organisation');
    expect((await userRow(barred.id)).status).toBe('active');
  });

  it('when the lead sends more than 20 invitations in an hour then the next is refused by the field', async () => {
    for (let i = 0; i < 30; i += 1) {
      const response = await leadAgent.submit('/organisation/invite', { email: `flood.${i}@herts.test` });
      if (response.status === 429) {
        expect(cheerio.load(response.text)('#email-error').text()).toContain('You have sent 20 invitations');
        expect(i).toBeLessThanOrEqual(20);
        const made = await t.db.selectFrom('users').select('id').where('email', 'like', 'flood.%').execute();
        expect(made.length).toBe(i);
        return;
      }
    }
    throw new Error('Invitations were never limited');
  });

  it('when the lead changes the contacts then they are saved and audited; a bad address is shown by its field', async () => {
    const bad = await leadAgent.submit('/organisation/contacts', {
      return_contacts: 'not-an-email',
      escalation_contact: 'boss@herts.test',
    });
    expect(bad.status).toBe(400);
    expect(cheerio.load(bad.text)('#return_contacts-error').text()).toContain('must be an email address');
    const saved = await leadAgent.submit('/organisation/contacts', {
      return_contacts: 'team@herts.test\nduty@herts.test',
      escalation_contact: 'Boss@Herts.test',
    });
    expect(saved.headers.location).toBe('/organisation');
    const row = await t.db
      .selectFrom('organisations')
      .selectAll()
      .where('id', '=', org.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      return_contacts: ['team@herts.test', 'duty@herts.test'],
      escalation_contact: 'boss@herts.test',
    });
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'organisation_contacts_updated')
      .execute();
    expect(audit.map((a) => a.actor_user_id)).toEqual([lead.id]);
  });
});

describe('what other partners can do', () => {
  it('when a partner who is not the lead opens the organisation page then they read it, with nothing to change', async () => {
    const $ = cheerio.load((await colleagueAgent.get('/organisation')).text);
    expect($('h1').text()).toBe('Herts Treatment');
    expect($('a[href="/organisation/invite"]').length).toBe(0);
    expect($('form[action*="/deactivate"]').length).toBe(0);
    expect($('main').text()).toContain(
      'Your organisation’s return lead can invite colleagues and change the contacts',
    );
  });

  it('when a partner who is not the lead tries the lead’s pages and actions then each is refused', async () => {
    for (const path of ['/organisation/contacts', '/organisation/invite'])
      expect([path, (await colleagueAgent.get(path)).status]).toEqual([path, 403]);
    const invite = await colleagueAgent.submit(
      '/organisation/invite',
      { email: 'x@herts.test' },
      '/organisation',
    );
    expect(invite.status).toBe(403);
    const deactivate = await colleagueAgent.submit(
      `/organisation/users/${lead.id}/deactivate`,
      {},
      '/organisation',
    );
    expect(deactivate.status).toBe(403);
    expect((await userRow(lead.id)).status).toBe('active');
  });

  it('when an organisation’s page is opened by another organisation’s lead then it shows only their own people', async () => {
    const otherLead = await createUser(t, 'partner', other.id);
    await t.db.updateTable('users').set({ return_lead: true }).where('id', '=', otherLead.id).execute();
    const $ = cheerio.load((await (await signedIn(t, otherLead)).get('/organisation')).text);
    expect($('h1').text()).toBe('Other Org');
    expect($('main').text()).not.toContain(lead.email);
  });
});

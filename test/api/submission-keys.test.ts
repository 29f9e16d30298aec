// A return lead's submission keys (issue #26): created on the page and shown once, working for the
// organisation's API at once, listed with when they were last used, and revoked from the page.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import request from 'supertest';
import {
  createOrganisation,
  createTestApp,
  createUser,
  signedIn,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { within } from '../helpers/within.js';
import { remindOfExpiringKeys } from '../../src/api/key-expiry.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
});
afterAll(() => t.close());

describe('submission keys', () => {
  it('when a return lead creates a key then it is shown once, works, is listed as used, and can be revoked', async () => {
    const org = await createOrganisation(t, { name: 'Keyed Trust', code: 'KEY' });
    const lead = await createUser(t, 'partner', org.id);
    await t.db.updateTable('users').set({ return_lead: true }).where('id', '=', lead.id).execute();
    const agent = await signedIn(t, lead);

    const blank = await agent.submit('/organisation/submission-keys', { name: ' ', days: '365' });
    expect(blank.status).toBe(400);
    expect(cheerio.load(blank.text)('#name-error').text()).toContain('Enter a name');

    const created = await agent.submit('/organisation/submission-keys', { name: 'Case system', days: '365' });
    expect(created.status).toBe(200);
    expect(created.headers['cache-control']).toBe('no-store');
    const key = cheerio.load(created.text)('#key').val() as string;
    expect(key).toMatch(/^drd_/);

    const used = await request(t.app).get('/api/v1/submission/returns').set('Authorization', `Bearer ${key}`);
    expect(used.status).toBe(200);

    const page = cheerio.load((await agent.get('/organisation/submission-keys')).text);
    const row = page('#keys tbody tr').first();
    expect(row.find('th').text()).toBe('Case system');
    expect(row.find('[data-label="Last used"]').text()).not.toBe('Never');
    expect(page('main').text()).not.toContain(key);

    const id = (
      await t.db
        .selectFrom('api_tokens')
        .select('id')
        .where('name', '=', 'Case system')
        .executeTakeFirstOrThrow()
    ).id;
    const revoked = await agent.submit(
      `/organisation/submission-keys/${id}/revoke`,
      {},
      '/organisation/submission-keys',
    );
    expect(revoked.headers.location).toBe('/organisation/submission-keys');
    const refused = await request(t.app)
      .get('/api/v1/submission/returns')
      .set('Authorization', `Bearer ${key}`);
    expect(refused.status).toBe(401);
    // Revoked again, from a page opened before (or by a colleague): it says so, and nothing changes.
    const again = await agent.submit(
      `/organisation/submission-keys/${id}/revoke`,
      {},
      '/organisation/submission-keys',
    );
    expect(again.headers.location).toBe('/organisation/submission-keys');
    expect(within(await agent.get('/organisation/submission-keys'), '.govuk-notification-banner')).toContain(
      'Key was already revoked',
    );
    const revocations = await t.db
      .selectFrom('audit_log')
      .select('id')
      .where('action', '=', 'api_token_revoked')
      .where('entity_id', '=', String(id))
      .execute();
    expect(revocations).toHaveLength(1);
  });

  it("when a return lead tries to revoke another organisation's key then it is not found", async () => {
    const mine = await createOrganisation(t, { name: 'Mine', code: 'MIN' });
    const theirs = await createOrganisation(t, { name: 'Theirs', code: 'THR' });
    const lead = await createUser(t, 'partner', mine.id);
    await t.db.updateTable('users').set({ return_lead: true }).where('id', '=', lead.id).execute();
    const theirLead = await createUser(t, 'partner', theirs.id);
    await t.services.apiTokens.issue(
      { name: 'Their system', scope: 'submit', days: 365, organisationId: theirs.id },
      theirLead,
    );
    const id = (
      await t.db
        .selectFrom('api_tokens')
        .select('id')
        .where('name', '=', 'Their system')
        .executeTakeFirstOrThrow()
    ).id;
    const agent = await signedIn(t, lead);
    const response = await agent.submit(
      `/organisation/submission-keys/${id}/revoke`,
      {},
      '/organisation/submission-keys',
    );
    expect(response.status).toBe(404);
    const row = await t.db
      .selectFrom('api_tokens')
      .select('revoked_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.revoked_at).toBeNull();
  });

  it('when a key has a month left then its creator and the return contacts are told once', async () => {
    const org = await createOrganisation(t, {
      name: 'Expiring Trust',
      code: 'EXP',
      return_contacts: ['returns@expiring.test'],
    });
    const lead = await createUser(t, 'partner', org.id);
    await t.services.apiTokens.issue(
      { name: 'Warehouse feed', scope: 'submit', days: 90, organisationId: org.id },
      lead,
    );
    const subject = (n: string) => `Your drd-return submission key “${n}” expires on 1 July 2026`;
    const sent = () =>
      t.db
        .selectFrom('outbox')
        .select(['subject', 'to_addresses'])
        .where('subject', '=', subject('Warehouse feed'))
        .execute();
    await remindOfExpiringKeys(t.db, t.clock, t.config.publicUrl);
    expect(await sent()).toEqual([]); // 90 days left: too early
    t.clock.advance(61 * 86_400_000);
    try {
      await remindOfExpiringKeys(t.db, t.clock, t.config.publicUrl);
      await remindOfExpiringKeys(t.db, t.clock, t.config.publicUrl);
      const emails = await sent();
      expect(emails).toHaveLength(1);
      expect(emails[0]!.to_addresses.sort()).toEqual([lead.email, 'returns@expiring.test'].sort());
    } finally {
      t.clock.advance(-61 * 86_400_000);
    }
  });

  it('when CCSU issues a submission key for an organisation then it acts for that organisation, and one is needed', async () => {
    const org = await createOrganisation(t, { name: 'Issued Trust', code: 'ISS' });
    const admin = await signedInAs(t, 'ccsu_admin');
    const missing = await admin.submit('/admin/api-tokens', { name: 'No org', scope: 'submit', days: '365' });
    expect(missing.status).toBe(400);
    expect(cheerio.load(missing.text)('#organisation-error').text()).toContain('Choose the organisation');
    const issued = await admin.submit('/admin/api-tokens', {
      name: 'Issued system',
      scope: 'submit',
      organisation: String(org.id),
      days: '365',
    });
    const key = cheerio.load(issued.text)('#token').val() as string;
    const used = await request(t.app).get('/api/v1/submission/returns').set('Authorization', `Bearer ${key}`);
    expect(used.status).toBe(200);
    const row = await t.db
      .selectFrom('api_tokens')
      .select('organisation_id')
      .where('name', '=', 'Issued system')
      .executeTakeFirstOrThrow();
    expect(row.organisation_id).toBe(org.id);
    const list = cheerio.load((await admin.get('/admin/api-tokens')).text);
    expect(
      list('tr')
        .filter((_i, el) => list(el).text().includes('Issued system'))
        .text(),
    ).toContain('Submits Issued Trust’s returns');
  });
});

// The access matrix: every route, every kind of visitor. A partner must never see, change or learn of
// another organisation's data; anonymous visitors go to sign-in; POSTs without a CSRF token are refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  addCompleteRecord,
  createOrganisation,
  createTestApp,
  csrfFrom,
  type Agent,
  type TestApp,
  signedInAs,
} from './helpers/app.js';

let t: TestApp;
let owner: Agent;
let otherPartner: Agent;
let analyst: Agent;
let admin: Agent;
let recordId: number;
const SECRET_REF = 'OWNER-SECRET-77';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  const orgA = await createOrganisation(t, { name: 'Owner Org', code: 'OWN' });
  const orgB = await createOrganisation(t, { name: 'Other Org', code: 'OTH' });
  owner = await signedInAs(t, 'partner', orgA.id);
  otherPartner = await signedInAs(t, 'partner', orgB.id);
  analyst = await signedInAs(t, 'ccsu_analyst');
  admin = await signedInAs(t, 'ccsu_admin');
  recordId = await addCompleteRecord(owner, '2026-03', SECRET_REF);
});
afterAll(() => t.close());

const recordRoutes = () => [
  `/returns/2026-03/records/${recordId}`,
  `/returns/2026-03/records/${recordId}/death`,
  `/returns/2026-03/records/${recordId}/details`,
  `/returns/2026-03/records/${recordId}/linkage`,
  `/returns/2026-03/records/${recordId}/withdraw`,
];
const recordPosts = () => [
  `/returns/2026-03/records/${recordId}/death`,
  `/returns/2026-03/records/${recordId}/details`,
  `/returns/2026-03/records/${recordId}/linkage`,
  `/returns/2026-03/records/${recordId}/linkage/remove`,
  `/returns/2026-03/records/${recordId}/withdraw`,
  `/returns/2026-03/records/${recordId}/restore`,
];
const partnerGets = [
  '/returns',
  '/returns/2026-03',
  '/returns/2026-03/records/new',
  '/returns/2026-03/check',
  '/returns/2026-03/nil',
  '/returns/2026-03/confirmation',
];
const partnerPosts = [
  '/returns/2026-03/records/new',
  '/returns/2026-03/submit',
  '/returns/2026-03/nil',
  '/returns/2026-03/amend',
];
const ccsuGets = ['/ccsu'];
const adminGets = [
  '/admin/organisations',
  '/admin/organisations/new',
  '/admin/users',
  '/admin/users/invite',
  '/admin/outbox',
  '/admin/audit',
  '/admin/settings',
  '/admin/api-tokens',
];
/** Every signed-in user sees the dashboard; these pages are about organisations, for CCSU only. */
const dashboardGets = [
  '/dashboard',
  '/dashboard/areas',
  '/dashboard/classification',
  '/dashboard/substances',
  '/dashboard/age-sex',
  '/dashboard/circumstances',
];
const ccsuDashboardGets = ['/dashboard/compliance', '/dashboard/reminders'];
const adminPosts = [
  '/admin/organisations/new',
  '/admin/users/invite',
  '/admin/users/1/deactivate',
  '/admin/users/1/reactivate',
  '/admin/api-tokens',
  '/admin/api-tokens/1/revoke',
  '/admin/settings',
];

async function postWithToken(agent: Agent, path: string, form: Record<string, string> = {}) {
  const token = csrfFrom((await agent.get('/returns').redirects(1)).text);
  return agent
    .post(path)
    .type('form')
    .send({ ...form, _csrf: token });
}

describe('anonymous visitors', () => {
  it('when not signed in then every page sends the visitor to sign in', async () => {
    for (const path of [
      ...partnerGets,
      ...recordRoutes(),
      ...ccsuGets,
      ...adminGets,
      ...dashboardGets,
      ...ccsuDashboardGets,
    ]) {
      const response = await request(t.app).get(path);
      expect([path, response.status]).toEqual([path, 302]);
      expect(response.headers.location).toMatch(/^\/sign-in/);
    }
  });

  it('when not signed in then every POST is refused without a valid CSRF token', async () => {
    for (const path of [
      ...partnerPosts,
      ...recordPosts(),
      ...adminPosts,
      '/dashboard/alerts/1/acknowledge',
    ]) {
      const response = await request(t.app).post(path).type('form').send({ declaration: 'yes' });
      expect([path, response.status]).toEqual([path, 403]);
    }
  });
});

describe('a partner of another organisation', () => {
  it('when they try any route for another organisation’s record then they get 404 and learn nothing', async () => {
    for (const path of recordRoutes()) {
      const response = await otherPartner.get(path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.text).not.toContain(SECRET_REF);
    }
    for (const path of recordPosts()) {
      const response = await postWithToken(otherPartner, path, {
        partner_record_ref: 'HIJACK-1',
        reason: 'entered_in_error',
      });
      expect([path, response.status]).toEqual([path, 404]);
    }
    const row = await t.db
      .selectFrom('records')
      .selectAll()
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      partner_record_ref: SECRET_REF,
      record_status: 'active',
      match_key_nhs: null,
    });
  });

  it('when they open the same month then they see only their own return', async () => {
    const page = await otherPartner.get('/returns/2026-03');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Other Org');
    expect(page.text).not.toContain(SECRET_REF);
    expect(page.text).not.toContain('Owner Org');
  });

  it('when they submit their own month then only their return changes', async () => {
    await postWithToken(otherPartner, '/returns/2026-03/nil', { declaration: 'yes' });
    const returns = await t.db
      .selectFrom('returns')
      .innerJoin('organisations', 'organisations.id', 'returns.organisation_id')
      .select(['organisations.code', 'returns.state'])
      .where('period', '=', '2026-03')
      .orderBy('code')
      .execute();
    expect(returns).toEqual([
      { code: 'OTH', state: 'nil' },
      { code: 'OWN', state: 'in_progress' },
    ]);
  });

  it('when they try CCSU or admin pages then they are refused', async () => {
    for (const path of [...ccsuGets, ...adminGets]) {
      const response = await otherPartner.get(path);
      expect([path, response.status]).toEqual([path, 403]);
    }
    for (const path of adminPosts) {
      const response = await postWithToken(otherPartner, path, { email: 'x@y.test', role: 'ccsu_admin' });
      expect([path, response.status]).toEqual([path, 403]);
    }
  });

  it('when they open the dashboard then it works, but the CCSU-only pages do not exist for them', async () => {
    for (const path of dashboardGets) {
      const response = await otherPartner.get(path);
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.text).not.toContain(SECRET_REF);
    }
    for (const path of ccsuDashboardGets) {
      const response = await otherPartner.get(path);
      expect([path, response.status]).toEqual([path, 404]);
    }
    const acknowledge = await postWithToken(otherPartner, '/dashboard/alerts/1/acknowledge');
    expect(acknowledge.status).toBe(403);
  });

  it('when they ask for a month outside their returns then it does not exist', async () => {
    for (const path of ['/returns/2025-12', '/returns/2026-05', '/returns/not-a-month', '/returns/2026-13']) {
      const response = await otherPartner.get(path);
      expect([path, response.status]).toEqual([path, 404]);
    }
  });
});

describe('CCSU roles', () => {
  it('when an analyst opens partner pages or admin pages then they are refused, but CCSU pages work', async () => {
    for (const path of [...partnerGets, ...adminGets]) {
      const response = await analyst.get(path);
      expect([path, response.status]).toEqual([path, 403]);
    }
    expect((await analyst.get('/ccsu')).status).toBe(200);
    for (const path of [...dashboardGets, ...ccsuDashboardGets]) {
      const response = await analyst.get(path);
      expect([path, response.status]).toEqual([path, 200]);
    }
  });

  it('when an admin opens admin pages then they work', async () => {
    for (const path of [...adminGets, ...ccsuGets]) {
      const response = await admin.get(path);
      expect([path, response.status]).toEqual([path, 200]);
    }
  });
});

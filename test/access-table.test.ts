// Access by construction: the app's own route table (every GET and POST, however it was mounted) is
// checked against the explicit policy below, so a new route without an access rule fails this test,
// and every route is tried as each kind of visitor.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { routeTable } from '../src/lib/route-table.js';
import {
  createOrganisation,
  createTestApp,
  csrfFrom,
  type Agent,
  type TestApp,
  signedInAs,
} from './helpers/app.js';

// 'return-lead': a partner their organisation nominated; the partner below is not one (see
// test/organisations/partner-routes.test.ts for what a return lead can do).
type Audience = 'public' | 'token' | 'signed-in' | 'partner' | 'return-lead' | 'ccsu' | 'admin';

/** Who may use each route. A route missing here, or listed here but gone from the app, fails. */
const policy: Record<string, Audience> = {
  'GET /static/:hash/*name': 'public',
  'GET /assets/app.css': 'public',
  'GET /assets/app.js': 'public',
  'GET /assets/favicon.svg': 'public',
  'GET /assets/chart.umd.min.js': 'public',
  'GET /assets/charts.js': 'public',
  'GET /assets/passkeys.js': 'public',
  'GET /assets/simplewebauthn-browser.js': 'public',
  'GET /favicon.ico': 'public',
  'GET /assets/govuk/govuk-frontend.min.js': 'public',
  'GET /health': 'public',
  'GET /api/v1/aggregates/cases.:format': 'token',
  'GET /api/v1/aggregates/rates.:format': 'token',
  'GET /api/v1/context/:dataset.:format': 'token',
  'GET /api/v1/completeness.:format': 'token',
  'GET /api/v1/aggregates/compliance.:format': 'token',
  'GET /api/v1/cases.:format': 'token',
  'GET /api/v1/areas.:format': 'token',
  'GET /api/v1/openapi.json': 'public',
  'GET /api/v1/submission/reference': 'public',
  'GET /api/v1/submission/returns': 'token',
  'GET /api/v1/submission/returns/:period': 'token',
  'POST /api/v1/submission/returns/:period/records': 'token',
  'PUT /api/v1/submission/returns/:period/records/:id': 'token',
  'POST /api/v1/submission/returns/:period/records/:id/withdraw': 'token',
  'PUT /api/v1/submission/returns/:period/records/:id/linkage': 'token',
  'GET /api/v1/submission/returns/:period/queries': 'token',
  'POST /api/v1/submission/queries/:id/answer': 'token',
  'POST /api/v1/submission/returns/:period/nil': 'token',
  'POST /api/v1/submission/returns/:period/submit': 'token',
  'GET /organisation/submission-keys': 'return-lead',
  'POST /organisation/submission-keys': 'return-lead',
  'POST /organisation/submission-keys/:id/revoke': 'return-lead',
  'GET /': 'public',
  'GET /sign-in': 'public',
  'POST /sign-in': 'public',
  'POST /sign-out': 'public',
  // The second step of signing in is for whoever has just passed the first (checked in two-factor tests).
  'GET /sign-in/code': 'public',
  'POST /sign-in/code': 'public',
  'GET /sign-in/recovery-code': 'public',
  'POST /sign-in/recovery-code': 'public',
  'GET /sign-in/set-up': 'public',
  'POST /sign-in/set-up': 'public',
  'GET /sign-in/recovery-codes': 'signed-in',
  'POST /sign-in/recovery-codes': 'signed-in',
  'POST /sign-in/passkey/options': 'public',
  'POST /sign-in/passkey': 'public',
  'GET /sign-in/use-passkey': 'public',
  'GET /account': 'signed-in',
  'POST /account/passkeys/options': 'signed-in',
  'POST /account/passkeys': 'signed-in',
  'GET /account/passkeys/:id/rename': 'signed-in',
  'POST /account/passkeys/:id/rename': 'signed-in',
  'GET /account/passkeys/:id/remove': 'signed-in',
  'POST /account/passkeys/:id/remove': 'signed-in',
  'GET /signed-out': 'public',
  'GET /accessibility': 'public',
  'GET /privacy': 'public',
  'GET /invitations/:token': 'public',
  'POST /invitations/:token': 'public',
  'GET /forgot-password': 'public',
  'POST /forgot-password': 'public',
  'GET /reset-password/:token': 'public',
  'POST /reset-password/:token': 'public',
  'GET /setup/:token': 'public',
  'POST /setup/:token': 'public',
  'GET /nil/:token': 'public',
  'POST /nil/:token': 'public',
  'GET /returns/template.csv': 'partner',
  'GET /returns/template.xlsx': 'partner',
  'GET /returns/:period/upload': 'partner',
  'POST /returns/:period/upload': 'partner',
  'GET /returns/:period/upload/:id': 'partner',
  'GET /returns/:period/upload/:id/problems.csv': 'partner',
  'POST /returns/:period/upload/:id/confirm': 'partner',
  'GET /returns/queries/:id': 'partner',
  'POST /returns/queries/:id': 'partner',
  'GET /returns/:period/records/new': 'partner',
  'POST /returns/:period/records/new': 'partner',
  'GET /returns/:period/records/:id': 'partner',
  'GET /returns/:period/records/:id/linkage': 'partner',
  'POST /returns/:period/records/:id/linkage': 'partner',
  'POST /returns/:period/records/:id/linkage/remove': 'partner',
  'GET /returns/:period/records/:id/withdraw': 'partner',
  'POST /returns/:period/records/:id/withdraw': 'partner',
  'POST /returns/:period/records/:id/restore': 'partner',
  'GET /returns/:period/records/:id/:section': 'partner',
  'POST /returns/:period/records/:id/:section': 'partner',
  'GET /returns': 'partner',
  'GET /returns/owed': 'partner',
  'POST /returns/:period/reopen-request': 'partner',
  'GET /returns/:period': 'partner',
  'POST /returns/:period/start': 'partner',
  'GET /returns/:period/check': 'partner',
  'POST /returns/:period/submit': 'partner',
  'GET /returns/:period/confirmation': 'partner',
  'GET /returns/:period/nil': 'partner',
  'POST /returns/:period/nil': 'partner',
  'GET /returns/:period/amend': 'partner',
  'POST /returns/:period/amend': 'partner',
  'GET /organisation': 'partner',
  'GET /organisation/agreement': 'partner',
  'POST /organisation/agreement': 'return-lead',
  'POST /organisation/ask-for-return-lead': 'partner',
  'GET /organisation/contacts': 'return-lead',
  'POST /organisation/contacts': 'return-lead',
  'GET /organisation/invite': 'return-lead',
  'POST /organisation/invite': 'return-lead',
  'POST /organisation/users/:id/deactivate': 'return-lead',
  'POST /organisation/users/:id/reactivate': 'return-lead',
  'GET /dashboard/figures/:figure.csv': 'signed-in',
  'GET /dashboard': 'signed-in',
  'GET /dashboard/:slug': 'signed-in',
  'POST /dashboard/alerts/:id/acknowledge': 'ccsu',
  'GET /dashboard/alerts': 'ccsu',
  'POST /dashboard/alerts/acknowledge': 'ccsu',
  'GET /ccsu/ldis': 'ccsu',
  'GET /ccsu/ldis/new': 'ccsu',
  'POST /ccsu/ldis/new': 'ccsu',
  'POST /ccsu/ldis/upload': 'ccsu',
  'GET /ccsu/ldis/:id': 'ccsu',
  'GET /dashboard/picture': 'signed-in',
  'GET /dashboard/picture/:figure.csv': 'signed-in',
  'GET /dashboard/completeness': 'signed-in',
  'GET /dashboard/briefing': 'signed-in',
  'GET /dashboard/rag-update': 'ccsu',
  'GET /dashboard/rag-update.csv': 'ccsu',
  'GET /ccsu/coroners': 'ccsu',
  'GET /ccsu/coroners/template.csv': 'ccsu',
  'POST /ccsu/coroners': 'ccsu',
  'GET /ccsu/coroners/loads/:id': 'ccsu',
  'POST /ccsu/coroners/loads/:id/confirm': 'ccsu',
  'POST /ccsu/coroners/loads/:id/cancel': 'ccsu',
  'POST /ccsu/coroners/decisions': 'ccsu',
  'POST /ccsu/coroners/decisions/undo': 'ccsu',
  'GET /ccsu/context': 'ccsu',
  'GET /ccsu/context/:dataset': 'ccsu',
  'GET /ccsu/context/:dataset/template.csv': 'ccsu',
  'POST /ccsu/context/:dataset': 'ccsu',
  'GET /ccsu/context/:dataset/loads/:id': 'ccsu',
  'POST /ccsu/context/:dataset/loads/:id/confirm': 'ccsu',
  'POST /ccsu/context/:dataset/loads/:id/cancel': 'ccsu',
  'GET /ccsu/areas': 'ccsu',
  'POST /ccsu/areas/populations': 'ccsu',
  'POST /ccsu/areas/england': 'ccsu',
  'GET /ccsu/review': 'ccsu',
  'GET /ccsu/review/:id': 'ccsu',
  'POST /ccsu/review/:id': 'ccsu',
  'POST /ccsu/review/:id/undo': 'ccsu',
  'GET /ccsu/cases/:id': 'ccsu',
  'GET /ccsu/compliance': 'ccsu',
  'GET /ccsu/compliance/organisations/:id': 'ccsu',
  'GET /ccsu/compliance/non-submitters.csv': 'ccsu',
  'GET /ccsu/compliance.csv': 'ccsu',
  'GET /ccsu/compliance.xlsx': 'ccsu',
  'GET /ccsu/records': 'ccsu',
  'GET /ccsu/records.csv': 'ccsu',
  'GET /ccsu/records.xlsx': 'ccsu',
  'GET /ccsu/records/:id': 'ccsu',
  'POST /ccsu/records/:id/queries': 'ccsu',
  'GET /ccsu/cases': 'ccsu',
  'GET /ccsu/cases.csv': 'ccsu',
  'GET /ccsu/cases.xlsx': 'ccsu',
  'GET /ccsu/queries': 'ccsu',
  'POST /ccsu/queries/:id/close': 'ccsu',
  'GET /ccsu/periods/:period/lock': 'admin',
  'POST /ccsu/periods/:period/lock': 'admin',
  'GET /ccsu/returns/:organisationId/:period/reopen': 'admin',
  'POST /ccsu/returns/:organisationId/:period/reopen': 'admin',
  'GET /ccsu': 'ccsu',
  'POST /ccsu/summary': 'ccsu',
  'GET /admin': 'admin',
  'GET /admin/settings': 'admin',
  'POST /admin/settings': 'admin',
  'GET /admin/organisations': 'admin',
  'GET /admin/organisations/new': 'admin',
  'POST /admin/organisations/new': 'admin',
  'GET /admin/organisations/:id': 'admin',
  'POST /admin/organisations/:id': 'admin',
  'GET /admin/users': 'admin',
  'POST /admin/users/:id/return-lead': 'admin',
  'GET /admin/retention': 'admin',
  'GET /admin/agreements': 'admin',
  'GET /admin/agreements/new': 'admin',
  'POST /admin/agreements/new': 'admin',
  'GET /admin/agreements/:id': 'admin',
  'GET /admin/users/invite': 'admin',
  'POST /admin/users/invite': 'admin',
  'GET /admin/users/:id/deactivate': 'admin',
  'POST /admin/users/:id/deactivate': 'admin',
  'GET /admin/users/:id/reset-two-factor': 'admin',
  'POST /admin/users/:id/unlock': 'admin',
  'POST /admin/users/:id/reset-two-factor': 'admin',
  'POST /admin/users/:id/reactivate': 'admin',
  'GET /admin/api-tokens': 'admin',
  'POST /admin/api-tokens': 'admin',
  'POST /admin/api-tokens/:id/revoke': 'admin',
  'GET /admin/outbox': 'admin',
  'GET /admin/outbox/:id': 'admin',
  'GET /admin/outbox/:id/html': 'admin',
  'GET /admin/audit': 'admin',
  'GET /admin/audit.csv': 'admin',
};

type Role = 'partner' | 'ccsu_analyst' | 'ccsu_admin';
const allowed: Record<Role, Audience[]> = {
  partner: ['public', 'signed-in', 'partner'],
  ccsu_analyst: ['public', 'signed-in', 'ccsu'],
  ccsu_admin: ['public', 'signed-in', 'ccsu', 'admin'],
};

/** A concrete address for a route: ids that exist for nobody, a real month, a real page. */
function addressOf(path: string): string {
  return path
    .replace(':period', '2026-03')
    .replace(':organisationId', '999999')
    .replace(':id', '999999')
    .replace(':section', 'death')
    .replace(':slug', 'areas')
    .replace(':dataset', 'ambulance')
    .replace(':figure', 'death_month')
    .replace(':format', 'csv')
    .replace(':token', 'x'.repeat(43));
}

let t: TestApp;
const agents = {} as Record<Role, Agent>;
const tokens = {} as Record<Role, string>;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  const org = await createOrganisation(t, { name: 'Table Org', code: 'TAB' });
  agents.partner = await signedInAs(t, 'partner', org.id);
  agents.ccsu_analyst = await signedInAs(t, 'ccsu_analyst');
  agents.ccsu_admin = await signedInAs(t, 'ccsu_admin');
  for (const role of Object.keys(agents) as Role[])
    tokens[role] = csrfFrom((await agents[role].get('/dashboard')).text);
});
afterAll(() => t.close());

const routes = () => routeTable(t.app).map((r) => `${r.method} ${r.path}`);

describe('the access policy', () => {
  it('when the app is built then every route it has is in the policy, and the policy has no stale routes', () => {
    expect(routes().filter((r) => !(r in policy))).toEqual([]);
    expect(Object.keys(policy).filter((r) => !routes().includes(r))).toEqual([]);
  });

  it('when an anonymous visitor tries a page that needs signing in then they are sent to sign in', async () => {
    for (const route of routes().filter((r) => r.startsWith('GET '))) {
      const audience = policy[route];
      if (audience === 'public') continue;
      const response = await request(t.app).get(addressOf(route.slice(4)));
      if (audience === 'token') expect([route, response.status]).toEqual([route, 401]);
      else {
        expect([route, response.status]).toEqual([route, 302]);
        expect(response.headers.location).toMatch(/^\/sign-in/);
      }
    }
  });

  it('when anyone without a key puts to the submission API then it is refused', async () => {
    for (const route of routes().filter((r) => r.startsWith('PUT '))) {
      expect([route, policy[route]]).toEqual([route, 'token']);
      const response = await agents.partner.put(addressOf(route.slice(4))).send({});
      expect([route, response.status]).toEqual([route, 401]);
    }
  });

  it('when an anonymous visitor posts to anything but a public form then it is refused', async () => {
    for (const route of routes().filter((r) => r.startsWith('POST ') && policy[r] !== 'public')) {
      const response = await request(t.app)
        .post(addressOf(route.slice(5)))
        .type('form')
        .send({});
      // The submission API answers by its key (401 without one); everything else by session and form.
      expect([route, response.status]).toEqual([route, policy[route] === 'token' ? 401 : 403]);
    }
  });

  for (const role of ['partner', 'ccsu_analyst', 'ccsu_admin'] as const) {
    it(`when a ${role} opens every page then those not for them are forbidden and the rest answer`, async () => {
      for (const route of routes().filter((r) => r.startsWith('GET ') && policy[r] !== 'public')) {
        const response = await agents[role].get(addressOf(route.slice(4)));
        const shouldAllow = allowed[role].includes(policy[route]!);
        if (policy[route] === 'token') expect([route, response.status]).toEqual([route, 401]);
        else if (shouldAllow) {
          // Allowed: the page answers (or the made-up id is not found); never a refusal or a crash.
          expect([route, [200, 302, 404].includes(response.status)]).toEqual([route, true]);
        } else expect([route, response.status]).toEqual([route, 403]);
      }
    });

    it(`when a ${role} posts to an action not for them then it is refused before anything changes`, async () => {
      const before = await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      for (const route of routes().filter(
        (r) => r.startsWith('POST ') && !allowed[role].includes(policy[r]!),
      )) {
        const response = await agents[role]
          .post(addressOf(route.slice(5)))
          .type('form')
          .send({ _csrf: tokens[role], declaration: 'yes', reason: 'x', email: 'x@example.test' });
        expect([route, response.status]).toEqual([route, policy[route] === 'token' ? 401 : 403]);
      }
      const after = await t.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirst();
      expect(after).toEqual(before);
    });
  }
});

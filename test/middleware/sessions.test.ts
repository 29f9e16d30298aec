// Sessions: the idle limit counts from the last request, an absolute limit counts from sign-in (with a
// warning first), anonymous visitors leave no rows, and a form sent after the session ended can be
// sent again after signing in — nothing typed is lost.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { purgeExpiredSessions } from '../../src/middleware/session-store.js';
import {
  agentFor,
  completeRecordSections,
  createOrganisation,
  createTestApp,
  createUser,
  csrfFrom,
  signedIn,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import type { Organisation } from '../../src/db/types.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let org: Organisation;
const MINUTE = 60_000;

beforeAll(async () => {
  // Defaults: 30 minutes idle, 12 hours absolute.
  t = await createTestApp({ now: '2026-04-02T08:00:00Z' });
  org = await createOrganisation(t, { name: 'Session Test Org', code: 'STO', active_from: '2026-01' });
});
afterAll(() => t.close());

const sessionRows = async () => (await t.db.selectFrom('sessions').select('sid').execute()).length;

describe('the idle limit', () => {
  it('when a user is active every minute for three idle periods then they stay signed in, and saving works', async () => {
    t.clock.set('2026-04-02T08:00:00Z');
    const partner = await signedInAs(t, 'partner', org.id);
    for (let minute = 1; minute <= 90; minute += 1) {
      t.clock.advance(MINUTE);
      if (minute % 25 === 0) {
        // A save ends in a redirect: the path that used to write the old expiry back.
        const saved = await partner.submit(
          '/returns/2026-03/records/new',
          completeRecordSections(`IDLE-${minute}`).death!,
        );
        expect(saved.status).toBe(302);
        expect(saved.headers.location).toMatch(/^\/returns\/2026-03\/records\/\d+$/);
      } else {
        const page = await partner.get('/returns');
        expect(page.status).toBe(200);
      }
    }
  });

  it('when a user is idle past the limit then the next page sends them to sign in', async () => {
    t.clock.set('2026-04-02T08:00:00Z');
    const partner = await signedInAs(t, 'partner', org.id);
    t.clock.advance(29 * MINUTE);
    expect((await partner.get('/returns')).status).toBe(200);
    t.clock.advance(31 * MINUTE);
    const page = await partner.get('/returns');
    expect(page.status).toBe(302);
    expect(page.headers.location).toBe('/sign-in?returnTo=%2Freturns');
  });
});

describe('the absolute limit', () => {
  it('when a user has been signed in for nearly 12 hours then every page warns, and at 12 hours they are signed out', async () => {
    t.clock.set('2026-04-02T08:00:00Z');
    const partner = await signedInAs(t, 'partner', org.id);
    for (let step = 1; step <= 34; step += 1) {
      t.clock.advance(20 * MINUTE); // active all day, up to 11 h 20 min
      const page = await partner.get('/returns');
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('You will be signed out at');
    }
    t.clock.advance(29 * MINUTE); // 11 h 49 min
    const warned = await partner.get('/returns');
    expect(within(warned, '.govuk-notification-banner')).toContain('You will be signed out at 21:00'); // 20:00 UTC is 21:00 in London (BST)
    t.clock.advance(12 * MINUTE);
    expect((await partner.get('/returns')).status).toBe(302);
  });
});

describe('a form sent after the session ended', () => {
  it('when the form is sent then the page says so, and after signing in the same form can be sent again', async () => {
    t.clock.set('2026-04-02T08:00:00Z');
    const user = await createUser(t, 'partner', org.id);
    const partner = await signedIn(t, user);
    const form = await partner.get('/returns/2026-03/records/new');
    const token = csrfFrom(form.text);
    t.clock.advance(45 * MINUTE); // a long phone call
    const fields = { ...completeRecordSections('LUNCH-2').death!, _csrf: token };
    const refused = await partner.post('/returns/2026-03/records/new').type('form').send(fields);
    expect(refused.status).toBe(401);
    expect(within(refused, 'h1')).toContain('You have been signed out');
    expect(within(refused, 'main')).toContain('Nothing from this form has been saved yet');
    expect(refused.text).not.toContain('LUNCH-2');
    await partner.signInAgain(); // in another tab: the browser keeps its form cookie
    const resent = await partner.post('/returns/2026-03/records/new').type('form').send(fields);
    expect(resent.text.match(/govuk-error-message">[\s\S]{0,200}/g) ?? []).toEqual([]);
    expect(resent.status).toBe(302);
    const saved = await t.db
      .selectFrom('records')
      .select('id')
      .where('partner_record_ref', '=', 'LUNCH-2')
      .execute();
    expect(saved).toHaveLength(1);
  });
});

describe('session rows', () => {
  it('when anonymous visitors open pages and the sign-in form then no session row is written', async () => {
    await t.db.deleteFrom('sessions').execute();
    for (let i = 0; i < 20; i += 1) {
      expect((await request(t.app).get('/sign-in')).status).toBe(200);
      await request(t.app).get('/');
      await request(t.app).get('/no-such-page');
      await request(t.app).get('/health');
    }
    expect(await sessionRows()).toBe(0);
  });

  it('when a sign-in form is sent without its cookie or with a wrong token then it is refused', async () => {
    const page = await agentFor(t.app).get('/sign-in');
    const token = csrfFrom(page.text);
    const noCookie = await request(t.app)
      .post('/sign-in')
      .type('form')
      .send({ email: 'a@b.test', password: 'x', _csrf: token });
    expect(noCookie.status).toBe(403);
    const agent = agentFor(t.app);
    await agent.get('/sign-in');
    const wrong = await agent
      .post('/sign-in')
      .type('form')
      .send({ email: 'a@b.test', password: 'x', _csrf: token });
    expect(wrong.status).toBe(403);
  });

  it('when sessions have expired then the purge job deletes them and keeps live ones', async () => {
    t.clock.set('2026-04-02T08:00:00Z');
    await t.db.deleteFrom('sessions').execute();
    await signedInAs(t, 'partner', org.id);
    t.clock.advance(40 * MINUTE);
    await signedInAs(t, 'partner', org.id);
    expect(await sessionRows()).toBe(2);
    expect(await purgeExpiredSessions(t.db, t.clock)).toBe(1);
    expect(await sessionRows()).toBe(1);
  });
});

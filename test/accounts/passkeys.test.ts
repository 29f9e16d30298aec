// Passkeys (issue #25): created from "Your account", signing in with one alone (both factors, no code),
// every forged or stale answer refused with the same plain message and audited, renaming and removing
// (never the last way in), an administrator's reset, and a ceremony finished on another instance.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import supertest, { type default as request } from 'supertest';
import { createApp } from '../../src/app.js';
import { PASSKEY_NOT_RECOGNISED } from '../../src/accounts/passkey-routes.js';
import type { Organisation, User } from '../../src/db/types.js';
import {
  agentFor,
  createOrganisation,
  createTestApp,
  createUser,
  csrfFrom,
  nullMailer,
  PASSWORD,
  signedIn,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { putSetting } from '../../src/settings/settings.js';
import { SoftAuthenticator, type Lies } from '../helpers/soft-authenticator.js';

const ORIGIN = 'http://drd.test'; // the test config's PUBLIC_URL
const RP_ID = 'drd.test';

let t: TestApp;
let org: Organisation;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  org = await createOrganisation(t);
  // Partners without an authenticator app can sign in with a password alone here, so one can create
  // a passkey as their first second factor (CCSU accounts always need one).
  await putSetting(t.db, 'twoFactor', { partnersRequired: false, rememberBrowserDays: 30 }, t.clock.now());
});
afterAll(() => t.close());

/** The options a page's script asks for, with the form token of `fromPage`. */
async function ceremonyOptions(agent: Agent, path: string, fromPage: string) {
  const token = csrfFrom((await agent.get(fromPage)).text);
  const response = await agent.post(path).type('form').send({ _csrf: token });
  expect(response.status).toBe(200);
  return response.body as { challenge: string; rp: { id: string }; user: { id: string }; rpId?: string };
}

async function createPasskey(agent: Agent, authenticator: SoftAuthenticator, lies: Lies = {}) {
  const options = await ceremonyOptions(agent, '/account/passkeys/options', '/account');
  const answer = authenticator.register(options, lies);
  return agent.submit('/account/passkeys', { response: JSON.stringify(answer) }, '/account');
}

async function passkeySignIn(agent: Agent, authenticator: SoftAuthenticator, lies: Lies = {}) {
  const options = await ceremonyOptions(agent, '/sign-in/passkey/options', '/sign-in');
  const answer = authenticator.signIn(options, RP_ID, lies);
  return agent.submit('/sign-in/passkey', { response: JSON.stringify(answer) }, '/sign-in');
}

/** A user with a passkey made through "Your account" (and their authenticator app, unless none). */
async function userWithPasskey(role: User['role'] = 'partner', twoFactor = true) {
  const user = await createUser(t, role, role === 'partner' ? org.id : null, { twoFactor });
  const authenticator = new SoftAuthenticator(ORIGIN);
  const agent = await signedIn(t, user);
  const made = await createPasskey(agent, authenticator);
  expect(made.status).toBe(200);
  return { user, authenticator, agent, made };
}

const isSignedIn = async (agent: Agent) => (await agent.get('/account')).status === 200;

function auditActions(userId: number) {
  return t.db
    .selectFrom('audit_log')
    .select(['action', 'detail'])
    .where('actor_user_id', '=', userId)
    .orderBy('id')
    .execute();
}

describe('creating a passkey', () => {
  it('when a partner creates one on Your account then it is listed as synced, audited and they are emailed', async () => {
    const { user, made, agent } = await userWithPasskey();
    expect(made.body).toEqual({ redirect: '/account' });
    const page = cheerio.load((await agent.get('/account')).text);
    expect(page('.govuk-notification-banner__heading').text()).toContain('Passkey created');
    const row = page('#passkey-list tbody tr');
    expect(row.length).toBe(1);
    expect(row.find('th').text().trim()).toBe('Passkey');
    expect(row.find('[data-label="Kept"]').text()).toBe('Synced to your other devices');
    expect(row.find('[data-label="Last used"]').text()).toBe('Not used yet');

    const stored = await t.db.selectFrom('passkeys').selectAll().where('user_id', '=', user.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ backed_up: true, device_type: 'multiDevice', counter: 0 });
    expect((await auditActions(user.id)).map((a) => a.action)).toContain('passkey_added');
    const mail = await t.db
      .selectFrom('outbox')
      .select(['subject', 'to_addresses'])
      .where('idempotency_key', '=', `passkey-added:${stored[0]!.id}`)
      .executeTakeFirst();
    expect(mail?.subject).toBe('A passkey was added to your drd-return account');
  });

  it('when a user with no second factor creates their first passkey then recovery codes are shown once', async () => {
    const { user, made, agent } = await userWithPasskey('partner', false);
    expect(made.body).toEqual({ redirect: '/sign-in/recovery-codes' });
    const codes = cheerio.load((await agent.get('/sign-in/recovery-codes')).text)(
      'ul[aria-label="Recovery codes"] code',
    );
    expect(codes.length).toBe(10);
    const left = await t.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(10);
  });

  it('when the answer is for another origin or lacks user verification then nothing is stored', async () => {
    const user = await createUser(t, 'partner', org.id);
    const agent = await signedIn(t, user);
    for (const lies of [
      { origin: 'https://phish.example' },
      { rpId: 'phish.example' },
      { userVerified: false },
    ]) {
      const made = await createPasskey(agent, new SoftAuthenticator(ORIGIN), lies);
      expect([made.status, made.body]).toEqual([400, { message: expect.stringContaining('not created') }]);
    }
    const stored = await t.db.selectFrom('passkeys').select('id').where('user_id', '=', user.id).execute();
    expect(stored).toEqual([]);
  });
});

describe('signing in with a passkey', () => {
  it('when a partner uses their passkey then they are signed in without a password or code, on the return they owe', async () => {
    const { user, authenticator } = await userWithPasskey();
    const agent = agentFor(t.app);
    const response = await passkeySignIn(agent, authenticator);
    expect([response.status, response.body]).toEqual([200, { redirect: '/returns/owed' }]);
    expect(await isSignedIn(agent)).toBe(true);
    const stored = await t.db
      .selectFrom('passkeys')
      .select(['counter', 'last_used_at'])
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({ counter: 1, last_used_at: t.clock.now() });
    const signIns = (await auditActions(user.id)).filter((a) => a.action === 'sign_in');
    expect(signIns.at(-1)?.detail).toMatchObject({ method: 'passkey' });
  });

  it('when the browser runs no JavaScript then the sign-in page says so and offers the password, with the passkey button hidden', async () => {
    const page = cheerio.load((await agentFor(t.app).get('/sign-in')).text);
    expect(page('[data-passkey-message]').text()).toContain('Passkeys need JavaScript');
    expect(page('[data-passkey-button]').attr('hidden')).toBeDefined();
    expect(page('form[action="/sign-in"] #password').length).toBe(1);
  });

  it('when a CCSU analyst uses a passkey alone then they reach the CCSU pages', async () => {
    const { authenticator } = await userWithPasskey('ccsu_analyst');
    const agent = agentFor(t.app);
    expect((await passkeySignIn(agent, authenticator)).body).toEqual({ redirect: '/ccsu' });
    expect((await agent.get('/ccsu')).status).toBe(200);
  });

  it('when the password is used on an account whose only factor is a passkey then the next step is the passkey, never setting up an app', async () => {
    const { user } = await userWithPasskey('partner', false);
    const agent = agentFor(t.app);
    const response = await agent.submit('/sign-in', { email: user.email, password: PASSWORD });
    expect(response.headers.location).toBe('/sign-in/use-passkey');
    expect((await agent.get('/sign-in/set-up')).headers.location).toBe('/sign-in/use-passkey');
    const page = cheerio.load((await agent.get('/sign-in/use-passkey')).text);
    expect(page('h1').text()).toBe('Use your passkey');
    expect(page('a[href="/sign-in/recovery-code"]').length).toBe(1);
    expect(await isSignedIn(agent)).toBe(false);
  });

  describe('when the answer cannot be trusted then it is refused with the same message, audited, and nobody is signed in', () => {
    let owner: Awaited<ReturnType<typeof userWithPasskey>>;
    let other: Awaited<ReturnType<typeof userWithPasskey>>;
    beforeAll(async () => {
      owner = await userWithPasskey();
      other = await userWithPasskey();
    });

    async function expectRefused(agent: Agent, response: request.Response, reason: string) {
      expect([response.status, response.body]).toEqual([401, { message: PASSKEY_NOT_RECOGNISED }]);
      expect(await isSignedIn(agent)).toBe(false);
      const failure = await t.db
        .selectFrom('audit_log')
        .select('detail')
        .where('action', '=', 'passkey_sign_in_failed')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(failure.detail).toEqual({ reason });
    }

    it('a replayed answer', async () => {
      const first = agentFor(t.app);
      const options = await ceremonyOptions(first, '/sign-in/passkey/options', '/sign-in');
      const answer = JSON.stringify(owner.authenticator.signIn(options, RP_ID));
      expect((await first.submit('/sign-in/passkey', { response: answer }, '/sign-in')).status).toBe(200);
      const again = agentFor(t.app);
      await ceremonyOptions(again, '/sign-in/passkey/options', '/sign-in');
      const replayed = await again.submit('/sign-in/passkey', { response: answer }, '/sign-in');
      await expectRefused(again, replayed, 'challenge not given to this browser');
    });

    it('a challenge given to another browser', async () => {
      const stranger = agentFor(t.app);
      const theirs = await ceremonyOptions(stranger, '/sign-in/passkey/options', '/sign-in');
      const agent = agentFor(t.app);
      await ceremonyOptions(agent, '/sign-in/passkey/options', '/sign-in');
      const answer = owner.authenticator.signIn(theirs, RP_ID);
      const response = await agent.submit(
        '/sign-in/passkey',
        { response: JSON.stringify(answer) },
        '/sign-in',
      );
      await expectRefused(agent, response, 'challenge not given to this browser');
    });

    it('another origin', async () => {
      const agent = agentFor(t.app);
      await expectRefused(
        agent,
        await passkeySignIn(agent, owner.authenticator, { origin: 'https://drd-return.phish.example' }),
        'not verified',
      );
    });

    it('another relying party', async () => {
      const agent = agentFor(t.app);
      await expectRefused(
        agent,
        await passkeySignIn(agent, owner.authenticator, { rpId: 'phish.example' }),
        'not verified',
      );
    });

    it('a credential presented as another user', async () => {
      const agent = agentFor(t.app);
      const response = await passkeySignIn(agent, owner.authenticator, {
        userHandle: other.authenticator.userHandle,
      });
      await expectRefused(agent, response, 'passkey of another user');
    });

    it('a counter that goes backwards (a cloned authenticator)', async () => {
      const agent = agentFor(t.app);
      expect((await passkeySignIn(agent, owner.authenticator, { counter: 50 })).status).toBe(200);
      const clone = agentFor(t.app);
      await expectRefused(
        clone,
        await passkeySignIn(clone, owner.authenticator, { counter: 49 }),
        'counter went backwards (a cloned authenticator?)',
      );
    });

    it('an answer without the user verified', async () => {
      const agent = agentFor(t.app);
      await expectRefused(
        agent,
        await passkeySignIn(agent, owner.authenticator, { userVerified: false }),
        'not verified',
      );
    });

    it('a removed passkey', async () => {
      const passkey = await t.db
        .selectFrom('passkeys')
        .select('id')
        .where('user_id', '=', other.user.id)
        .executeTakeFirstOrThrow();
      const removed = await other.agent.submit(`/account/passkeys/${passkey.id}/remove`, {});
      expect(removed.headers.location).toBe('/account');
      const agent = agentFor(t.app);
      await expectRefused(
        agent,
        await passkeySignIn(agent, other.authenticator),
        'unknown or removed passkey',
      );
    });
  });

  it('when a challenge was already used, or is over five minutes old, then the service refuses it whatever the session says', async () => {
    const { authenticator } = await userWithPasskey();
    const service = t.services.passkeys;
    const options = await service.signInOptions();
    const answer = authenticator.signIn(options, RP_ID);
    expect((await service.signIn(answer, options.challenge, 'test')).ok).toBe(true);
    expect(await service.signIn(answer, options.challenge, 'test')).toEqual({ ok: false, reason: 'invalid' });

    const stale = await service.signInOptions();
    t.clock.advance(5 * 60_000 + 1);
    try {
      const late = authenticator.signIn(stale, RP_ID);
      expect(await service.signIn(late, stale.challenge, 'test')).toEqual({ ok: false, reason: 'invalid' });
    } finally {
      t.clock.advance(-(5 * 60_000 + 1));
    }
    const reasons = await t.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'passkey_sign_in_failed')
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    expect(reasons.map((r) => r.detail)).toEqual([
      { reason: 'challenge not issued, used or expired' },
      { reason: 'challenge not issued, used or expired' },
    ]);
  });

  it('when one source keeps presenting answers that fail then it is stopped, as wrong passwords are', async () => {
    const { authenticator } = await userWithPasskey();
    const service = t.services.passkeys;
    for (let i = 0; i < 30; i += 1)
      expect(await service.signIn({ not: 'an answer' }, undefined, 'guessing-source')).toEqual({
        ok: false,
        reason: 'invalid',
      });
    // Even a good answer is refused from there now; another source is not affected.
    const options = await service.signInOptions();
    const good = authenticator.signIn(options, RP_ID);
    expect(await service.signIn(good, options.challenge, 'guessing-source')).toEqual({
      ok: false,
      reason: 'throttled',
    });
    expect((await service.signIn(good, options.challenge, 'owner-desk')).ok).toBe(true);
  });

  it('when a ceremony starts on one app instance then it finishes on another sharing the database', async () => {
    const { authenticator } = await userWithPasskey();
    const other = createApp({ config: t.config, db: t.db, mailer: nullMailer, clock: t.clock });
    // One browser's cookies, carried by hand between the two instances.
    const jar = new Map<string, string>();
    const keep = (response: request.Response) => {
      for (const line of (response.headers['set-cookie'] as unknown as string[] | undefined) ?? []) {
        const [name, ...value] = line.split(';')[0]!.split('=');
        jar.set(name!, value.join('='));
      }
      return response;
    };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const page = keep(await supertest(t.app).get('/sign-in'));
    const token = csrfFrom(page.text);
    const options = keep(
      await supertest(t.app)
        .post('/sign-in/passkey/options')
        .set('Cookie', cookie())
        .type('form')
        .send({ _csrf: token }),
    );
    const answer = JSON.stringify(authenticator.signIn(options.body, RP_ID));
    const response = await supertest(other)
      .post('/sign-in/passkey')
      .set('Cookie', cookie())
      .type('form')
      .send({ _csrf: token, response: answer });
    expect([response.status, response.body]).toEqual([200, { redirect: '/returns/owed' }]);
  });
});

describe('managing passkeys', () => {
  it('when a passkey is renamed then the new name is listed, and a blank name gets an error by the field', async () => {
    const { agent, user } = await userWithPasskey();
    const passkey = await t.db
      .selectFrom('passkeys')
      .select('id')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    const blank = await agent.submit(`/account/passkeys/${passkey.id}/rename`, { name: ' ' });
    expect(blank.status).toBe(400);
    expect(cheerio.load(blank.text)('#name-error').text()).toContain('Enter a name for the passkey');
    const renamed = await agent.submit(`/account/passkeys/${passkey.id}/rename`, { name: 'Work laptop' });
    expect(renamed.headers.location).toBe('/account');
    const page = cheerio.load((await agent.get('/account')).text);
    expect(page('#passkey-list tbody th').text().trim()).toBe('Work laptop');
  });

  it('when the only passkey is also the only second factor then removing it is refused, and a second can be added and removed', async () => {
    const { agent, user } = await userWithPasskey('partner', false);
    const [only] = await t.db.selectFrom('passkeys').select('id').where('user_id', '=', user.id).execute();
    const refused = await agent.submit(`/account/passkeys/${only!.id}/remove`, {});
    expect(refused.status).toBe(409);
    expect(cheerio.load(refused.text)('.govuk-error-summary').text()).toContain(
      'You cannot remove your only passkey',
    );

    expect((await createPasskey(agent, new SoftAuthenticator(ORIGIN, false))).status).toBe(200);
    const list = cheerio.load((await agent.get('/account')).text)('#passkey-list tbody tr');
    expect(list.length).toBe(2);
    expect(list.eq(1).find('[data-label="Kept"]').text()).toBe('On one device only');
    expect((await agent.submit(`/account/passkeys/${only!.id}/remove`, {})).headers.location).toBe(
      '/account',
    );
    const left = await t.db.selectFrom('passkeys').select('id').where('user_id', '=', user.id).execute();
    expect(left).toHaveLength(1);
  });

  it('when a return lead looks at their colleagues then they see who has a passkey or an app, not the passkeys', async () => {
    const { user } = await userWithPasskey();
    await t.db.updateTable('users').set({ return_lead: true }).where('id', '=', user.id).execute();
    const lead = await signedIn(t, user);
    const page = cheerio.load((await lead.get('/organisation')).text);
    const row = page('tr').filter((_i, el) => page(el).text().includes(user.email));
    expect(row.find('td[data-label="Second factor"]').text()).toBe('Authenticator app and 1 passkey');
    expect(page('main').text()).not.toContain('Passkey on');
  });

  it("when a user asks for another user's passkey then it is not found", async () => {
    const { user } = await userWithPasskey();
    const intruder = await signedInAs(t, 'partner', org.id);
    const theirs = await t.db
      .selectFrom('passkeys')
      .select('id')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect((await intruder.get(`/account/passkeys/${theirs.id}/rename`)).status).toBe(404);
    // An id no row can have is not found before any query (it used to reach PostgreSQL: a 500).
    expect((await intruder.get('/account/passkeys/9999999999/rename')).status).toBe(404);
    expect((await intruder.submit(`/account/passkeys/${theirs.id}/remove`, {}, '/account')).status).toBe(404);
    expect(
      (await intruder.submit(`/account/passkeys/${theirs.id}/rename`, { name: 'Mine' }, '/account')).status,
    ).toBe(404);
  });

  it("when an administrator resets a user's second factor then their passkeys go too", async () => {
    const { user, authenticator } = await userWithPasskey('partner', false);
    const admin = await signedInAs(t, 'ccsu_admin');
    // The administrator sees how the user signs in, never the credential, and can reset a passkey alone.
    const users = cheerio.load((await admin.get('/admin/users')).text);
    const row = users('tr').filter((_i, el) => users(el).text().includes(user.email));
    expect(row.find('td[data-label="Second factor"]').text()).toBe('1 passkey');
    expect((await admin.get(`/admin/users/${user.id}/reset-two-factor`)).status).toBe(200);
    const reset = await admin.submit(`/admin/users/${user.id}/reset-two-factor`, {});
    expect(reset.status).toBe(302);
    const left = await t.db.selectFrom('passkeys').select('id').where('user_id', '=', user.id).execute();
    expect(left).toEqual([]);
    const agent = agentFor(t.app);
    expect((await passkeySignIn(agent, authenticator)).status).toBe(401);
  });
});

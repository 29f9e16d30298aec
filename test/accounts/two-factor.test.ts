// Two-factor sign-in: set-up with a QR code and a typed key, codes that work once, recovery codes that
// work once, throttled guessing, browsers remembered only for partners, and an administrator's reset.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import request from 'supertest';
import {
  agentFor,
  createOrganisation,
  createTestApp,
  createUser,
  currentCode,
  PASSWORD,
  signedIn,
  TEST_TOTP_KEY,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { codeAt } from '../../src/accounts/totp.js';
import type { Organisation, User } from '../../src/db/types.js';
import { putSetting } from '../../src/settings/settings.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let org: Organisation;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  org = await createOrganisation(t);
});
afterAll(() => t.close());

async function password(agent: Agent, user: User) {
  const response = await agent.submit('/sign-in', { email: user.email, password: PASSWORD });
  expect(response.status).toBe(302);
  return response.headers.location;
}

/** Sets up an authenticator through the pages: reads the key as a person would type it in. */
async function enrol(agent: Agent): Promise<{ key: string; codes: string[] }> {
  const page = cheerio.load((await agent.get('/sign-in/set-up')).text);
  const key = page('#key').text().replace(/\s+/g, '');
  const done = await agent.submit('/sign-in/set-up', { code: codeAt(key, t.clock.now()) });
  expect(done.headers.location).toBe('/sign-in/recovery-codes');
  const shown = cheerio.load((await agent.get('/sign-in/recovery-codes')).text);
  const codes = shown('ul[aria-label="Recovery codes"] code')
    .map((_i, el) => shown(el).text())
    .get();
  return { key, codes };
}

describe('setting up a second factor', () => {
  it('when an analyst without one signs in then they set it up from the QR code or key, and get 10 recovery codes once', async () => {
    const analyst = await createUser(t, 'ccsu_analyst', null, { twoFactor: false });
    const agent = agentFor(t.app);
    expect(await password(agent, analyst)).toBe('/sign-in/set-up');
    expect((await agent.get('/ccsu')).status).toBe(302); // not signed in yet

    const page = cheerio.load((await agent.get('/sign-in/set-up')).text);
    expect(page('h1').text()).toBe('Set up your authenticator app');
    expect(page('.drd-qr[role="img"] svg').length).toBe(1);
    const key = page('#key').text().replace(/\s+/g, '');
    expect(key).toMatch(/^[A-Z2-7]{32}$/);

    const wrong = await agent.submit('/sign-in/set-up', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(cheerio.load(wrong.text)('#code-error').text()).toContain(
      'Enter the 6-digit code your authenticator app shows',
    );
    const right = await agent.submit('/sign-in/set-up', { code: codeAt(key, t.clock.now()) });
    expect(right.headers.location).toBe('/sign-in/recovery-codes');
    const shown = cheerio.load((await agent.get('/sign-in/recovery-codes')).text);
    const codes = shown('ul[aria-label="Recovery codes"] code')
      .map((_i, el) => shown(el).text())
      .get();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const onward = await agent.submit('/sign-in/recovery-codes', {});
    expect(onward.headers.location).toBe('/ccsu');
    // Shown once: after continuing the codes are gone from the session and the page.
    expect((await agent.get('/sign-in/recovery-codes')).headers.location).toBe('/ccsu');
    expect(JSON.stringify(await t.db.selectFrom('sessions').select('sess').execute())).not.toContain(
      codes[0],
    );

    const stored = await t.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', analyst.id)
      .executeTakeFirstOrThrow();
    expect(stored.totp_secret).not.toContain(key); // encrypted at rest
    const hashes = await t.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', analyst.id)
      .execute();
    expect(hashes).toHaveLength(10);
    expect(JSON.stringify(hashes)).not.toContain(codes[0]!.replace('-', ''));
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', String(analyst.id))
      .execute();
    expect(audit.map((a) => a.action)).toContain('two_factor_enabled');
  });

  it('when partners are not required to have one and a partner has none then they sign straight in', async () => {
    await putSetting(t.db, 'twoFactor', { partnersRequired: false, rememberBrowserDays: 30 }, t.clock.now());
    const partner = await createUser(t, 'partner', org.id, { twoFactor: false });
    expect(await password(agentFor(t.app), partner)).toBe('/returns/owed');
    const analyst = await createUser(t, 'ccsu_analyst', null, { twoFactor: false });
    expect(await password(agentFor(t.app), analyst)).toBe('/sign-in/set-up'); // CCSU always
    await t.db.deleteFrom('settings').where('key', '=', 'twoFactor').execute();
    await putSetting(t.db, 'unused', null, t.clock.now()); // a write: the settings cache moves on
  });
});

describe('signing in with a code', () => {
  it('when the code is right then the user is in, and the same code cannot be used again', async () => {
    const analyst = await createUser(t, 'ccsu_analyst');
    const agent = agentFor(t.app);
    expect(await password(agent, analyst)).toBe('/sign-in/code');
    const code = await currentCode(t, analyst);
    expect((await agent.submit('/sign-in/code', { code })).headers.location).toBe('/ccsu');
    expect((await agent.get('/ccsu')).status).toBe(200);

    const thief = agentFor(t.app);
    await password(thief, analyst);
    const replay = await thief.submit('/sign-in/code', { code });
    expect(replay.status).toBe(400);
    expect(cheerio.load(replay.text)('#code-error').text()).toContain(
      'Enter the current code from your authenticator app',
    );
    // 30 seconds on, the app's next code works.
    t.clock.advance(30_000);
    const next = await thief.submit('/sign-in/code', { code: codeAt(TEST_TOTP_KEY, t.clock.now()) });
    expect(next.headers.location).toBe('/ccsu');
  });

  it('when five wrong codes are tried then even the right one waits 15 minutes', async () => {
    const analyst = await createUser(t, 'ccsu_analyst');
    const agent = agentFor(t.app);
    await password(agent, analyst);
    for (let i = 0; i < 5; i += 1)
      expect((await agent.submit('/sign-in/code', { code: `12345${i}` })).status).toBe(400);
    const blocked = await agent.submit('/sign-in/code', { code: await currentCode(t, analyst) });
    expect(blocked.status).toBe(429);
    expect(within(blocked, '.govuk-error-summary')).toContain('Too many wrong codes');
    t.clock.advance(15 * 60_000 + 1000);
    const later = agentFor(t.app);
    await password(later, analyst);
    expect((await later.submit('/sign-in/code', { code: await currentCode(t, analyst) })).status).toBe(302);
  });

  it('when more than 10 minutes pass after the password then the code page sends them back to sign in', async () => {
    const analyst = await createUser(t, 'ccsu_analyst');
    const agent = agentFor(t.app);
    await password(agent, analyst);
    const page = await agent.get('/sign-in/code');
    t.clock.advance(11 * 60_000);
    const late = await agent
      .post('/sign-in/code')
      .type('form')
      .send({
        code: await currentCode(t, analyst),
        _csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1],
      });
    expect(late.headers.location).toBe('/sign-in');
    expect((await agent.get('/ccsu')).status).toBe(302);
  });

  it('when there is no password step then the code and set-up pages go to sign in', async () => {
    for (const path of ['/sign-in/code', '/sign-in/set-up', '/sign-in/recovery-code'])
      expect([path, (await request(t.app).get(path)).headers.location]).toEqual([path, '/sign-in']);
  });
});

describe('recovery codes', () => {
  it('when a recovery code is used then it signs in once, and a second use fails', async () => {
    const partner = await createUser(t, 'partner', org.id, { twoFactor: false });
    const first = agentFor(t.app);
    await password(first, partner);
    const { codes } = await enrol(first);
    const agent = agentFor(t.app);
    expect(await password(agent, partner)).toBe('/sign-in/code');
    const used = await agent.submit('/sign-in/recovery-code', { code: codes[3]!.toUpperCase() });
    expect(used.headers.location).toBe('/returns/owed');
    expect(within(await agent.get('/returns'), '.govuk-notification-banner')).toContain(
      'You used a recovery code: 9 left',
    );

    const again = agentFor(t.app);
    await password(again, partner);
    const reused = await again.submit('/sign-in/recovery-code', { code: codes[3]! });
    expect(reused.status).toBe(400);
    expect(cheerio.load(reused.text)('#code-error').text()).toContain(
      'Enter a recovery code you have not used before',
    );
  });
});

describe('remembered browsers', () => {
  it('when a partner ticks remember then the next sign-in on that browser asks no code; another browser does', async () => {
    const partner = await createUser(t, 'partner', org.id);
    const agent = agentFor(t.app);
    await password(agent, partner);
    const page = cheerio.load((await agent.get('/sign-in/code')).text);
    expect(page('label[for="remember"]').text()).toBe('Do not ask for a code on this browser for 30 days');
    const done = await agent.submit('/sign-in/code', {
      code: await currentCode(t, partner),
      remember: 'yes',
    });
    expect(String(done.headers['set-cookie'])).toMatch(/drd\.remember=[\w-]+;.*HttpOnly/);
    await agent.submit('/sign-out', {}, '/returns');
    expect(await password(agent, partner)).toBe('/returns/owed');
    expect(await password(agentFor(t.app), partner)).toBe('/sign-in/code');
    t.clock.advance(31 * 86_400_000); // remembered for 30 days, no longer
    expect(await password(agent, partner)).toBe('/sign-in/code');
  });

  it('when an analyst signs in then remembering the browser is not offered, and is refused if sent', async () => {
    const analyst = await createUser(t, 'ccsu_analyst');
    const agent = agentFor(t.app);
    await password(agent, analyst);
    expect(cheerio.load((await agent.get('/sign-in/code')).text)('#remember').length).toBe(0);
    const done = await agent.submit('/sign-in/code', {
      code: await currentCode(t, analyst),
      remember: 'yes',
    });
    expect(String(done.headers['set-cookie'])).not.toContain('drd.remember');
  });
});

describe('an administrator resets a second factor', () => {
  it('when the admin resets it then the user is emailed and sets up a new one; the audit says who', async () => {
    const admin = await createUser(t, 'ccsu_admin');
    const partner = await createUser(t, 'partner', org.id);
    const adminAgent = await signedIn(t, admin);
    const users = cheerio.load((await adminAgent.get('/admin/users')).text);
    const row = users('tr').filter((_i, el) => users(el).text().includes(partner.email));
    expect(row.find('td[data-label="Second factor"]').text()).toBe('Authenticator app');
    const reset = await adminAgent.submit(`/admin/users/${partner.id}/reset-two-factor`, {}, '/admin/users');
    expect(reset.headers.location).toBe('/admin/users');
    expect(await password(agentFor(t.app), partner)).toBe('/sign-in/set-up');
    const email = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('subject', '=', 'Your drd-return second factor was reset')
      .executeTakeFirstOrThrow();
    expect(email.to_addresses).toEqual([partner.email]);
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'two_factor_reset')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_user_id: admin.id, entity_id: String(partner.id) });
  });

  it('when a partner or analyst tries to reset one then it is refused', async () => {
    const target = await createUser(t, 'partner', org.id);
    for (const role of ['partner', 'ccsu_analyst'] as const) {
      const agent = await signedIn(t, await createUser(t, role, role === 'partner' ? org.id : null));
      const refused = await agent.submit(`/admin/users/${target.id}/reset-two-factor`, {}, '/returns');
      expect([role, refused.status]).toEqual([role, 403]);
    }
  });
});

describe('a password reset link', () => {
  it('when a user resets their password then the second factor is still asked for', async () => {
    const analyst = await createUser(t, 'ccsu_analyst');
    await t.services.accounts.requestPasswordReset(analyst.email, 'test');
    const message = (await t.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').execute()).find((m) =>
      m.to_addresses.includes(analyst.email),
    )!;
    const link = new URL(/http:\/\/drd\.test\/reset-password\/[\w-]+/.exec(message.text)![0]).pathname;
    const agent = agentFor(t.app);
    const done = await agent.submit(link, {
      password: 'a brand new long password',
      confirm: 'a brand new long password',
    });
    expect(done.headers.location).toBe('/sign-in/code');
    expect((await agent.get('/ccsu')).status).toBe(302);
  });
});

describe('a second factor cannot be replaced with only the password', () => {
  async function storedKey(user: User): Promise<string> {
    const row = await t.db
      .selectFrom('users')
      .select('totp_secret')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    return t.services.twoFactor.keys.decrypt(row.totp_secret!);
  }

  it('when an enrolled analyst passes the password step then set-up is not offered and a posted code enrols nothing', async () => {
    const analyst = await createUser(t, 'ccsu_analyst');
    const attacker = agentFor(t.app);
    expect(await password(attacker, analyst)).toBe('/sign-in/code');
    const setUp = await attacker.get('/sign-in/set-up');
    expect(setUp.status).toBe(302);
    expect(setUp.headers.location).toBe('/sign-in/code');
    // Even with a code from a key of the attacker's own, posted straight at the set-up form:
    const posted = await attacker.submit(
      '/sign-in/set-up',
      { code: codeAt('KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU', t.clock.now()) },
      '/sign-in/code',
    );
    expect(posted.status).toBe(302);
    expect(posted.headers.location).toBe('/sign-in/code');
    expect((await attacker.get('/ccsu')).status).toBe(302);
    expect(await storedKey(analyst)).toBe(TEST_TOTP_KEY);
  });

  it('when someone holds a password-reset link of an enrolled user then setting the password still asks for the existing factor', async () => {
    const partner = await createUser(t, 'partner', org.id);
    await t.services.accounts.requestPasswordReset(partner.email, 'test-holes');
    const message = (await t.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').execute()).find((m) =>
      m.to_addresses.includes(partner.email),
    )!;
    const link = new URL(/http:\/\/drd\.test\/reset-password\/[\w-]+/.exec(message.text)![0]).pathname;
    const thief = agentFor(t.app);
    const done = await thief.submit(link, {
      password: 'a brand new long password',
      confirm: 'a brand new long password',
    });
    expect(done.headers.location).toBe('/sign-in/code');
    expect((await thief.get('/sign-in/set-up')).headers.location).toBe('/sign-in/code');
    expect(await storedKey(partner)).toBe(TEST_TOTP_KEY);
  });

  it('when two set-ups of one new account race then only the first enrols, and the user is emailed about it', async () => {
    const analyst = await createUser(t, 'ccsu_analyst', null, { twoFactor: false });
    const [one, two] = [agentFor(t.app), agentFor(t.app)];
    for (const agent of [one, two]) expect(await password(agent, analyst)).toBe('/sign-in/set-up');
    const keyOf = async (agent: Agent) =>
      cheerio
        .load((await agent.get('/sign-in/set-up')).text)('#key')
        .text()
        .replace(/\s+/g, '');
    const [keyOne, keyTwo] = [await keyOf(one), await keyOf(two)];
    expect(keyOne).not.toBe(keyTwo);
    const first = await one.submit('/sign-in/set-up', { code: codeAt(keyOne, t.clock.now()) });
    expect(first.headers.location).toBe('/sign-in/recovery-codes');
    const second = await two.submit(
      '/sign-in/set-up',
      { code: codeAt(keyTwo, t.clock.now()) },
      '/sign-in/code',
    );
    expect(second.headers.location).toBe('/sign-in/code');
    expect((await two.get('/ccsu')).status).toBe(302);
    expect(await storedKey(analyst)).toBe(keyOne);
    const emails = await t.db
      .selectFrom('outbox')
      .select(['to_addresses', 'text'])
      .where('subject', '=', 'A second factor was set up on your drd-return account')
      .execute();
    expect(emails.filter((e) => e.to_addresses.includes(analyst.email))).toHaveLength(1);
  });

  it('when a set-up is half done then the session table holds neither the key nor the recovery codes in clear', async () => {
    const analyst = await createUser(t, 'ccsu_analyst', null, { twoFactor: false });
    const agent = agentFor(t.app);
    await password(agent, analyst);
    const page = cheerio.load((await agent.get('/sign-in/set-up')).text);
    const key = page('#key').text().replace(/\s+/g, '');
    expect(page('#otpauth-link').attr('href')).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    const sessions = async () => JSON.stringify(await t.db.selectFrom('sessions').select('sess').execute());
    expect(await sessions()).not.toContain(key);
    await agent.submit('/sign-in/set-up', { code: codeAt(key, t.clock.now()) });
    const shown = cheerio.load((await agent.get('/sign-in/recovery-codes')).text);
    const codes = shown('ul[aria-label="Recovery codes"] code')
      .map((_i, el) => shown(el).text())
      .get();
    expect(codes).toHaveLength(10);
    const stored = await sessions();
    for (const code of codes) expect(stored).not.toContain(code);
  });
});

describe('a reset, a new password or a deactivation ends every way in', () => {
  async function rememberedPartner(): Promise<{ partner: User; agent: Agent }> {
    const partner = await createUser(t, 'partner', org.id);
    const agent = agentFor(t.app);
    await password(agent, partner);
    await agent.submit('/sign-in/code', { code: await currentCode(t, partner), remember: 'yes' });
    expect((await agent.get('/returns')).status).toBe(200);
    return { partner, agent };
  }

  it('when an admin resets the second factor then the user is signed out everywhere and the remembered browser is forgotten', async () => {
    const admin = await signedInAs(t, 'ccsu_admin');
    const { partner, agent } = await rememberedPartner();
    await admin.submit(`/admin/users/${partner.id}/reset-two-factor`, {}, '/admin/users');
    expect((await agent.get('/returns')).headers.location).toMatch(/^\/sign-in/);
    expect(await password(agent, partner)).toBe('/sign-in/set-up');
  });

  it('when the password is reset then the remembered browser asks for the code again and old sessions end', async () => {
    const { partner, agent } = await rememberedPartner();
    await t.services.accounts.requestPasswordReset(partner.email, 'test-remember');
    const message = (await t.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').execute()).find((m) =>
      m.to_addresses.includes(partner.email),
    )!;
    const link = new URL(/http:\/\/drd\.test\/reset-password\/[\w-]+/.exec(message.text)![0]).pathname;
    expect((await agent.get('/returns')).status).toBe(200);
    await agentFor(t.app).submit(link, {
      password: 'another brand new password',
      confirm: 'another brand new password',
    });
    expect((await agent.get('/returns')).headers.location).toMatch(/^\/sign-in/);
    const again = await agent.submit('/sign-in', {
      email: partner.email,
      password: 'another brand new password',
    });
    expect(again.headers.location).toBe('/sign-in/code');
  });

  it('when a user is deactivated and reactivated then their remembered browser asks for the code again', async () => {
    const admin = await signedInAs(t, 'ccsu_admin');
    const { partner, agent } = await rememberedPartner();
    await admin.submit(`/admin/users/${partner.id}/deactivate`, {}, '/admin/users');
    expect((await agent.get('/returns')).headers.location).toMatch(/^\/sign-in/);
    await admin.submit(`/admin/users/${partner.id}/reactivate`, {}, '/admin/users');
    expect(await password(agent, partner)).toBe('/sign-in/code');
  });
});

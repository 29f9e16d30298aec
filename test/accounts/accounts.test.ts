import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  agentFor,
  createOrganisation,
  createTestApp,
  createUser,
  currentCode,
  csrfFrom,
  PASSWORD,
  signedIn,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { OutboxSender, defaultSenderOptions } from '../../src/mail/sender.js';
import { within } from '../helpers/within.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('first run', () => {
  it('when the database has no users then a one-time link creates the first CCSU administrator', async () => {
    const link = await t.services.accounts.firstRunSetupLink();
    expect(link).toMatch(/^http:\/\/drd\.test\/setup\/[\w-]{40,}$/);
    const path = new URL(link!).pathname;
    const agent = agentFor(t.app);
    const mismatch = await agent.submit(path, {
      email: 'first.admin@ccsu.test',
      password: 'a long enough password',
      confirm: 'different',
    });
    expect(mismatch.status).toBe(400);
    expect(within(mismatch, '.govuk-error-summary')).toContain('Passwords do not match');
    const created = await agent.submit(path, {
      email: 'first.admin@ccsu.test',
      password: 'a long enough password',
      confirm: 'a long enough password',
    });
    expect(created.status).toBe(302);
    // Not in yet: an administrator's account needs its second factor first (test/accounts/two-factor).
    expect(created.headers.location).toBe('/sign-in/set-up');
    expect((await agent.get('/admin/organisations')).status).toBe(302);
    const admin = await t.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(admin).toMatchObject({ email: 'first.admin@ccsu.test', role: 'ccsu_admin', status: 'active' });
    expect(admin.password_hash).toMatch(/^\$argon2id\$/);
    // The link works once, and no new link is made once a user exists.
    expect((await request(t.app).get(path)).status).toBe(410);
    expect(await t.services.accounts.firstRunSetupLink()).toBeNull();
  });
});

describe('signing in', () => {
  it('when the password is right then the user reaches their home page', async () => {
    const org = await createOrganisation(t);
    const user = await createUser(t, 'partner', org.id);
    const agent = agentFor(t.app);
    const response = await agent.submit('/sign-in', { email: user.email.toUpperCase(), password: PASSWORD });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/sign-in/code');
    const code = await agent.submit('/sign-in/code', { code: await currentCode(t, user) });
    expect(code.headers.location).toBe('/returns/owed');
    expect((await agent.get('/returns/owed')).status).toBe(302); // signed in: on to the owed return
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'sign_in')
      .where('actor_user_id', '=', user.id)
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('when the password is wrong then the page says so without saying which part was wrong', async () => {
    const user = await createUser(t, 'ccsu_analyst');
    const response = await agentFor(t.app).submit('/sign-in', {
      email: user.email,
      password: 'wrong password',
    });
    expect(response.status).toBe(401);
    expect(within(response, '.govuk-error-summary')).toContain('Enter a correct email address and password');
    const unknown = await agentFor(t.app).submit('/sign-in', {
      email: 'nobody@example.test',
      password: 'wrong password',
    });
    expect(within(unknown, '.govuk-error-summary')).toContain('Enter a correct email address and password');
  });

  it('when the form is empty then each field has its own message', async () => {
    const response = await agentFor(t.app).submit('/sign-in', { email: '', password: '' });
    expect(response.status).toBe(400);
    expect(response.text).toContain('<title>Error: Sign in');
    expect(within(response, '.govuk-error-summary')).toContain('Enter an email address');
    expect(within(response, '.govuk-error-summary')).toContain('Enter your password');
  });

  it('when there are too many wrong passwords from one place then sign-in from there stops, even for the right password', async () => {
    const user = await createUser(t, 'ccsu_analyst');
    for (let i = 0; i < t.config.signIn.maxAttempts; i += 1)
      await agentFor(t.app).submit('/sign-in', { email: user.email, password: `wrong ${i}` });
    const locked = await agentFor(t.app).submit('/sign-in', { email: user.email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(within(locked, '.govuk-error-summary')).toContain('Too many attempts to sign in from here');
    t.clock.advance((t.config.signIn.lockoutMinutes + 1) * 60_000);
    const after = await agentFor(t.app).submit('/sign-in', { email: user.email, password: PASSWORD });
    expect(after.status).toBe(302);
  });

  it('when a POST has no CSRF token then it is refused and nothing changes', async () => {
    const user = await createUser(t, 'ccsu_analyst');
    const response = await request(t.app)
      .post('/sign-in')
      .type('form')
      .send({ email: user.email, password: PASSWORD });
    expect(response.status).toBe(403);
    expect(within(response, 'h1')).toContain('Your form has expired');
    expect(response.text).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('when a user signs out then their session no longer works', async () => {
    const user = await createUser(t, 'ccsu_analyst');
    const agent = await signedIn(t, user);
    expect((await agent.get('/ccsu')).status).toBe(200);
    const page = await agent.get('/ccsu');
    await agent
      .post('/sign-out')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    const after = await agent.get('/ccsu');
    expect(after.status).toBe(302);
    expect(after.headers.location).toBe('/sign-in?returnTo=%2Fccsu');
  });
});

describe('invitations and deactivation', () => {
  it('when an admin invites a partner user then the link sets a password once, and an email is queued', async () => {
    const admin = await createUser(t, 'ccsu_admin');
    const org = await createOrganisation(t, { name: 'Hertfordshire Constabulary', code: 'HPOL' });
    const agent = await signedIn(t, admin);
    const missingOrg = await agent.submit('/admin/users/invite', {
      email: 'officer@police.test',
      role: 'partner',
    });
    expect(missingOrg.status).toBe(400);
    expect(within(missingOrg, '.govuk-error-summary')).toContain(
      'Select the organisation this partner user works for',
    );

    const invited = await agent.submit('/admin/users/invite', {
      email: 'officer@police.test',
      role: 'partner',
      organisation_id: String(org.id),
    });
    // No SMTP in the test: the link is shown once on the page, and kept nowhere else readable.
    expect(invited.status).toBe(200);
    const link = /<code class="drd-break" id="invitation-link">([^<]+)<\/code>/.exec(invited.text)![1]!;
    expect((await agent.get('/admin/users')).text).not.toContain(link);
    const email = (await t.db.selectFrom('outbox').selectAll().execute()).find((m) =>
      m.to_addresses.includes('officer@police.test'),
    )!;
    expect(email.secret).toBe(true);
    expect(email.text).toContain(link); // for the sender; never shown in the app
    expect(email.html).toContain('Hertfordshire Constabulary');
    const shown = await agent.get(`/admin/outbox/${email.id}`);
    expect(shown.status).toBe(200);
    expect(shown.text).not.toContain(link);
    expect(within(shown, '.govuk-inset-text')).toContain('carries a personal link');
    expect((await agent.get(`/admin/outbox/${email.id}/html`)).status).toBe(404);
    const sessions = await t.db.selectFrom('sessions').select('sess').execute();
    expect(JSON.stringify(sessions)).not.toContain(new URL(link).pathname);

    const path = new URL(link).pathname;
    const invitee = agentFor(t.app);
    const short = await invitee.submit(path, { password: 'short', confirm: 'short' });
    expect(within(short, '.govuk-error-summary')).toContain('Password must be 12 characters or more');
    for (const common of ['password1234', 'Hertfordshire1', 'qwertyuiop123'])
      expect(
        within(await invitee.submit(path, { password: common, confirm: common }), '.govuk-error-summary'),
      ).toContain('This password is too easy to guess');
    // In plain words, not the library's ("page related data").
    const serviceWord = await invitee.submit(path, { password: 'Hertfordshire1', confirm: 'Hertfordshire1' });
    expect(within(serviceWord, '.govuk-error-summary')).toContain(
      'it contains your email address or a word about this service',
    );
    expect(serviceWord.text).not.toContain('page related');
    const done = await invitee.submit(path, {
      password: 'a perfectly fine password',
      confirm: 'a perfectly fine password',
    });
    expect(done.status).toBe(302);
    expect(done.headers.location).toBe('/sign-in/set-up'); // partners need a second factor by default
    expect((await request(t.app).get(path)).status).toBe(410);
  });

  it('when an invitation is older than 7 days then it has expired', async () => {
    const result = await t.services.accounts.invite(
      { email: 'late@org.test', role: 'ccsu_analyst', organisationId: null },
      { userId: null, label: 'test' },
    );
    if (!result.ok) throw new Error('not invited');
    t.clock.advance(8 * 86_400_000);
    const page = await request(t.app).get(new URL(result.link).pathname);
    expect(page.status).toBe(410);
    expect(within(page, 'main')).toContain('Links to set a password work for 7 days');
  });

  it('when an admin deactivates a user then their sessions end and they cannot sign in', async () => {
    const admin = await createUser(t, 'ccsu_admin');
    const analyst = await createUser(t, 'ccsu_analyst');
    const analystAgent = await signedIn(t, analyst);
    const adminAgent = await signedIn(t, admin);
    const response = await adminAgent.submit(`/admin/users/${analyst.id}/deactivate`, {}, '/admin/users');
    expect(response.status).toBe(302);
    expect((await analystAgent.get('/ccsu')).status).toBe(302);
    const retry = await agentFor(t.app).submit('/sign-in', { email: analyst.email, password: PASSWORD });
    expect(retry.status).toBe(401);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'user_deactivated')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('when an invitee who never set a password is reactivated then they are invited again with a link that works', async () => {
    const adminAgent = await signedInAs(t, 'ccsu_admin');
    const invited = await adminAgent.submit('/admin/users/invite', {
      email: 'late.starter@ccsu.test',
      role: 'ccsu_analyst',
    });
    expect(invited.status).toBe(200);
    const user = await t.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'late.starter@ccsu.test')
      .executeTakeFirstOrThrow();
    await adminAgent.submit(`/admin/users/${user.id}/deactivate`, {}, '/admin/users');
    const reactivated = await adminAgent.submit(`/admin/users/${user.id}/reactivate`, {}, '/admin/users');
    expect(reactivated.status).toBe(200);
    expect(within(reactivated, '.govuk-notification-banner')).toContain(
      'has been sent a new invitation to set a password',
    );
    const link = /<code class="drd-break" id="invitation-link">([^<]+)<\/code>/.exec(reactivated.text)![1]!;
    expect(
      (await t.db.selectFrom('users').select('status').where('id', '=', user.id).executeTakeFirstOrThrow())
        .status,
    ).toBe('invited');
    expect((await request(t.app).get(new URL(link).pathname)).status).toBe(200);
  });
});

describe('organisations', () => {
  it('when an admin adds an organisation with mistakes then every mistake is shown and nothing is saved', async () => {
    const admin = await createUser(t, 'ccsu_admin');
    const agent = await signedIn(t, admin);
    const before = await t.db.selectFrom('organisations').select('id').execute();
    const response = await agent.submit('/admin/organisations/new', {
      name: '',
      code: 'H1',
      return_contacts: 'not-an-email',
      escalation_contact: '',
    });
    expect(response.status).toBe(400);
    for (const message of [
      'Enter the organisation’s name',
      'Short code must be 2 to 8 letters',
      'Select the type of organisation',
      'Select at least one area the organisation covers',
      'Each return contact must be an email address',
      'Enter the first month the organisation makes returns for',
    ])
      expect(within(response, '.govuk-error-summary')).toContain(message);
    expect(await t.db.selectFrom('organisations').select('id').execute()).toHaveLength(before.length);
  });

  it('when an admin adds a valid organisation then it is stored and audited', async () => {
    const admin = await createUser(t, 'ccsu_admin');
    const agent = await signedIn(t, admin);
    const response = await agent.submit('/admin/organisations/new', {
      name: 'Change Grow Live Hertfordshire',
      code: 'cgl',
      type: 'drug_alcohol_treatment',
      areas: ['watford', 'dacorum'],
      'active_from-month': '4',
      'active_from-year': '2026',
      return_contacts: 'data@cgl.test\nlead@cgl.test',
      escalation_contact: 'Manager@cgl.test',
    });
    expect(response.status).toBe(302);
    const org = await t.db
      .selectFrom('organisations')
      .selectAll()
      .where('code', '=', 'CGL')
      .executeTakeFirstOrThrow();
    expect(org).toMatchObject({
      areas: ['watford', 'dacorum'],
      active_from: '2026-04',
      return_contacts: ['data@cgl.test', 'lead@cgl.test'],
      escalation_contact: 'manager@cgl.test',
    });
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'organisation_created')
      .where('organisation_id', '=', org.id)
      .execute();
    expect(audit).toHaveLength(1);
  });
});

describe('forgotten passwords', () => {
  it('when a user asks for a reset then an email link lets them choose a new password once, ending other sessions', async () => {
    const user = await createUser(t, 'ccsu_analyst');
    const oldSession = await signedIn(t, user);
    const response = await agentFor(t.app).submit('/forgot-password', { email: user.email });
    expect(within(response, 'h1')).toContain('Check your email');
    const email = (await t.db.selectFrom('outbox').selectAll().execute()).find(
      (m) => m.to_addresses.includes(user.email) && m.subject.startsWith('Reset'),
    )!;
    const path = new URL(/(http:\/\/drd\.test\/reset-password\/[\w-]+)/.exec(email.text)![1]!).pathname;
    const agent = agentFor(t.app);
    const done = await agent.submit(path, {
      password: 'a brand new password',
      confirm: 'a brand new password',
    });
    expect(done.status).toBe(302);
    expect((await oldSession.get('/ccsu')).status).toBe(302); // the old session is gone
    expect(
      (await agentFor(t.app).submit('/sign-in', { email: user.email, password: 'a brand new password' }))
        .status,
    ).toBe(302);
    expect((await request(t.app).get(path)).status).toBe(410);
  });

  it('when a user asks twice then only the newest link works, and a new password cancels every other link', async () => {
    const user = await createUser(t, 'ccsu_analyst');
    const resetLinks = async () =>
      (await t.db.selectFrom('outbox').selectAll().orderBy('id').execute())
        .filter((m) => m.to_addresses.includes(user.email) && m.subject.startsWith('Reset'))
        .map((m) => new URL(/(http:\/\/drd\.test\/reset-password\/[\w-]+)/.exec(m.text)![1]!).pathname);
    await agentFor(t.app).submit('/forgot-password', { email: user.email });
    await agentFor(t.app).submit('/forgot-password', { email: user.email });
    const [older, newer] = await resetLinks();
    expect((await request(t.app).get(older!)).status).toBe(410);
    expect((await request(t.app).get(newer!)).status).toBe(200);
    // A link made some other way (say, before this rule) is cancelled by the password change too.
    const { newLinkToken } = await import('../../src/lib/link-tokens.js');
    const stray = newLinkToken();
    await t.db
      .insertInto('user_tokens')
      .values({
        user_id: user.id,
        purpose: 'reset',
        token_hash: stray.hash,
        expires_at: new Date('2026-05-01'),
      })
      .execute();
    expect((await request(t.app).get(`/reset-password/${stray.token}`)).status).toBe(200);
    const done = await agentFor(t.app).submit(newer!, {
      password: 'another new password',
      confirm: 'another new password',
    });
    expect(done.status).toBe(302);
    expect((await request(t.app).get(`/reset-password/${stray.token}`)).status).toBe(410);
  });

  it('when a reset email has been sent then nobody can read its link: not on the admin pages, not in the database', async () => {
    const user = await createUser(t, 'partner', (await createOrganisation(t)).id);
    await agentFor(t.app).submit('/forgot-password', { email: user.email });
    const queued = (await t.db.selectFrom('outbox').selectAll().execute()).find(
      (m) => m.to_addresses.includes(user.email) && m.subject.startsWith('Reset'),
    )!;
    const link = /(http:\/\/drd\.test\/reset-password\/[\w-]+)/.exec(queued.text)![1]!;
    const admin = await signedInAs(t, 'ccsu_admin');
    expect(within(await admin.get('/admin/outbox'), 'main')).toContain('Personal link');
    expect((await admin.get(`/admin/outbox/${queued.id}`)).text).not.toContain(link);
    expect((await admin.get(`/admin/outbox/${queued.id}/html`)).status).toBe(404);
    const delivered: string[] = [];
    const sender = new OutboxSender(
      t.db,
      { kind: 'smtp', send: async (m) => void delivered.push(m.text), close: () => {} },
      t.clock,
      { ...defaultSenderOptions, from: 'drd@test' },
    );
    await sender.drain();
    expect(delivered.some((text) => text.includes(link))).toBe(true); // the user got it
    const after = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', queued.id)
      .executeTakeFirstOrThrow();
    expect(after.status).toBe('sent');
    expect(after.text + after.html).not.toContain(link);
    expect(after.text).toContain('Removed after sending');
  });

  it('when the address has no account then the page says the same and no email is queued', async () => {
    const before = (await t.db.selectFrom('outbox').select('id').execute()).length;
    const response = await agentFor(t.app).submit('/forgot-password', { email: 'nobody@nowhere.test' });
    expect(within(response, 'h1')).toContain('Check your email');
    expect((await t.db.selectFrom('outbox').select('id').execute()).length).toBe(before);
  });

  it('when an invitation link is used as a reset link then it is not valid', async () => {
    const result = await t.services.accounts.invite(
      { email: 'mixup@org.test', role: 'ccsu_analyst', organisationId: null },
      { userId: null, label: 'test' },
    );
    if (!result.ok) throw new Error('not invited');
    const token = new URL(result.link).pathname.split('/').pop();
    expect((await request(t.app).get(`/reset-password/${token}`)).status).toBe(410);
  });
});

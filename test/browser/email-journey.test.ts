// From the reminder email to a nil return in Chromium, and an admin reading that email in the outbox,
// with axe on every page.
import { describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { createOrganisation, createUser } from '../helpers/app.js';
import {
  expectAccessible,
  expectAccessibleAtBothWidths,
  watchConsole,
  signInThroughPage,
  useBrowserApp,
} from '../helpers/browser.js';
import type { User } from '../../src/db/types.js';
import { codeAt } from '../../src/accounts/totp.js';

jest.setTimeout(120_000);

let page: Page;
let admin: User;
let consoleProblems: string[];

const journey = useBrowserApp({ now: '2026-04-13T08:00:00Z' }, async (t) => {
  // "due soon" day for March
  admin = await createUser(t, 'ccsu_admin');
  await createOrganisation(t, {
    name: 'Haven Housing',
    code: 'HAV',
    active_from: '2026-03',
    return_contacts: ['duty@haven.test'],
  });
  await t.services.reminders.run();
  page = await (await journey.browser.newContext()).newPage();
  consoleProblems = watchConsole(page);
});

describe('a nil return from the reminder email', () => {
  it('when the partner follows the link and presses the one button then the nil return is made', async () => {
    const email = (await journey.t.db.selectFrom('outbox').selectAll().execute()).find((m) =>
      m.to_addresses.includes('duty@haven.test'),
    )!;
    const link = /http:\/\/drd\.test(\/nil\/[\w-]+)/.exec(email.text)![1]!;
    await page.goto(`${journey.baseUrl}${link}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Make a nil return for March 2026',
    );
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Confirm and submit nil return' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('.govuk-panel').textContent()).toContain('DRD-2026-03-HAV-1');
    await expectAccessible(page);
    const ret = await journey.t.db.selectFrom('returns').select(['state']).executeTakeFirstOrThrow();
    expect(ret.state).toBe('nil');
  });

  it('when an admin opens the outbox then the reminder is listed, but its personal nil-return link cannot be read', async () => {
    await signInThroughPage(page, journey.baseUrl, admin, journey.t);
    await page.goto(`${journey.baseUrl}/admin/outbox`);
    await expectAccessible(page);
    await page
      .getByRole('link', { name: /Reminder: your March 2026/ })
      .first()
      .click();
    await expectAccessible(page);
    expect(await page.locator('main').textContent()).toContain('carries a personal link');
    expect(
      await page.getByRole('link', { name: 'Open the HTML email as the recipient sees it' }).count(),
    ).toBe(0);
    expect(await page.locator('main').textContent()).not.toContain('/nil/');
    await page.goto(`${journey.baseUrl}/admin/settings`);
    await expectAccessible(page);
    await page.goto(`${journey.baseUrl}/ccsu?period=2026-03`);
    await expectAccessible(page);
  });
});

describe('an invited analyst’s second factor', () => {
  let analystPage: Page;
  let recoveryCodes: string[];
  const analystEmail = 'new.analyst@ccsu.test';
  const heading = () => analystPage.getByRole('heading', { level: 1 }).textContent();
  const press = async (name: string) => {
    await Promise.all([
      analystPage.waitForEvent('load'),
      analystPage.getByRole('button', { name, exact: true }).click(),
    ]);
  };
  const signInWithPassword = async () => {
    await analystPage.goto(`${journey.baseUrl}/sign-in`);
    await analystPage.getByLabel('Email address').fill(analystEmail);
    await analystPage.getByLabel('Password').fill('a long and private passphrase');
    await press('Sign in');
  };
  const signOut = async () => {
    await press('Sign out');
    expect(await heading()).toBe('You have signed out');
  };

  it('when the admin invites an analyst then the analyst sets a password and an authenticator app', async () => {
    await page.goto(`${journey.baseUrl}/admin/users/invite`);
    await page.getByLabel('Email address').fill(analystEmail);
    await page.getByLabel('CCSU analyst').check();
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.waitForLoadState('domcontentloaded');
    // The invitee's inbox: the message the sender would deliver (nobody can read it in the app).
    const invitation = (await journey.t.db.selectFrom('outbox').selectAll().execute()).find((m) =>
      m.to_addresses.includes(analystEmail),
    )!;
    const link = /http:\/\/drd\.test(\/invitations\/[\w-]+)/.exec(invitation.text)![1]!;

    analystPage = await (await journey.browser.newContext()).newPage();
    const problems = watchConsole(analystPage);
    await analystPage.goto(`${journey.baseUrl}${link}`);
    await analystPage.getByLabel('Create a password').fill('a long and private passphrase');
    await analystPage.getByLabel('Confirm your password').fill('a long and private passphrase');
    await press('Set password and sign in');
    expect(await heading()).toBe('Set up your authenticator app');
    await expectAccessibleAtBothWidths(analystPage);
    const key = (await analystPage.locator('#key').textContent())!.replace(/\s+/g, '');
    await analystPage.getByLabel('Enter the code from the app').fill('123456'); // a wrong code first
    await press('Continue');
    expect(await analystPage.locator('#code-error').textContent()).toContain('Enter the 6-digit code');
    await expectAccessibleAtBothWidths(analystPage);
    await analystPage.getByLabel('Enter the code from the app').fill(codeAt(key, journey.t.clock.now()));
    await press('Continue');
    expect(await heading()).toBe('Save your recovery codes');
    await expectAccessibleAtBothWidths(analystPage);
    recoveryCodes = await analystPage.locator('ul[aria-label="Recovery codes"] code').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    await press('I have saved my recovery codes');
    expect(await heading()).toMatch(/^Returns for /);
    await signOut();

    // Next time: the password, then a code from the app (30 seconds later, a new code).
    journey.t.clock.advance(30_000);
    await signInWithPassword();
    expect(await analystPage.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Enter the code from your authenticator app',
    );
    expect(await analystPage.getByLabel(/Do not ask for a code/).count()).toBe(0); // CCSU: never
    await expectAccessibleAtBothWidths(analystPage);
    await analystPage
      .getByLabel('Enter the code from your authenticator app')
      .fill(codeAt(key, journey.t.clock.now()));
    await press('Continue');
    expect(await heading()).toMatch(/^Returns for /);
    await signOut();
    // The wrong code's page is a 400, as a form with an error should be; nothing else went wrong.
    expect(problems.filter((p) => !p.includes('400 (Bad Request)'))).toEqual([]);
  });

  it('when the analyst has no phone then a recovery code signs them in once, and not twice', async () => {
    for (const attempt of ['first', 'second']) {
      await signInWithPassword();
      await Promise.all([
        analystPage.waitForEvent('load'),
        analystPage.getByRole('link', { name: 'I cannot use my authenticator app' }).click(),
      ]);
      if (attempt === 'first') await expectAccessibleAtBothWidths(analystPage);
      await analystPage.getByLabel('Use a recovery code').fill(recoveryCodes[0]!);
      await press('Continue');
      if (attempt === 'first') {
        expect(await analystPage.locator('.govuk-notification-banner--success').textContent()).toContain(
          'You used a recovery code: 9 left',
        );
        await signOut();
      } else {
        expect(await analystPage.locator('#code-error').textContent()).toContain(
          'Enter a recovery code you have not used before',
        );
        await expectAccessible(analystPage);
      }
    }
  });
});

describe('the whole journey', () => {
  it('when the journey is over then the browser logged no errors', () => {
    expect(consoleProblems).toEqual([]);
  });
});

// From the reminder email to a nil return in Chromium, and an admin reading that email in the outbox,
// with axe on every page.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { createOrganisation, createTestApp, createUser, PASSWORD, type TestApp } from '../helpers/app.js';
import {
  expectAccessible,
  launchBrowser,
  serve,
  watchConsole,
  signInThroughPage,
} from '../helpers/browser.js';
import type { User } from '../../src/db/types.js';

jest.setTimeout(120_000);

let t: TestApp;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let page: Page;
let admin: User;
let consoleProblems: string[];

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-13T08:00:00Z' }); // "due soon" day for March
  admin = await createUser(t, 'ccsu_admin');
  await createOrganisation(t, {
    name: 'Haven Housing',
    code: 'HAV',
    active_from: '2026-03',
    return_contacts: ['duty@haven.test'],
  });
  await t.services.reminders.run();
  server = await serve(t.app);
  browser = await launchBrowser();
  page = await (await browser.newContext()).newPage();
  consoleProblems = watchConsole(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t.close();
});

describe('a nil return from the reminder email', () => {
  it('when the partner follows the link and presses the one button then the nil return is made', async () => {
    const email = (await t.db.selectFrom('outbox').selectAll().execute()).find((m) =>
      m.to_addresses.includes('duty@haven.test'),
    )!;
    const link = /http:\/\/drd\.test(\/nil\/[\w-]+)/.exec(email.text)![1]!;
    await page.goto(`${server.baseUrl}${link}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Make a nil return for March 2026',
    );
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Confirm and submit nil return' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('.govuk-panel').textContent()).toContain('DRD-2026-03-HAV-1');
    await expectAccessible(page);
    const ret = await t.db.selectFrom('returns').select(['state']).executeTakeFirstOrThrow();
    expect(ret.state).toBe('nil');
  });

  it('when an admin opens the outbox then the reminder is listed, but its personal nil-return link cannot be read', async () => {
    await signInThroughPage(page, server.baseUrl, admin.email, PASSWORD);
    await page.goto(`${server.baseUrl}/admin/outbox`);
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
    await page.goto(`${server.baseUrl}/admin/settings`);
    await expectAccessible(page);
    await page.goto(`${server.baseUrl}/ccsu?period=2026-03`);
    await expectAccessible(page);
  });

  it('when the journey is over then the browser logged no errors', () => {
    expect(consoleProblems).toEqual([]);
  });
});

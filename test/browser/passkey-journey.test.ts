// Passkeys in Chromium (issue #25), with the DevTools protocol's virtual authenticator standing in for
// Windows Hello or a phone (internal transport, resident keys, user verification). By the labels on the
// page, with axe at 1280 px and 375 px: a partner creates a passkey from the offer after signing in,
// signs out, and makes a nil return in 4 pages with no code; a second passkey from another device, one
// removed; the only passkey of an account without an app cannot be removed; a CCSU analyst signs in
// with a passkey alone. WebAuthn needs a real host name, so the app is served as localhost.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { Server } from 'node:http';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import type { User } from '../../src/db/types.js';
import { putSetting } from '../../src/settings/settings.js';
import {
  createOrganisation,
  createTestApp,
  createUser,
  currentCode,
  PASSWORD,
  type TestApp,
} from '../helpers/app.js';
import {
  countPageLoads,
  expectAccessibleAtBothWidths,
  launchBrowser,
  watchConsole,
} from '../helpers/browser.js';
import { freePort } from '../helpers/server-process.js';

jest.setTimeout(180_000);

let t: TestApp;
let server: Server;
let browser: Browser;
let base: string;
let context: BrowserContext;
let page: Page;
let consoleProblems: string[];
let partner: User;
let appless: User;
let analyst: User;

beforeAll(async () => {
  const port = await freePort();
  base = `http://localhost:${port}`;
  t = await createTestApp({ now: '2026-04-02T10:00:00Z', env: { PUBLIC_URL: base } });
  const org = await createOrganisation(t, {
    name: 'Quiet Housing Trust',
    code: 'QHT',
    active_from: '2026-03',
  });
  const other = await createOrganisation(t, { name: 'Small Charity', code: 'SMC', active_from: '2026-03' });
  partner = await createUser(t, 'partner', org.id);
  appless = await createUser(t, 'partner', other.id, { twoFactor: false });
  analyst = await createUser(t, 'ccsu_analyst');
  server = await new Promise<Server>((resolve) => {
    const s = t.app.listen(port, '127.0.0.1', () => resolve(s));
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    server?.close(() => resolve());
  });
  await t?.close();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  device = undefined;
  consoleProblems = watchConsole(page);
});

afterEach(async () => {
  expect(consoleProblems).toEqual([]);
  await context.close();
});

let device: { cdp: CDPSession; id: string } | undefined;

/**
 * A device with a platform authenticator: a fingerprint reader that always recognises its owner.
 * Chrome has one such authenticator per browser, so a new device replaces the one before.
 */
async function addDevice(): Promise<{ cdp: CDPSession; id: string }> {
  if (device) await device.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: device.id });
  const cdp = device?.cdp ?? (await context.newCDPSession(page));
  if (!device) await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  device = { cdp, id: authenticatorId };
  return device;
}

async function click(name: string, role: 'button' | 'link' = 'button') {
  await Promise.all([page.waitForEvent('load'), page.getByRole(role, { name, exact: true }).click()]);
}

/** Email, password and (when the account has an app) the code: the way in before a passkey. */
async function signInWithPassword(user: User) {
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Email address').fill(user.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await click('Sign in');
  if (new URL(page.url()).pathname !== '/sign-in/code') return;
  await page.getByLabel('Enter the code from your authenticator app').fill(await currentCode(t, user));
  await click('Continue');
}

/**
 * The sign-in page, then "Sign in with a passkey". The page also waits for a passkey picked from the
 * email field's suggestions (conditional mediation), which a virtual authenticator would answer at
 * once; so the device waits for its owner's touch until the button is pressed, as a person's would.
 */
async function signInWithPasskey(options: { accessible?: boolean } = {}) {
  const { cdp, id } = device!;
  await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: id, enabled: false });
  await page.goto(`${base}/sign-in`);
  await page.getByRole('button', { name: 'Sign in with a passkey' }).waitFor();
  if (options.accessible) await expectAccessibleAtBothWidths(page);
  await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: id, enabled: true });
  await click('Sign in with a passkey');
}

async function createPasskeyOnAccountPage() {
  await click('Create a passkey for this device');
}

const passkeyRows = () => page.locator('#passkey-list tbody tr');

describe('passkeys', () => {
  it('when a partner creates a passkey then they make a nil return in 4 pages with no code to type', async () => {
    await addDevice();
    await signInWithPassword(partner);
    // The first page after signing in offers a passkey.
    const offer = page.getByRole('region', { name: 'Sign in faster' });
    await expect(offer.textContent()).resolves.toContain('no password or code');
    await click('Create a passkey for this device', 'link');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your account');
    await expect(page.locator('#no-passkeys').textContent()).resolves.toBe('You have no passkeys yet.');
    await expectAccessibleAtBothWidths(page);
    await createPasskeyOnAccountPage();
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'Passkey created',
    );
    await expect(passkeyRows().count()).resolves.toBe(1);
    await expect(passkeyRows().first().locator('[data-label="Last used"]').textContent()).resolves.toBe(
      'Not used yet',
    );
    await expectAccessibleAtBothWidths(page);
    await click('Sign out');

    const loads = countPageLoads(page);
    await signInWithPasskey({ accessible: true });
    await page.getByLabel('No, make a nil return').check();
    await click('Continue');
    await page.getByLabel(/became aware of no drug- or alcohol-related deaths in March 2026/).check();
    await click('Submit nil return');
    expect(await page.locator('.govuk-panel').textContent()).toContain('Nil return submitted');
    expect(loads.urls).toEqual([
      '/sign-in',
      '/returns/2026-03',
      '/returns/2026-03/nil',
      '/returns/2026-03/confirmation',
    ]);
    process.stdout.write(`Passkey nil return: ${loads.count} pages (${loads.urls.join(' → ')})\n`);
  });

  it('when a partner adds a passkey from a second device then both are listed, and one can be removed', async () => {
    await addDevice();
    await signInWithPassword(partner);
    await page.goto(`${base}/account`);
    const before = await passkeyRows().count();
    // Another device: the first one's passkey would be excluded, so a new authenticator stands in.
    const laptop = await addDevice();
    await laptop.cdp.send('WebAuthn.setAutomaticPresenceSimulation', {
      authenticatorId: laptop.id,
      enabled: true,
    });
    await createPasskeyOnAccountPage();
    await expect(passkeyRows().count()).resolves.toBe(before + 1);

    await click(`Rename ${await passkeyRows().last().locator('th').textContent()}`, 'link');
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel('Name').fill('Work laptop');
    await click('Save the name');
    await expect(passkeyRows().last().locator('th').textContent()).resolves.toBe('Work laptop');

    await click('Remove Work laptop', 'link');
    await expectAccessibleAtBothWidths(page);
    await click('Remove the passkey Work laptop');
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'Passkey removed',
    );
    await expect(passkeyRows().count()).resolves.toBe(before);
  });

  it('when an account without an authenticator app has one passkey then removing it is refused', async () => {
    await putSetting(t.db, 'twoFactor', { partnersRequired: false, rememberBrowserDays: 30 }, t.clock.now());
    try {
      await addDevice();
      await signInWithPassword(appless);
      await page.goto(`${base}/account`);
      await createPasskeyOnAccountPage();
      // A first second factor: its recovery codes, once.
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Save your recovery codes');
      await click('I have saved my recovery codes');
      await click(`Remove ${await passkeyRows().first().locator('th').textContent()}`, 'link');
      await click(`Remove the passkey ${await page.locator('.govuk-caption-l').textContent()}`);
      expect(await page.locator('.govuk-error-summary').textContent()).toContain(
        'You cannot remove your only passkey',
      );
      // The refusal page comes with its status (409), which Chromium logs; nothing else may be there.
      expect(consoleProblems).toEqual([
        'console: Failed to load resource: the server responded with a status of 409 (Conflict)',
      ]);
      consoleProblems.length = 0;
      await expectAccessibleAtBothWidths(page);
    } finally {
      await putSetting(t.db, 'twoFactor', { partnersRequired: true, rememberBrowserDays: 30 }, t.clock.now());
    }
  });

  it('when a CCSU analyst has a passkey then they sign in with it alone', async () => {
    await addDevice();
    await signInWithPassword(analyst);
    await page.goto(`${base}/account`);
    await createPasskeyOnAccountPage();
    await click('Sign out');
    await signInWithPasskey();
    expect(new URL(page.url()).pathname).toBe('/ccsu');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBeTruthy();
  });
});

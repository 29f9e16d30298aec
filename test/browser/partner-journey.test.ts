// A partner does the whole monthly journey in Chromium, by the labels on the page, with axe on every page.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { createOrganisation, createTestApp, createUser, PASSWORD, type TestApp } from '../helpers/app.js';
import { expectAccessible, launchBrowser, serve, watchConsole } from '../helpers/browser.js';
import type { User } from '../../src/db/types.js';

jest.setTimeout(120_000);

let t: TestApp;
let server: Awaited<ReturnType<typeof serve>>;
let browser: Browser;
let page: Page;
let partner: User;
let consoleProblems: string[];

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  const org = await createOrganisation(t, {
    name: 'Herts Community Treatment',
    code: 'HCT',
    active_from: '2026-02',
  });
  partner = await createUser(t, 'partner', org.id);
  server = await serve(t.app);
  browser = await launchBrowser();
  const context = await browser.newContext();
  page = await context.newPage();
  consoleProblems = watchConsole(page);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await t.close();
});

async function fillDate(group: string, day: string, month: string, year: string) {
  const fieldset = page.getByRole('group', { name: group, exact: false });
  await fieldset.getByLabel('Day').fill(day);
  await fieldset.getByLabel('Month').fill(month);
  await fieldset.getByLabel('Year').fill(year);
}

async function saveAndContinue() {
  await page.getByRole('button', { name: 'Save and continue' }).click();
  await page.waitForLoadState('domcontentloaded');
}

describe('a partner’s month in the browser', () => {
  it('when a partner signs in then their returns are listed', async () => {
    await page.goto(`${server.baseUrl}/`);
    await expect(page.getByRole('heading', { level: 1 })).resolves;
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await expectAccessible(page);
    await page.getByLabel('Email address').fill(partner.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/returns');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your returns');
    await expectAccessible(page);
  });

  it('when a partner adds a death then every page is labelled, validated and accessible', async () => {
    await page.getByRole('link', { name: 'Start the March 2026 return' }).click();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add a death' }).click();
    await expectAccessible(page);

    // A mistake first: the error summary and inline errors must be accessible too.
    await saveAndContinue();
    expect(await page.title()).toMatch(/^Error: About the death/);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter your reference for this death',
    );
    await expectAccessible(page);
    // The page with errors is served as 400 Bad Request, which Chromium notes in the console; that one
    // entry is expected here, and nothing else may appear.
    expect(consoleProblems).toEqual([
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    consoleProblems.length = 0;

    await page.getByLabel('Your reference for this death').fill('HCT-2026-014');
    await fillDate('Date of death', '14', '3', '2026');
    await page.getByLabel('Exact date').check();
    await fillDate('Date your organisation became aware of the death', '16', '3', '2026');
    await page.getByLabel('Place of death', { exact: true }).selectOption({ label: 'Home' });
    await page.getByLabel('Suspected drug-related').check();
    await page.getByLabel('Post-mortem done, awaiting toxicology').check();
    await saveAndContinue();

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('About the person');
    await expectAccessible(page);
    await page.getByLabel('Age at death').fill('41');
    await page.getByLabel('Male', { exact: true }).check();
    await page
      .getByLabel('Ethnic group')
      .selectOption({ label: 'White: English, Welsh, Scottish, Northern Irish or British' });
    await page.getByLabel('Area of residence').selectOption({ label: 'Watford' });
    await saveAndContinue();

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Substances');
    await expectAccessible(page);
    await page.getByLabel('Heroin or morphine').check();
    await page.getByLabel('Alcohol').check();
    await saveAndContinue();

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Circumstances and services');
    await expectAccessible(page);
    await page
      .getByRole('group', { name: 'Drug or alcohol treatment' })
      .getByLabel('In treatment', { exact: true })
      .check();
    await saveAndContinue();

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Linkage identifiers');
    await expectAccessible(page);
    await page.getByLabel('NHS number (optional)').fill('943 476 5919');
    await page.getByRole('button', { name: 'Save linkage keys' }).click();
    await page.waitForLoadState('domcontentloaded');

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Record HCT-2026-014');
    expect(await page.locator('main').textContent()).toContain('NHS number key');
    await expectAccessible(page);
  });

  it('when the partner checks and submits then the confirmation shows the reference', async () => {
    await page.getByRole('button', { name: 'Back to the March 2026 return' }).click();
    await page.getByRole('button', { name: 'Check and submit' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your March 2026 return');
    await expectAccessible(page);
    await page.getByLabel(/I confirm that this return lists/).check();
    await page.getByRole('button', { name: 'Submit return' }).click();
    await page.waitForURL('**/confirmation');
    expect(await page.locator('.govuk-panel').textContent()).toContain('DRD-2026-03-HCT-1');
    await expectAccessible(page);
  });

  it('when the partner amends the return then a second version is submitted', async () => {
    await page.goto(`${server.baseUrl}/returns/2026-03`);
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Amend this return' }).click();
    await expectAccessible(page);
    await page.getByLabel('Toxicology received').check();
    await page.getByRole('button', { name: 'Start amendment' }).click();
    expect(await page.locator('main').textContent()).toContain('Amendment in progress');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'HCT-2026-014' }).click();
    await page.getByRole('link', { name: 'About the death' }).click();
    await page.getByLabel('Toxicology received').check();
    await saveAndContinue();
    await page.goto(`${server.baseUrl}/returns/2026-03/check`);
    await page.getByLabel(/I confirm that this return lists/).check();
    await page.getByRole('button', { name: 'Submit return' }).click();
    await page.waitForURL('**/confirmation');
    expect(await page.locator('.govuk-panel').textContent()).toContain('Amended return submitted');
    expect(await page.locator('.govuk-panel').textContent()).toContain('DRD-2026-03-HCT-2');
  });

  it('when there was nothing to report in another month then a nil return takes two clicks', async () => {
    await page.goto(`${server.baseUrl}/returns`);
    await page.getByRole('link', { name: 'Start the February 2026 return' }).click();
    await page.getByRole('link', { name: 'make a nil return' }).click();
    await expectAccessible(page);
    await page.getByLabel(/became aware of no drug- or alcohol-related deaths in February 2026/).check();
    await page.getByRole('button', { name: 'Submit nil return' }).click();
    await page.waitForURL('**/confirmation');
    expect(await page.locator('.govuk-panel').textContent()).toContain('Nil return submitted');
    await expectAccessible(page);
    await page.goto(`${server.baseUrl}/returns`);
    expect(await page.locator('main').textContent()).toMatch(/February 2026.*Nil return \(late\)/s);
  });

  it('when the journey is over then the browser logged no errors', () => {
    expect(consoleProblems).toEqual([]);
  });
});

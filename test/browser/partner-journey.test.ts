// A partner's month in Chromium, by the labels on the page, with axe at 1280 px and 375 px on every page
// and nothing scrolling sideways on a phone. The page counts are the issue's targets: a nil return in at
// most 4 pages, a return with two deaths in at most 10, from the sign-in page to the confirmation.
import { afterAll, afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { BrowserContext, Page } from 'playwright-core';
import { sql } from 'kysely';
import { createOrganisation, createUser, currentCode, PASSWORD } from '../helpers/app.js';
import {
  countPageLoads,
  expectAccessibleAtBothWidths,
  watchConsole,
  useBrowserApp,
} from '../helpers/browser.js';
import type { User } from '../../src/db/types.js';
import { codeAt } from '../../src/accounts/totp.js';

jest.setTimeout(180_000);

let context: BrowserContext;
let page: Page;
let partner: User;
let nilPartner: User;
let consoleProblems: string[];
const counts: Record<string, { count: number; urls: string[] }> = {};

const journey = useBrowserApp({ now: '2026-04-02T10:00:00Z' }, async (t) => {
  const org = await createOrganisation(t, {
    name: 'Herts Community Treatment',
    code: 'HCT',
    active_from: '2026-02',
  });
  const quiet = await createOrganisation(t, {
    name: 'Quiet Housing Trust',
    code: 'QHT',
    active_from: '2026-03',
  });
  partner = await createUser(t, 'partner', org.id);
  nilPartner = await createUser(t, 'partner', quiet.id);
});

beforeEach(async () => {
  context = await journey.browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  consoleProblems = watchConsole(page);
});

afterEach(async () => {
  expect(consoleProblems).toEqual([]);
  await context.close();
});

afterAll(async () => {
  process.stdout.write(
    `Page loads from sign-in to confirmation: ${Object.entries(counts)
      .map(([name, c]) => `${name} ${c.count} (${c.urls.join(' → ')})`)
      .join('; ')}\n`,
  );
});

async function fillDate(group: string, day: string, month: string, year: string) {
  const fieldset = page.getByRole('group', { name: group, exact: false });
  await fieldset.getByLabel('Day').fill(day);
  await fieldset.getByLabel('Month').fill(month);
  await fieldset.getByLabel('Year').fill(year);
}

async function click(name: string, role: 'button' | 'link' = 'button') {
  await Promise.all([page.waitForEvent('load'), page.getByRole(role, { name, exact: true }).click()]);
}

/** Email and password, then (unless this browser is remembered) the code from the partner's app. */
async function signIn(user: User, options: { remember?: boolean } = {}) {
  await page.goto(`${journey.baseUrl}/sign-in`);
  await expectAccessibleAtBothWidths(page);
  await page.getByLabel('Email address').fill(user.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await click('Sign in');
  if (new URL(page.url()).pathname !== '/sign-in/code') return;
  await expectAccessibleAtBothWidths(page);
  await page
    .getByLabel('Enter the code from your authenticator app')
    .fill(await currentCode(journey.t, user));
  if (options.remember) await page.getByLabel(/Do not ask for a code on this browser for 30 days/).check();
  await click('Continue');
}

async function fillDeath(ref: string, day: string, options: { inquest?: boolean } = {}) {
  await page.getByLabel('Your reference for this death').fill(ref);
  await fillDate('Date of death', day, '3', '2026');
  await page.getByLabel('Exact date').check();
  await fillDate('Date your organisation became aware of the death', '20', '3', '2026');
  await page.getByLabel('Place of death', { exact: true }).selectOption({ label: 'Home' });
  await page.getByLabel('Suspected drug-related').check();
  if (options.inquest) {
    await page.getByLabel('Inquest concluded').check();
    // Revealed under the answer that needs it.
    await page.getByLabel('Inquest conclusion').selectOption({ index: 1 });
  } else await page.getByLabel('Post-mortem done, awaiting toxicology').check();
  await page.getByLabel('Age at death').fill('41');
  await page.getByLabel('Male', { exact: true }).check();
  await page
    .getByLabel('Ethnic group')
    .selectOption({ label: 'White: English, Welsh, Scottish, Northern Irish or British' });
  await page.getByLabel('Area of residence').selectOption({ label: 'Watford' });
  await page.getByLabel('Heroin or morphine').check();
  await page
    .getByRole('group', { name: 'Drug or alcohol treatment' })
    .getByLabel('In treatment', { exact: true })
    .check();
}

describe('a partner’s month in the browser', () => {
  it('when a partner reports two deaths then it takes at most 10 pages from sign-in to confirmation', async () => {
    const loads = countPageLoads(page);
    counts['two deaths'] = loads;
    await signIn(partner);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('March 2026 return');
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel('Yes, we have deaths to report').check();
    await click('Continue');

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('About the death');
    await expectAccessibleAtBothWidths(page);
    await fillDeath('HCT-2026-014', '14');
    await click('Save this death');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Death HCT-2026-014');
    expect(
      await page.locator('.govuk-notification-banner, .drd-flash, main').first().textContent(),
    ).toContain('Death HCT-2026-014 saved');
    await expectAccessibleAtBothWidths(page);
    await click('Add another death');

    await fillDeath('HCT-2026-015', '15', { inquest: true });
    await click('Save this death');
    await click('Continue to check and submit');

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your March 2026 return');
    expect(await page.locator('main').textContent()).toContain('2 deaths reported');
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel(/I confirm that this return lists/).check();
    await click('Submit return');
    expect(await page.locator('.govuk-panel').textContent()).toContain('DRD-2026-03-HCT-1');
    await expectAccessibleAtBothWidths(page);

    expect(loads.urls.at(-1)).toBe('/returns/2026-03/confirmation');
    expect(loads.count).toBeLessThanOrEqual(10);
  });

  it('when nothing happened in the month then a nil return takes at most 4 pages from sign-in', async () => {
    // Last month, on this browser, the partner asked not to be asked for a code for 30 days.
    await signIn(nilPartner, { remember: true });
    await click('Sign out');
    const loads = countPageLoads(page);
    counts['nil return'] = loads;
    await signIn(nilPartner);
    await page.getByLabel('No, make a nil return').check();
    await click('Continue');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Make a nil return for March 2026',
    );
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel(/became aware of no drug- or alcohol-related deaths in March 2026/).check();
    await click('Submit nil return');
    expect(await page.locator('.govuk-panel').textContent()).toContain('Nil return submitted');
    expect(loads.urls).toEqual([
      '/sign-in',
      '/returns/2026-03',
      '/returns/2026-03/nil',
      '/returns/2026-03/confirmation',
    ]);
    expect(loads.count).toBeLessThanOrEqual(4);
  });

  it('when a required answer is missing then the error is next to it, accessible, and what was typed is kept', async () => {
    await signIn(partner);
    await page.goto(`${journey.baseUrl}/returns/2026-02/records/new`);
    await page.getByLabel('Your reference for this death').fill('HCT-FEB-1');
    await click('Save this death');
    expect(await page.title()).toMatch(/^Error: About the death/);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter the date of death');
    expect(await page.getByLabel('Your reference for this death').inputValue()).toBe('HCT-FEB-1');
    await expectAccessibleAtBothWidths(page);
    // The page with errors is served as 400 Bad Request, which Chromium notes in the console.
    expect(consoleProblems).toEqual([
      'console: Failed to load resource: the server responded with a status of 400 (Bad Request)',
    ]);
    consoleProblems.length = 0;
  });

  it('when the partner amends the return then the change is made from the death’s summary and a second version is submitted', async () => {
    await signIn(partner);
    await page.goto(`${journey.baseUrl}/returns/2026-03`);
    await expectAccessibleAtBothWidths(page);
    await click('Amend this return');
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel('Toxicology received').check();
    await click('Start amendment');
    expect(await page.locator('main').textContent()).toContain('Amendment in progress');
    await click('HCT-2026-014', 'link');
    await expectAccessibleAtBothWidths(page);
    await click('Change evidence stage', 'link');
    await page.getByLabel('Toxicology received').check();
    await click('Save this death');
    await click('Continue to check and submit');
    expect(await page.locator('main').textContent()).toContain('Changed in this amendment: Evidence stage.');
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel(/I confirm that this return lists/).check();
    await click('Submit return');
    expect(await page.locator('.govuk-panel').textContent()).toContain('DRD-2026-03-HCT-2');
  });

  it('when the partner opens their returns list and the optional detail page then they fit a phone too', async () => {
    await signIn(partner);
    await page.goto(`${journey.baseUrl}/returns`);
    await expectAccessibleAtBothWidths(page);
    await page.goto(`${journey.baseUrl}/returns/2026-02/records/new`);
    await fillDeath('HCT-FEB-2', '10');
    await fillDate('Date of death', '10', '2', '2026');
    await fillDate('Date your organisation became aware of the death', '12', '2', '2026');
    await click('Save this death');
    await click('Add more detail', 'link');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('More detail (optional)');
    await expectAccessibleAtBothWidths(page);
  });

  it('when the return lead accepts the agreement and invites a colleague then the colleague can make the return', async () => {
    const org = await createOrganisation(journey.t, {
      name: 'Lead Trust',
      code: 'LDT',
      active_from: '2026-03',
    });
    const lead = await createUser(journey.t, 'partner', org.id);
    await journey.t.services.team.setReturnLead(lead.id, true, { userId: null, label: 'test' });
    await journey.t.services.agreements.publish(
      {
        version: '1.0',
        title: 'Drug-related deaths data-sharing agreement',
        body: 'Partners share pseudonymised information about drug-related deaths.',
        link: null,
        effective_from: '2026-04-01',
      },
      { userId: null, label: 'test' },
    );
    await signIn(lead);
    expect(await page.locator('#agreement-needed').textContent()).toContain(
      'must accept the data-sharing agreement',
    );
    const blockedReturn = new URL(page.url()).pathname;
    await click('Read and accept the agreement'); // a link drawn as a button: role=button, as govukButton makes it
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel('Your full name').fill('Sam Carter');
    await page.getByLabel('Your job title').fill('Service manager');
    await page.getByLabel(/I have read this agreement and accept it/).check();
    await click('Accept the agreement');
    // Back on the return that was blocked, which can now be submitted.
    expect(new URL(page.url()).pathname).toBe(blockedReturn);
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'Lead Trust has accepted the data-sharing agreement',
    );
    expect(await page.locator('#agreement-needed').count()).toBe(0);
    await expectAccessibleAtBothWidths(page);
    await click('Your organisation', 'link');
    await click('Invite a colleague');
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel('Their work email address').fill('colleague@lead.test');
    await click('Send invitation');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'Invitation sent to colleague@lead.test',
    );
    // The link goes only by email: the colleague reads it in their inbox (here, the outbox).
    const email = await journey.t.db
      .selectFrom('outbox')
      .select('text')
      .where(sql<boolean>`'colleague@lead.test' = any(to_addresses)`)
      .executeTakeFirstOrThrow();
    const link = new URL(/http:\/\/drd\.test\/invitations\/[\w-]+/.exec(email.text)![0]).pathname;
    await click('Sign out');

    // The colleague, in their own browser: password, authenticator, then the nil return.
    const colleague = await (await journey.browser.newContext()).newPage();
    const problems = watchConsole(colleague);
    const press = async (name: string) =>
      Promise.all([
        colleague.waitForEvent('load'),
        colleague.getByRole('button', { name, exact: true }).click(),
      ]);
    await colleague.goto(`${journey.baseUrl}${link}`);
    await colleague.getByLabel('Create a password').fill('a long and private passphrase');
    await colleague.getByLabel('Confirm your password').fill('a long and private passphrase');
    await press('Set password and sign in');
    const key = (await colleague.locator('#key').textContent())!.replace(/\s+/g, '');
    await colleague.getByLabel('Enter the code from the app').fill(codeAt(key, journey.t.clock.now()));
    await press('Continue');
    await press('I have saved my recovery codes');
    expect(await colleague.getByRole('heading', { level: 1 }).textContent()).toBe('March 2026 return');
    await colleague.getByLabel('No, make a nil return').check();
    await press('Continue');
    await colleague.getByLabel(/became aware of no drug- or alcohol-related deaths in March 2026/).check();
    await press('Submit nil return');
    expect(await colleague.locator('.govuk-panel').textContent()).toContain('DRD-2026-03-LDT-1');
    expect(problems).toEqual([]);
  });
});

// The dashboard in Chromium: an analyst reads each page (charts drawn from the tables), filters it,
// acknowledges an early warning and issues a feed token; a partner sees the same pages suppressed.
// axe on every page; each chart page is screenshotted once into test-results/ to be looked at.
import { describe, expect, it, jest } from '@jest/globals';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { createUser } from '../helpers/app.js';
import { expectAccessible, watchConsole, signInThroughPage, useBrowserApp } from '../helpers/browser.js';
import { loadFixture } from '../dashboard/fixture.js';
import { submittedRecord } from '../helpers/records.js';
import type { User } from '../../src/db/types.js';

jest.setTimeout(120_000);

let admin: User;
let partner: User;
const shots = 'test-results/dashboard';

async function signIn(user: User): Promise<{ page: Page; problems: string[] }> {
  const page = await (await journey.browser.newContext({ viewport: { width: 1200, height: 900 } })).newPage();
  const problems = watchConsole(page);
  await signInThroughPage(page, journey.baseUrl, user, journey.t);
  return { page, problems };
}

const journey = useBrowserApp({ now: '2026-04-20T10:00:00Z' }, async (t) => {
  const { treatment } = await loadFixture(t);
  // A nitazene cluster for the early warning.
  for (const day of ['02', '06', '09'])
    await submittedRecord(t, treatment, {
      date_of_death: `2026-04-${day}`,
      date_partner_aware: '2026-04-15',
      period: '2026-04',
      substances: ['nitazene'],
      residence_area: 'stevenage',
      age_at_death: 30 + Number(day),
    });
  await t.services.alerts.detect();
  admin = await createUser(t, 'ccsu_admin');
  partner = await createUser(t, 'partner', treatment.id);
  mkdirSync(shots, { recursive: true });
});

describe('the dashboard in the browser', () => {
  it('when an analyst reads each page then a chart is drawn beside every table, with no console errors', async () => {
    const { page, problems } = await signIn(admin);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Cases by month');
    // Two clusters, one compact banner: the nitazene deaths in April, and nine cocaine deaths in March.
    const banner = page.getByRole('region', { name: 'Early warning' });
    expect(await banner.textContent()).toContain('2 open early warnings – review');
    await expectAccessible(page);
    for (const name of [
      'Area of residence',
      'Classification',
      'Substances',
      'Age and sex',
      'Place and evidence',
      'Compliance',
    ]) {
      await page.getByRole('navigation', { name: 'Dashboard pages' }).getByRole('link', { name }).click();
      await page.waitForLoadState('load');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(name);
      const tables = await page.locator('table[id$="-table"]').count();
      await page.waitForFunction((n) => document.querySelectorAll('.drd-chart canvas').length === n, tables);
      await expectAccessible(page);
      await page.screenshot({
        path: `${shots}/analyst-${name.toLowerCase().replace(/ /g, '-')}.png`,
        fullPage: true,
      });
    }
    await page.getByRole('link', { name: 'Reminders and scorecard' }).click();
    expect(await page.getByRole('table', { name: 'Scorecard by organisation' }).textContent()).toContain(
      'Treatment',
    );
    await expectAccessible(page);
    expect(problems).toEqual([]);
  });

  it('when the analyst filters then the URL keeps the filters and the figures follow them', async () => {
    const { page } = await signIn(admin);
    await page.goto(`${journey.baseUrl}/dashboard/areas`);
    await page.getByText(/^Filter:/).click();
    await page.getByLabel('From month').fill('2026-13');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter the start month as a year and month',
    );
    await expectAccessible(page);
    await page.getByLabel('From month').fill('2026-01');
    await page.getByLabel('To month').fill('2026-03');
    await page.getByLabel('Classification').selectOption({ label: 'Suspected drug-related' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    expect(page.url()).toContain('classification=suspected_drug');
    const watford = await page
      .getByRole('table', { name: /area of residence/ })
      .getByRole('row', { name: /Watford/ })
      .textContent();
    expect(watford).toContain('9');
    // The filter follows to the other pages.
    await page
      .getByRole('navigation', { name: 'Dashboard pages' })
      .getByRole('link', { name: 'Cases by month' })
      .click();
    expect(page.url()).toContain('from=2026-01&to=2026-03&classification=suspected_drug');
    await expectAccessible(page);
  });

  it('when the analyst acknowledges the early warning then it goes', async () => {
    const { page } = await signIn(admin);
    await page.goto(`${journey.baseUrl}/dashboard`);
    await page.getByRole('region', { name: 'Early warning' }).getByRole('link', { name: 'review' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Early warnings');
    expect(await page.locator('main').textContent()).toContain(
      '3 deaths between 2 April 2026 and 9 April 2026 involve Opioids / Nitazene',
    );
    await expectAccessible(page);
    await page
      .getByRole('button', { name: 'Acknowledge the early warning about Opioids / Nitazene' })
      .click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.getByRole('alert').textContent()).toContain('Early warning acknowledged');
    expect(await page.locator('main').textContent()).toContain('Cocaine');
    expect(await page.locator('main').textContent()).not.toContain('Nitazene');
    await page.goto(`${journey.baseUrl}/dashboard`);
    expect(await page.getByRole('region', { name: 'Early warning' }).textContent()).toContain(
      '1 open early warning – review',
    );
  });

  it('when the admin issues a feed token then it is shown once, with how to use it', async () => {
    const { page } = await signIn(admin);
    // The administrator's navigation (the longest) keeps to one line on a desktop screen (the page is 960 px
    // wide from 1020 px up), with Sign out in the header.
    const rows = await page
      .locator('.govuk-service-navigation__item')
      .evaluateAll(
        (items) => new Set(items.map((item) => Math.round(item.getBoundingClientRect().top))).size,
      );
    expect(rows).toBe(1);
    expect(await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).count()).toBe(1);
    await page
      .getByRole('navigation', { name: 'Menu' })
      .getByRole('link', { name: 'Admin', exact: true })
      .click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Administration');
    await page.getByRole('link', { name: 'API tokens' }).click();
    await expectAccessible(page);
    await page.getByLabel('Name').fill('Partnership Power BI');
    await page.getByLabel('Counts only, with disclosure control').check();
    await page.getByLabel('90 days').check();
    await page.getByRole('button', { name: 'Issue token' }).click();
    const token = await page.getByLabel('Token').inputValue();
    expect(token).toMatch(/^drd_/);
    await expectAccessible(page);
    const feed = await page.request.get(`${journey.baseUrl}/api/v1/aggregates/cases.csv`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(feed.status()).toBe(200);
    await page.getByRole('link', { name: 'Back to API tokens' }).click();
    // Its first use is noted; the token itself is nowhere on the page.
    const row = await page.getByRole('row', { name: /Partnership Power BI/ }).textContent();
    expect(row).not.toContain('Never');
    expect(await page.content()).not.toContain(token);
  });

  it('when a partner opens the dashboard then small counts are * and no alert or compliance page shows', async () => {
    const { page, problems } = await signIn(partner);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.goto(`${journey.baseUrl}/dashboard/areas?from=2026-01&to=2026-03`);
    const table = page.getByRole('table', { name: /area of residence/ });
    expect(await table.getByRole('row', { name: /Dacorum/ }).textContent()).toContain('*');
    expect(await page.getByRole('region', { name: 'Early warning' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Compliance' }).count()).toBe(0);
    await page.waitForFunction(() => document.querySelectorAll('.drd-chart canvas').length === 1);
    await expectAccessible(page);
    await page.screenshot({ path: `${shots}/partner-areas.png`, fullPage: true });
    expect(problems).toEqual([]);
  });
});

// CCSU builds the partnership picture in Chromium, by the pages' labels: loads each context dataset from
// its own template (checked, previewed, confirmed), enters an LDIS alert, then opens the partnership
// picture and filters it to one area. axe on each new page at 1280 and 375 px.
import { describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createOrganisation, createUser } from '../helpers/app.js';
import {
  expectAccessibleAtBothWidths,
  signInThroughPage,
  watchConsole,
  useBrowserApp,
} from '../helpers/browser.js';
import { submittedRecord } from '../helpers/records.js';
import type { User } from '../../src/db/types.js';

jest.setTimeout(180_000);

let analyst: User;
const files = mkdtempSync(path.join(tmpdir(), 'drd-context-'));

const journey = useBrowserApp({ now: '2026-04-20T10:00:00Z' }, async (t) => {
  const org = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  await submittedRecord(t, org, {
    date_of_death: '2026-01-10',
    period: '2026-01',
    residence_area: 'broxbourne',
  });
  analyst = await createUser(t, 'ccsu_analyst');
});

/** Downloads the dataset's template from its page, as the analyst would, and keeps it as a file. */
async function templateOf(page: Page, title: string): Promise<string> {
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: `template (CSV) for ${title.toLowerCase()}` }).click(),
  ]);
  const file = path.join(files, download.suggestedFilename());
  await download.saveAs(file);
  return file;
}

describe('building the partnership picture', () => {
  it('when CCSU loads each dataset from its template and adds an LDIS alert then the picture shows them, filtered by area', async () => {
    const page = await (
      await journey.browser.newContext({ viewport: { width: 1280, height: 900 } })
    ).newPage();
    const problems = watchConsole(page);
    await signInThroughPage(page, journey.baseUrl, analyst, journey.t);

    for (const title of ['Ambulance call-outs', 'Hospital admissions', 'ONS deaths registered']) {
      await page.getByRole('link', { name: 'Context data' }).first().click();
      await page.getByRole('link', { name: title }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
      const file = await templateOf(page, title);
      // First without a source: the error is by the field and nothing is loaded.
      await page.getByLabel('CSV file of').setInputFiles(file);
      await page.getByRole('button', { name: 'Check the file' }).click();
      expect(await page.locator('#source-error').textContent()).toContain('Say where the figures come from');
      await page.getByLabel('Source of the figures').fill(`${title} test extract`);
      await page.getByLabel('Day').fill('1');
      await page.getByLabel('Month').fill('4');
      await page.getByLabel('Year').fill('2026');
      await page.getByLabel('Notes (optional)').fill('Example rows from the template');
      await page.getByLabel('CSV file of').setInputFiles(file);
      await page.getByRole('button', { name: 'Check the file' }).click();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Check the file before loading it',
      );
      expect(await page.locator('#changes').textContent()).toContain('new figures');
      await expectAccessibleAtBothWidths(page);
      await page.getByRole('button', { name: 'Confirm and load' }).click();
      expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
        `${title} loaded`,
      );
      expect(await page.locator('#history').textContent()).toContain(`${title} test extract`);
      await expectAccessibleAtBothWidths(page);
    }

    await page.getByRole('link', { name: 'Context data' }).first().click();
    await expectAccessibleAtBothWidths(page);
    await page.getByRole('link', { name: 'LDIS alerts' }).click();
    await page.getByRole('button', { name: 'Add an LDIS alert' }).click();
    await page.getByLabel('Reference').fill('LDIS/2026/007');
    await page.getByLabel('Title').fill('Nitazenes in heroin');
    await page.getByLabel('Day').fill('14');
    await page.getByLabel('Month').fill('2');
    await page.getByLabel('Year').fill('2026');
    await page.getByLabel('Nitazene').check();
    await page.getByLabel('Urgent').check();
    await page.getByRole('button', { name: 'Add alert' }).click();
    expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
      'LDIS/2026/007',
    );

    await page.getByRole('link', { name: 'Dashboard' }).first().click();
    await page
      .getByRole('navigation', { name: 'Dashboard pages' })
      .getByRole('link', { name: 'Partnership picture' })
      .click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Partnership picture');
    await page.getByText(/^Filter:/).click();
    await page.getByLabel('From month').fill('2026-01');
    await page.getByLabel('To month').fill('2026-03');
    await page.getByLabel('Area of residence').selectOption({ label: 'Broxbourne' });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    // The templates' example rows: Broxbourne has 12 call-outs in January 2026 and 15 in February.
    const january = page.locator('#picture_month-table tbody tr', { hasText: 'January 2026' });
    expect((await january.locator('td').allTextContents()).slice(0, 2)).toEqual(['1', '12']);
    const february = page.locator('#picture_month-table tbody tr', { hasText: 'February 2026' });
    expect(await february.locator('td').last().textContent()).toBe('LDIS/2026/007');
    expect(await page.locator('#picture-ldis').textContent()).toContain('Nitazenes in heroin');
    // Each source its own chart and scale: deaths, call-outs and the two kinds of admission.
    expect(await page.locator('[data-chart-for="picture_month-table"] canvas').count()).toBe(4);
    await expectAccessibleAtBothWidths(page);
    // The three forms sent without a source answered 400, as they should; nothing else went wrong.
    expect(problems.filter((p) => !p.includes('status of 400'))).toEqual([]);
    expect(problems).toHaveLength(3);
  });
});

// A partner uploads a spreadsheet in Chromium: download the template, fill it, upload, read the problems,
// fix, upload again and confirm — by the labels on the page, with axe on every page.
import { describe, expect, it, jest } from '@jest/globals';
import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
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

jest.setTimeout(120_000);

let page: Page;
let partner: User;
let consoleProblems: string[];
let template: Buffer;

const journey = useBrowserApp({ now: '2026-04-02T10:00:00Z' }, async (t) => {
  const org = await createOrganisation(t, { name: 'Coroner’s Office', code: 'CRO', type: 'coroner' });
  partner = await createUser(t, 'partner', org.id);
  page = await (await journey.browser.newContext({ acceptDownloads: true })).newPage();
  consoleProblems = watchConsole(page);
});

/** The template with two deaths filled in, as a partner would in Excel. */
async function filled(ageOfSecond: number | string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(template as never);
  const sheet = workbook.getWorksheet('Records')!;
  const names = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
  const put = (rowNumber: number, values: Record<string, unknown>) => {
    const row = sheet.getRow(rowNumber);
    for (const [name, value] of Object.entries(values))
      row.getCell(names.indexOf(name) + 1).value = value as never;
    row.commit();
  };
  const death = {
    date_of_death: new Date(Date.UTC(2026, 2, 3)),
    date_of_death_basis: 'Exact date',
    date_partner_aware: '05/03/2026',
    place_of_death_type: 'home',
    death_classification: 'suspected_drug',
    evidence_stage: 'pm_awaiting_tox',
    sex: 'female',
    ethnic_group: 'white_british',
    residence_area: 'Dacorum',
    substances: 'heroin_morphine; cocaine',
    treatment_status: 'in_treatment',
  };
  put(3, { ...death, partner_record_ref: 'COR/2026/0101', age_at_death: 33 });
  put(4, { ...death, partner_record_ref: 'COR/2026/0102', age_at_death: ageOfSecond });
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

describe('a partner’s spreadsheet upload in the browser', () => {
  it('when the partner opens the upload page then they can download the template', async () => {
    await signInThroughPage(page, journey.baseUrl, partner, journey.t);
    // Signing in lands on the return the partner owes, which offers the spreadsheet route.
    await page.waitForURL('**/returns/2026-03');
    await page.getByRole('link', { name: 'Upload a spreadsheet' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Upload a spreadsheet');
    await expectAccessible(page);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Excel template' }).click(),
    ]);
    template = await readFile((await download.path())!);
    expect(template.subarray(0, 2).toString()).toBe('PK');
  });

  it('when the file has a mistake then the problem is shown by row and cell, and nothing is saved', async () => {
    await page.getByLabel('Upload a file').setInputFiles({
      name: 'march.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await filled(41.5),
    });
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.title()).toMatch(/^Error: Check your file/);
    const summary = await page.locator('.govuk-error-summary').textContent();
    expect(summary).toContain('Row 4, age_at_death: Age at death must be a whole number');
    expect(await page.locator('#row-4').textContent()).toContain('Cell holds: text, 4 characters');
    await expectAccessibleAtBothWidths(page); // the report by row and cell fits a phone too
    expect(await journey.t.db.selectFrom('records').selectAll().execute()).toHaveLength(0);
  });

  it('when the fixed file is uploaded and confirmed then both deaths are in the return', async () => {
    await page.getByRole('link', { name: 'upload it again' }).click();
    await page.getByLabel('Upload a file').setInputFiles({
      name: 'march.xlsx',
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer: await filled(41),
    });
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('.govuk-error-summary').count()).toBe(0);
    expect(await page.title()).toMatch(/^Check your file/);
    await expectAccessibleAtBothWidths(page);
    await page.getByRole('button', { name: 'Confirm and save 2 changes' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('File applied: 2 added');
    expect(await page.getByRole('link', { name: 'COR/2026/0102' }).count()).toBe(1);
    await expectAccessible(page);
    const records = await journey.t.db
      .selectFrom('records')
      .selectAll()
      .orderBy('partner_record_ref')
      .execute();
    expect(records.map((r) => [r.partner_record_ref, r.age_at_death, r.residence_area])).toEqual([
      ['COR/2026/0101', 33, 'dacorum'],
      ['COR/2026/0102', 41, 'dacorum'],
    ]);
    expect(consoleProblems.filter((p) => !p.includes('status of 400'))).toEqual([]);
  });
});

// CCSU measure the return against the Coroners Audit in Chromium, by the pages' labels: load an audit
// file, decide a near match, read completeness, open the printable briefing. axe at 1280 and 375 px.
import { describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
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
const file = path.join(mkdtempSync(path.join(tmpdir(), 'drd-audit-')), 'audit.csv');

const journey = useBrowserApp({ now: '2026-04-20T10:00:00Z' }, async (t) => {
  const org = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  // A partner's report with no linkage key: the audit's inquest matches it only nearly.
  await submittedRecord(t, org, {
    period: '2025-07',
    date_of_death: '2025-07-10',
    date_partner_aware: '2025-07-11',
    sex: 'female',
    age_at_death: 30,
    residence_area: 'stevenage',
  });
  writeFileSync(
    file,
    [
      'inquest_ref,date_of_death,inquest_date,conclusion,drug_related,alcohol_related,substances,age,sex,residence_area,nhs_number,surname,first_initial,date_of_birth',
      'INQ-31,2025-07-11,2025-12-01,drug_related,yes,no,cocaine,30,female,stevenage,,,,',
      'INQ-32,2025-09-01,2026-01-15,drug_related,yes,no,heroin_morphine,44,male,watford,,,,',
    ].join('\n'),
  );
  analyst = await createUser(t, 'ccsu_analyst');
});

describe('measuring completeness against the Coroners Audit', () => {
  it('when CCSU load the audit, link a near match and read completeness then the briefing is ready to print', async () => {
    const page = await (
      await journey.browser.newContext({ viewport: { width: 1280, height: 900 } })
    ).newPage();
    const problems = watchConsole(page);
    await signInThroughPage(page, journey.baseUrl, analyst, journey.t);

    await page.getByRole('link', { name: 'Context data' }).first().click();
    await page.getByRole('link', { name: 'Coroners Audit' }).click();
    await page.getByLabel('Source of the audit').fill('Coroner’s office audit (test)');
    await page.getByLabel('Day').fill('1');
    await page.getByLabel('Month').fill('4');
    await page.getByLabel('Year').fill('2026');
    await page.getByLabel('The audit file (CSV or Excel)').setInputFiles(file);
    await page.getByRole('button', { name: 'Load the audit' }).click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Check the audit before loading it',
    );
    expect(await page.locator('#changes').textContent()).toContain('2 new inquests');
    await expectAccessibleAtBothWidths(page);
    await page.getByRole('button', { name: 'Confirm and load' }).click();
    expect(await page.locator('.govuk-notification-banner--success').textContent()).toContain(
      '2 inquests added',
    );
    await expectAccessibleAtBothWidths(page);

    await page.getByRole('button', { name: /^Same death.*inquest INQ-31/ }).click();
    expect(await page.locator('#decision-made').textContent()).toContain('Inquest INQ-31 linked to case');
    expect(await page.locator('#decisions').textContent()).toContain('INQ-31');

    await page.getByRole('link', { name: 'Dashboard' }).first().click();
    await page
      .getByRole('navigation', { name: 'Dashboard pages' })
      .getByRole('link', { name: 'Completeness' })
      .click();
    expect(await page.locator('#completeness-summary').textContent()).toContain(
      'Of the 2 deaths in 2025 the coroner found drug- or alcohol-related, partners had reported 1 (50%, 95% interval 9% to 91%), a median of 143 days before the inquest',
    );
    await expectAccessibleAtBothWidths(page);

    await page
      .getByRole('navigation', { name: 'Dashboard pages' })
      .getByRole('link', { name: 'JSNA briefing' })
      .click();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toContain('2025');
    expect(await page.locator('#briefing-completeness').textContent()).toContain('fewer than 8');
    expect(await page.getByRole('button', { name: 'Print or save as PDF' }).isVisible()).toBe(true);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.govuk-service-navigation').isVisible()).toBe(false);
    expect(await page.locator('#briefing-methods').isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });
    await expectAccessibleAtBothWidths(page);
    expect(problems).toEqual([]);
  });
});

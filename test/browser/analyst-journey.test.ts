// The CCSU month in Chromium: who has not returned, the possible duplicate reviewed and linked, the case
// page, a query raised, the month locked and the records downloaded — by the labels, with axe on every page.
import { describe, expect, it, jest } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import {
  addCompleteRecord,
  completeRecordSections,
  createOrganisation,
  createUser,
  signedIn,
} from '../helpers/app.js';
import { expectAccessible, watchConsole, signInThroughPage, useBrowserApp } from '../helpers/browser.js';
import type { User } from '../../src/db/types.js';

jest.setTimeout(120_000);

let page: Page;
let admin: User;
let consoleProblems: string[];
let treatmentPartner: Awaited<ReturnType<typeof signedIn>>;

/** A partner adds one complete death through the pages and submits March. */
async function submitMarch(orgId: number, ref: string, deathDay: string) {
  const agent = await signedIn(journey.t, await createUser(journey.t, 'partner', orgId));
  const id = await addCompleteRecord(agent, '2026-03', ref);
  const death = await agent.submit(`/returns/2026-03/records/${id}/death`, {
    ...completeRecordSections(ref).death,
    'date_of_death-day': deathDay,
  });
  if (death.status !== 302) throw new Error(`death not saved: ${death.status}`);
  const submitted = await agent.submit(
    '/returns/2026-03/submit',
    { declaration: 'yes' },
    '/returns/2026-03/check',
  );
  if (submitted.status !== 302) throw new Error(`not submitted: ${submitted.status}`);
  return agent;
}

const journey = useBrowserApp({ now: '2026-04-10T10:00:00Z' }, async (t) => {
  // March returns open, deadline 15 April
  const coroner = await createOrganisation(t, {
    name: 'Hertfordshire Coroner',
    code: 'COR',
    type: 'coroner',
    active_from: '2026-01',
  });
  const treatment = await createOrganisation(t, {
    name: 'Herts Community Treatment',
    code: 'HCT',
    active_from: '2026-01',
  });
  await createOrganisation(t, { name: 'Quiet Housing', code: 'QH', type: 'housing', active_from: '2026-01' });
  // The same death seen by two partners a day apart, with no linkage identifiers: a near match.
  await submitMarch(coroner.id, 'COR-0001', '14');
  treatmentPartner = await submitMarch(treatment.id, 'HCT-0042', '15');
  admin = await createUser(t, 'ccsu_admin');
  t.clock.set(new Date('2026-04-20T09:00:00Z')); // past the deadline: Quiet Housing is overdue
  await treatmentPartner.signInAgain(); // ten days later: the partner signs in again
  page = await (await journey.browser.newContext({ acceptDownloads: true })).newPage();
  consoleProblems = watchConsole(page);
});

const heading = () => page.getByRole('heading', { level: 1 }).textContent();

describe('an analyst’s month in the browser', () => {
  it('when the analyst opens compliance then the overdue organisation is shown by text, not colour', async () => {
    await signInThroughPage(page, journey.baseUrl, admin, journey.t);
    await page.getByRole('link', { name: 'Compliance' }).click();
    expect(await heading()).toBe('Compliance');
    const quiet = page.getByRole('row', { name: /Quiet Housing/ });
    expect(await quiet.textContent()).toContain('Overdue');
    const coroner = page.getByRole('row', { name: /Hertfordshire Coroner/ });
    expect(await coroner.textContent()).toContain('1 death, v1');
    // A cell is a symbol and a count; its details appear when the keyboard reaches it.
    const march = coroner.getByRole('link', { name: /March 2026: Submitted/ });
    expect(await march.innerText()).toMatch(/^✓ 1/);
    await march.focus();
    expect(await march.locator('.drd-matrix__detail').isVisible()).toBe(true);
    expect((await march.locator('.drd-matrix__detail').boundingBox())!.width).toBeGreaterThan(100);
    // All 12 months fit beside the organisations at 1280 px; on a phone the organisation column stays.
    const region = page.getByRole('region', { name: 'Compliance matrix' });
    expect(await region.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await expectAccessible(page);
    await page.setViewportSize({ width: 375, height: 800 });
    await region.evaluate((el) => el.scrollBy(400, 0));
    const name = page.getByRole('rowheader', { name: 'Quiet Housing' });
    expect((await name.boundingBox())!.x).toBeLessThan(40);
    await expectAccessible(page);
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('when the analyst opens the month then each organisation’s return is listed', async () => {
    await page.getByRole('link', { name: 'March 2026', exact: true }).click();
    expect(await heading()).toBe('Returns for March 2026');
    expect(await page.getByRole('row', { name: /Herts Community Treatment/ }).textContent()).toContain(
      'DRD-2026-03-HCT-1',
    );
    await expectAccessible(page);
  });

  it('when the analyst links the possible duplicate then the case shows both sources', async () => {
    await page.getByRole('link', { name: 'Duplicates' }).click();
    expect(await heading()).toBe('Possible duplicates');
    await expectAccessible(page);
    await page.getByRole('link', { name: /Review pair/ }).click();
    expect(await heading()).toBe('Are these the same death?');
    expect(await page.getByRole('row', { name: /Date of death/ }).textContent()).toContain('Differs');
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Save decision' }).click(); // nothing chosen: an error first
    expect(await page.title()).toMatch(/^Error: /);
    await expectAccessible(page);
    await page.getByLabel('Same death: link them into one case').check();
    await page.getByLabel('Reason').fill('Same age, sex and area; coroner date confirmed');
    await page.getByRole('button', { name: 'Save decision' }).click();
    await page.waitForLoadState('domcontentloaded');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('Linked into one case');
    await page.getByRole('link', { name: /^case \d+$/ }).click();
    expect(await heading()).toMatch(/^Case \d+$/);
    const table = await page.getByRole('table', { name: 'Records side by side' }).textContent();
    expect(table).toContain('Hertfordshire Coroner');
    expect(table).toContain('Herts Community Treatment');
    expect(table).toContain('Best evidenced');
    await expectAccessible(page);
    const records = await journey.t.db.selectFrom('records').select('case_id').execute();
    expect(new Set(records.map((r) => r.case_id)).size).toBe(1);
  });

  it('when the analyst raises a query on a record then the partner’s question is stored', async () => {
    await page.getByRole('link', { name: 'Records' }).click();
    expect(await heading()).toBe('Collated records');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'HCT-0042' }).click();
    await expectAccessible(page);
    await page.getByLabel('Field your question is about').selectOption({ label: 'Date of death' });
    await page.getByLabel('Question for the partner').fill('The coroner has 14 March: please check.');
    await page.getByRole('button', { name: 'Send question' }).click();
    await page.waitForLoadState('domcontentloaded');
    const query = await journey.t.db.selectFrom('queries').selectAll().executeTakeFirstOrThrow();
    expect(query).toMatchObject({ field: 'date_of_death', status: 'open' });
  });

  it('when the analyst downloads the records then the CSV holds both deaths', async () => {
    await page.getByRole('link', { name: 'Records' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'CSV' }).first().click(),
    ]);
    const rows = parse(await readFile((await download.path())!), { columns: true, bom: true }) as Record<
      string,
      string
    >[];
    expect(rows.map((r) => r.partner_record_ref).sort()).toEqual(['COR-0001', 'HCT-0042']);
  });

  it('when the admin locks March then the month says so and partners cannot change it', async () => {
    await page.goto(`${journey.baseUrl}/ccsu?period=2026-03`);
    await page.getByRole('button', { name: 'Lock March 2026 for all organisations' }).click();
    await page.waitForLoadState('domcontentloaded');
    // A confirmation page names what will be locked before anything is.
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
      'Lock March 2026 for all organisations?',
    );
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Lock March 2026', exact: true }).click();
    await page.waitForLoadState('domcontentloaded');
    await expectAccessible(page);
    const returns = await journey.t.db
      .selectFrom('returns')
      .select('locked_at')
      .where('period', '=', '2026-03')
      .execute();
    expect(returns.length).toBeGreaterThan(0);
    expect(returns.every((r) => r.locked_at !== null)).toBe(true);
    await page.getByRole('link', { name: 'Compliance' }).click();
    await page.getByRole('link', { name: 'Herts Community Treatment', exact: true }).click();
    expect(await heading()).toBe('Herts Community Treatment');
    expect(await page.getByRole('row', { name: /^March 2026/ }).textContent()).toContain('Locked');
    await expectAccessible(page);
    const refused = await treatmentPartner.submit(
      '/returns/2026-03/amend',
      { reason: 'late_information' },
      '/returns/2026-03',
    );
    expect(refused.status).toBe(403);
    expect(await journey.t.db.selectFrom('records').select('id').execute()).toHaveLength(2);
    expect(consoleProblems.filter((p) => !p.includes('400 (Bad Request)'))).toEqual([]);
  });
});

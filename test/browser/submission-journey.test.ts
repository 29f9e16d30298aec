// A partner's system makes the return (issue #26): the return lead creates a submission key on the
// page and reads the API reference (axe at 1280 and 375 px), a separate process plays the partner's
// system — two deaths, a dropped connection and a retry with the same Idempotency-Key, then submit —
// and the return page shows exactly those two deaths, signed by the key.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BrowserContext, Page } from 'playwright-core';
import type { User } from '../../src/db/types.js';
import { createOrganisation, createUser } from '../helpers/app.js';
import {
  expectAccessibleAtBothWidths,
  signInThroughPage,
  useBrowserApp,
  watchConsole,
} from '../helpers/browser.js';

jest.setTimeout(180_000);

let lead: User;
let context: BrowserContext;
let page: Page;
let consoleProblems: string[];

const journey = useBrowserApp({ now: '2026-04-02T10:00:00Z' }, async (t) => {
  const org = await createOrganisation(t, {
    name: 'East of England Ambulance',
    code: 'EEA',
    active_from: '2026-03',
  });
  lead = await createUser(t, 'partner', org.id);
  await t.db.updateTable('users').set({ return_lead: true }).where('id', '=', lead.id).execute();
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

const click = (name: string, role: 'button' | 'link' = 'button') =>
  Promise.all([page.waitForEvent('load'), page.getByRole(role, { name, exact: true }).click()]);

describe('a partner system makes the return', () => {
  it('when the system sends two deaths, one twice after a dropped connection, then the return shows exactly two, signed by the key', async () => {
    await signInThroughPage(page, journey.baseUrl, lead, journey.t);
    await page.goto(`${journey.baseUrl}/organisation`);
    await click('Manage submission keys', 'link');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Submission keys');
    await expectAccessibleAtBothWidths(page);
    await page.getByLabel('Name').fill('Partner system');
    await page.getByLabel('1 year').check();
    await click('Create the key');
    await expectAccessibleAtBothWidths(page);
    const key = await page.getByLabel('Key').inputValue();

    await click('API reference', 'link');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Submission API reference');
    await expectAccessibleAtBothWidths(page);

    const { stdout } = await promisify(execFile)(process.execPath, [
      'test/fixtures/partner-system/submit.mjs',
      journey.baseUrl,
      key,
    ]);
    const seen = JSON.parse(stdout);
    expect([seen.first.status, seen.first.body.errors]).toEqual([201, undefined]);
    expect(seen.dropped).toEqual({ dropped: 'connection dropped' });
    expect(seen.retried.status).toBe(201);
    expect(seen.submitted.status).toBe(201);

    await page.goto(`${journey.baseUrl}/returns/2026-03`);
    // The submitted return lists its deaths by reference, each a link to the death.
    const refs = await page.locator('main a[href^="/returns/2026-03/records/"]').allTextContents();
    expect(refs.sort()).toEqual(['SYS-2026-1', 'SYS-2026-2']);
    expect(await page.locator('[data-label="Signed by"]').first().textContent()).toContain(
      '“Partner system” key; declared by Pat Quinn, Information governance lead',
    );
    await expectAccessibleAtBothWidths(page);
  });
});

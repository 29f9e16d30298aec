// Figures an analyst can publish (issue #24), in Chromium by the pages' labels: CCSU loads ONS's
// single-year-of-age populations and England's rate, reads a standardised rate with its interval and
// comparisons on the area page and the briefing, prints the briefing (charts fit the A4 page), opens the
// partnership picture (each source its own chart), and copies the RAG update section. axe at 1280 and
// 375 px on each page.
import { describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { addCases } from '../helpers/case-facts.js';
import { createUser } from '../helpers/app.js';
import {
  expectAccessibleAtBothWidths,
  signInThroughPage,
  useBrowserApp,
  watchConsole,
} from '../helpers/browser.js';
import { areaRows, districts } from '../../src/domain/reference.js';
import type { User } from '../../src/db/types.js';

jest.setTimeout(180_000);

let analyst: User;
const files = mkdtempSync(path.join(tmpdir(), 'drd-publish-'));

const journey = useBrowserApp({ now: '2026-04-20T10:00:00Z' }, async (t) => {
  analyst = await createUser(t, 'ccsu_analyst');
  // 2025: 30 Watford residents aged 40 died, 5 in each other district (so the county has 75), and
  // 12 of the Watford deaths were reported in March 2026 for the monthly update.
  const death = (area: string, date: string, reported: string) =>
    addCases(t.db, { area, date, reported, age: 40 });
  for (let i = 0; i < 30; i += 1) await death('watford', '2025-05-10', i < 12 ? '2026-03' : '2025-06');
  for (const [code] of districts)
    if (code !== 'watford') for (let i = 0; i < 5; i += 1) await death(code, '2025-07-01', '2025-08');
});

describe('publishing figures', () => {
  it('when CCSU loads populations by age and England’s rate then the area page, briefing, picture and monthly update read right', async () => {
    const page = await (
      await journey.browser.newContext({ viewport: { width: 1280, height: 900 } })
    ).newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: journey.baseUrl });
    const problems = watchConsole(page);
    await signInThroughPage(page, journey.baseUrl, analyst, journey.t);

    // ONS's MYE2 layout: 1,000 residents of each age in each district.
    const ages = Array.from({ length: 91 }, (_, a) => (a === 90 ? '90+' : String(a)));
    const csv = [
      ['Code', 'Name', 'Year', 'All ages', ...ages].join(','),
      ...districts.map(([code, name]) =>
        [areaRows.find(([c]) => c === code)![2], name, '2025', '91000', ...ages.map(() => '1000')].join(','),
      ),
    ].join('\n');
    const file = path.join(files, 'mye2-2025.csv');
    writeFileSync(file, csv);
    await page.goto(`${journey.baseUrl}/ccsu/areas`);
    await page.getByLabel('Source of the figures').fill('ONS mid-year estimates 2025 (test figures)');
    await page.getByLabel('CSV file of populations').setInputFiles(file);
    await page.getByRole('button', { name: 'Load populations' }).click();
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain('by age');
    await page.getByLabel('Year', { exact: true }).fill('2025');
    await page.getByLabel('Rate per 100,000').fill('7.6');
    await page.getByLabel('Lower 95% limit').fill('7.4');
    await page.getByLabel('Upper 95% limit').fill('7.8');
    await page.getByLabel('Source', { exact: true }).fill('ONS, deaths related to drug poisoning (test)');
    await page.getByRole('button', { name: 'Save England’s rate' }).click();
    expect(await page.getByRole('table', { name: 'England’s rates saved' }).textContent()).toContain(
      '7.4 to 7.8',
    );
    await expectAccessibleAtBothWidths(page);

    await page.goto(`${journey.baseUrl}/dashboard/areas?from=2025-01&to=2025-12`);
    const table = page.getByRole('table', { name: /Age-standardised death rates/ });
    const watford = await table.getByRole('row', { name: /Watford/ }).textContent();
    expect(watford).toContain('42.0');
    expect(watford).toContain('28.3 to 60.0');
    expect(watford).toContain('▲ Higher');
    expect(await page.locator('#asr-england').textContent()).toContain('▲ higher than England');
    await expectAccessibleAtBothWidths(page);

    // The briefing, printed: every chart redrawn within the A4 page's width.
    await page.goto(`${journey.baseUrl}/dashboard/briefing?year=2025`);
    await page.waitForFunction(() => document.querySelectorAll('.drd-chart canvas').length > 0);
    expect(
      await page
        .locator('#asr-table')
        .getByRole('row', { name: /Watford/ })
        .textContent(),
    ).toContain('42.0');
    await expectAccessibleAtBothWidths(page);
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 720, height: 1000 });
    await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));
    const wider = await page.evaluate(
      () =>
        Array.from(document.querySelectorAll('.drd-chart canvas')).filter(
          (c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1,
        ).length,
    );
    expect(wider).toBe(0);
    await page.screenshot({ path: 'test-results/briefing-2025-print.png', fullPage: true });
    const pdf = await page.pdf({ format: 'A4', path: 'test-results/briefing-2025.pdf' });
    expect(pdf.length).toBeGreaterThan(10_000);
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1280, height: 900 });

    // The partnership picture: deaths and call-outs are not on one axis.
    await page.goto(`${journey.baseUrl}/dashboard/picture?from=2026-01&to=2026-04`);
    expect(await page.getByRole('table', { name: /by month \(table\)/ }).textContent()).toContain(
      'April 2026 (so far)',
    );
    await expectAccessibleAtBothWidths(page);
    await page.screenshot({ path: 'test-results/picture-2026.png', fullPage: true });
    // The picture of 2025 compares the county's standardised rate with England's too.
    await page.goto(`${journey.baseUrl}/dashboard/picture?from=2025-01&to=2025-12`);
    expect(await page.locator('#asr-england').textContent()).toContain('▲ higher than England');
    await expectAccessibleAtBothWidths(page);

    // The monthly update's section, copied as the analyst would paste it.
    await page
      .getByRole('navigation', { name: 'Dashboard pages' })
      .getByRole('link', { name: 'Monthly update section' })
      .click();
    await page.getByLabel('Month').selectOption({ label: 'March 2026' });
    await page.getByRole('button', { name: 'Show this month' }).click();
    expect(await page.locator('#rag-paragraph').textContent()).toContain(
      'In March 2026, partners reported 10 deaths',
    );
    await expectAccessibleAtBothWidths(page);
    await page.getByRole('button', { name: 'Copy the section' }).click();
    // The clipboard answers asynchronously; wait for the status to say so rather than read it at once.
    await page.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied).toContain('In March 2026, partners reported 10 deaths');
    expect(copied).toContain('Watford');
    expect(problems).toEqual([]);
  });
});

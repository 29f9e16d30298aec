// Early warning against each concern's own history (issue #24 §3): an ordinary fortnight of opioid
// deaths raises nothing, a surge above the baseline does and says observed, expected and threshold,
// a district's surge is an alert of its own, and the alerts page explains the method.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import { addCases } from '../helpers/case-facts.js';
import { createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';

let t: TestApp;
let analyst: Agent;

/** Deaths into case_facts (the linked cases early warning reads), one per date given. */
async function deaths(dates: string[], substances: string[], groups: string[], area: string) {
  for (const date of dates) await addCases(t.db, { area, date, substances, groups });
}

const day = (n: number) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-20T10:00:00Z' });
  analyst = await signedInAs(t, 'ccsu_analyst');
  // Two years and more of methadone deaths, one every 5 days (2.8 a fortnight), spread over districts.
  const areas = ['watford', 'dacorum', 'stevenage', 'hertsmere', 'broxbourne'];
  for (let n = 0; n < 800; n += 5) await deaths([day(n)], ['methadone'], ['opioids'], areas[(n / 5) % 5]!);
});
afterAll(() => t.close());

describe('early warning against a baseline', () => {
  it('when a fortnight holds its ordinary number of opioid deaths then nothing is raised', async () => {
    // 800 days from 1 January 2024 is 10 March 2026: the history runs up to then, nothing unusual.
    expect(await t.services.alerts.detect()).toBe(0);
  });

  it('when methadone deaths surge above their history then one warning says observed, expected and threshold', async () => {
    await deaths(
      ['2026-03-11', '2026-03-12', '2026-03-13', '2026-03-14', '2026-03-15', '2026-03-16', '2026-03-17'],
      ['methadone'],
      ['opioids'],
      'welwyn_hatfield',
    );
    expect(await t.services.alerts.detect()).toBe(1);
    const [alert] = await t.db.selectFrom('alerts').selectAll().execute();
    // Methadone, Opioids and Welwyn Hatfield exceed about the same deaths: one alert.
    expect(alert!.concern.split(',').sort()).toEqual([
      'area:welwyn_hatfield',
      'group:opioids',
      'substance:methadone',
    ]);
    const methadone = alert!.measures.find((m) => m.concern === 'substance:methadone')!;
    // 2.8 a fortnight over the history: expected about that, and the seven extra deaths reach the threshold.
    expect(methadone.baseline).toBe(true);
    expect(methadone.expected).toBeGreaterThan(2);
    expect(methadone.expected).toBeLessThan(3.5);
    expect(methadone.observed).toBeGreaterThanOrEqual(methadone.threshold);
    const page = cheerio.load((await analyst.get('/dashboard/alerts')).text);
    const row = page('[data-alert-measures] tbody tr:has(th:contains("Methadone"))');
    expect(row.find('[data-observed]').text()).toBe(String(methadone.observed));
    expect(row.find('[data-expected]').text()).toBe(methadone.expected.toFixed(1));
    expect(row.find('[data-threshold]').text()).toBe(String(methadone.threshold));
    expect(page('#method').next('p').text()).toContain(
      'compares the count with what that concern’s own history predicts',
    );
    const email = await t.db.selectFrom('outbox').selectAll().executeTakeFirstOrThrow();
    expect(email.subject).toBe(
      'Early warning: more deaths involving Opioids / Methadone in Welwyn Hatfield than expected',
    );
    expect(email.text).toMatch(/From the last two years, about \d\.\d would be expected in 14 days/);
  });

  it('when a new substance has its first three deaths then it alerts with no baseline', async () => {
    await deaths(['2026-01-05', '2026-01-09', '2026-01-12'], ['nitazene'], ['opioids'], 'east_hertfordshire');
    expect(await t.services.alerts.detect()).toBe(1);
    const nitazene = await t.db
      .selectFrom('alerts')
      .selectAll()
      .where('concern', 'like', '%substance:nitazene%')
      .executeTakeFirstOrThrow();
    // The county has two years of history, none of it nitazene: expected 0, so the minimum count decides.
    const measure = nitazene.measures.find((m) => m.concern === 'substance:nitazene')!;
    expect(measure).toEqual(expect.objectContaining({ observed: 3, expected: 0, threshold: 3 }));
    const page = cheerio.load((await analyst.get('/dashboard/alerts')).text);
    const expected = page('[data-alert-measures] tr:has(th:contains("Nitazene")) [data-expected]');
    expect(expected.text()).toBe('0.0');
  });
});

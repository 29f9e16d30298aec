// Age-standardised rates on the area page and in the briefing (issue #24 §2): CCSU loads ONS's single
// years of age as they come (across, as the MYE2 sheets, or one row an age), the app bands them into
// the 2013 European Standard Population, and the rates, Dobson intervals and comparisons with the county
// are the ones worked by hand here.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { addCases } from '../helpers/case-facts.js';
import {
  createOrganisation,
  createTestApp,
  createUser,
  csrfFrom,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { districts } from '../../src/domain/reference.js';
import { areaRows } from '../../src/domain/reference.js';

let t: TestApp;
let analyst: Agent;
let partner: Agent;

async function load(csv: string) {
  const page = await analyst.get('/ccsu/areas');
  return analyst
    .post('/ccsu/areas/populations')
    .field('_csrf', csrfFrom(page.text))
    .field('source', 'ONS mid-year estimates 2025 (test figures)')
    .attach('file', Buffer.from(csv), 'mye2.csv');
}

const deaths = (area: string, date: string, age: number | null, n: number) =>
  addCases(t.db, { area, date, age }, n);

const gss = (code: string) => areaRows.find(([c]) => c === code)![2]!;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const org = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  analyst = await signedInAs(t, 'ccsu_analyst');
  partner = await signedInAs(t, 'partner', org.id);
});
afterAll(() => t.close());

describe('age-standardised rates', () => {
  it('when CCSU loads single years of age across (the ONS MYE2 layout) then the app bands them and keeps the totals', async () => {
    const ages = Array.from({ length: 91 }, (_, a) => String(a));
    const header = ['Code', 'Name', 'Geography', 'Year', 'All ages', ...ages.slice(0, 90), '90+'].join(',');
    // 1,000 residents of each age 0 to 89 and 1,000 aged 90 or over: 91,000 in each district.
    const rows = districts.map(([code, name]) =>
      [gss(code), name, 'Non-metropolitan District', '2025', '91000', ...ages.map(() => '1,000')]
        .map((c) => `"${c}"`)
        .join(','),
    );
    const response = await load([header, ...rows].join('\n'));
    expect(response.status).toBe(302);
    const stored = await t.db
      .selectFrom('area_age_populations')
      .select(['age_group', 'population'])
      .where('area_code', '=', 'watford')
      .orderBy('age_group')
      .execute();
    expect(stored.map((r) => r.population)).toEqual([...new Array(18).fill(5_000), 1_000]);
    const total = await t.db
      .selectFrom('area_populations')
      .select('population')
      .where('area_code', '=', 'watford')
      .executeTakeFirstOrThrow();
    expect(total.population).toBe(91_000);
  });

  it('when a file of one row an age misses ages then nothing is loaded and the missing groups are named', async () => {
    const lines = ['gss_code,year,age,sex,population'];
    for (let age = 0; age < 85; age += 1)
      lines.push(`${gss('watford')},2024,${age},F,500`, `${gss('watford')},2024,${age},M,500`);
    const response = await load(lines.join('\n'));
    expect(response.status).toBe(400);
    expect(cheerio.load(response.text)('#file-problems').text()).toContain(
      'E07000103 2024: no residents are given for ages 85–89, 90+',
    );
    expect(
      await t.db.selectFrom('area_age_populations').select('year').where('year', '=', 2024).execute(),
    ).toEqual([]);
  });

  it('when Watford has 30 deaths aged 40 in 2025 and each other district 5 then the rates are those worked by hand', async () => {
    await deaths('watford', '2025-05-10', 40, 30);
    for (const [code] of districts) if (code !== 'watford') await deaths(code, '2025-07-01', 41, 5);
    await deaths('watford', '2025-08-01', null, 2);
    const $ = cheerio.load((await analyst.get('/dashboard/areas?from=2025-01&to=2025-12')).text);
    const row = (area: string) => $(`#asr-table tr[data-area="${area}"]`);
    // By hand: 40–44 weighs 7,000 of 100,000 and holds 5,000 Watford residents; 30 deaths give
    // 7,000 × 30 / 5,000 = 42.0 per 100,000. Each death adds 1.4, so Dobson's interval is 42.0 + 1.4 ×
    // (exact Poisson limits of 30, 20.24 and 42.83, less 30) = 28.3 to 60.0.
    expect(row('watford').find('[data-asr]').first().text()).toBe('42.0');
    expect(row('watford').find('[data-asr-interval]').first().text()).toBe('28.3 to 60.0');
    // The county: 75 deaths at 40–44 in 50,000 residents: 7,000 × 75 / 50,000 = 10.5.
    expect(row('county').find('[data-asr]').first().text()).toBe('10.5');
    // Pooled over 2023–2025 with 2025's residents for each year: 14.0 against the county's 3.5.
    expect(row('watford').find('[data-asr]').eq(1).text()).toBe('14.0');
    expect(row('watford').find('[data-comparison]').text()).toBe('▲ Higher');
    expect(row('dacorum').find('[data-asr]').first().text()).toBe('Not calculated (fewer than 10 deaths)');
    expect(row('dacorum').find('[data-comparison]').text()).toBe('Not compared');
    expect($('#asr-unknown-age').text()).toContain('2 deaths in 2025');
  });

  it('when CCSU saves England’s rate then the county is compared with it; a wrong interval is refused by the field', async () => {
    const page = await analyst.get('/ccsu/areas');
    const refused = await analyst.submit('/ccsu/areas/england', {
      englandYear: '2025',
      englandRate: '8.1',
      englandLower: '9.0',
      englandUpper: '8.3',
      englandSource: 'ONS, Deaths related to drug poisoning: 2025 registrations',
    });
    expect(refused.status).toBe(400);
    expect(cheerio.load(refused.text)('#englandLower-error').text()).toContain(
      'The lower limit must not be above the rate',
    );
    expect(page.status).toBe(200);
    const saved = await analyst.submit('/ccsu/areas/england', {
      englandYear: '2025',
      englandRate: '7.6',
      englandLower: '7.4',
      englandUpper: '7.8',
      englandSource: 'ONS, Deaths related to drug poisoning: 2025 registrations',
    });
    expect(saved.status).toBe(302);
    const $ = cheerio.load((await analyst.get('/dashboard/areas?from=2025-01&to=2025-12')).text);
    // The county's 10.5 has an interval of 8.3 to 13.2 (Byar's limits of 75, 58.99 and 94.01, × 0.14),
    // above England's 7.4 to 7.8: higher.
    expect($('[data-england-comparison]').text()).toBe('▲ higher than England');
    expect($('#asr-england').text()).toContain('7.6 (7.4 to 7.8) in 2025');
  });

  it('when a partner opens the same page then numbers of deaths are rounded and a suppressed one carries no rate', async () => {
    const $ = cheerio.load((await partner.get('/dashboard/areas?from=2025-01&to=2025-12')).text);
    const watford = $('#asr-table tr[data-area="watford"]');
    expect(watford.find('[data-deaths]').first().text()).toBe('30');
    expect(watford.find('[data-asr]').first().text()).toBe('42.0');
    const dacorum = $('#asr-table tr[data-area="dacorum"]');
    expect(dacorum.find('[data-deaths]').first().text()).toBe('*');
    expect(dacorum.find('[data-asr]').first().text()).toBe('*');
    expect($('#asr-unknown-age').text()).toContain('* deaths in 2025');
  });

  it('when CCSU prints the JSNA briefing then the standardised rates are there, as partners would see them', async () => {
    const $ = cheerio.load((await analyst.get('/dashboard/briefing?year=2025')).text);
    expect($('#asr-table tr[data-area="watford"] [data-asr]').first().text()).toBe('42.0');
    expect($('#asr-table tr[data-area="dacorum"] [data-asr]').first().text()).toBe('*');
  });

  it('when Power BI reads the rates feed then each area has rate, rate_lower and rate_upper as the page shows them, and an aggregates token no rate for a suppressed count', async () => {
    const admin = await createUser(t, 'ccsu_admin');
    const read = async (scope: 'aggregates' | 'records') => {
      const token = await t.services.apiTokens.issue({ name: `BI ${scope}`, scope, days: 30 }, admin);
      const response = await request(t.app)
        .get('/api/v1/aggregates/rates.json?from=2025-01&to=2025-12')
        .set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(200);
      return response.body as Record<string, unknown>[];
    };
    const exact = await read('records');
    // 32 Watford deaths in 2025 (2 of unknown age) in 91,000 residents: 35.2. The exact Poisson limits
    // of 32 are 21.89 and 45.17, 24.05 and 49.64 per 100,000; Byar's are 24.0 and 49.6.
    expect(exact.find((r) => r.residence_area === 'watford')).toMatchObject({
      residence_area_gss: 'E07000103',
      cases: 32,
      population: 91_000,
      rate: 35.2,
      rate_lower: 24,
      rate_upper: 49.6,
      standardised_rate: 42,
      standardised_lower: 28.3,
      standardised_upper: 60,
    });
    const shown = await read('aggregates');
    expect(shown.find((r) => r.residence_area === 'watford')).toMatchObject({ cases: 30, rate: 33 });
    expect(shown.find((r) => r.residence_area === 'dacorum')).toMatchObject({
      cases: '*',
      rate: null,
      rate_lower: null,
      rate_note: 'count suppressed',
      standardised_rate: null,
    });
  });
});

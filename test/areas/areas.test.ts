// Areas as reference data: GSS codes, populations loaded by CCSU from a CSV (all or nothing, a year
// replaced when loaded again, hostile cells harmless), rates per 100,000 computed by hand, and the feed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import {
  createOrganisation,
  createTestApp,
  createUser,
  csrfFrom,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { submittedRecord } from '../helpers/records.js';
import type { Organisation, User } from '../../src/db/types.js';

let t: TestApp;
let analyst: Agent;
let partner: Agent;
let admin: User;
let org: Organisation;

/** Sends the population form as a browser does: token, source, then the file. */
async function load(csv: string, source = 'ONS mid-year estimates (test figures)') {
  const page = await analyst.get('/ccsu/areas');
  return analyst
    .post('/ccsu/areas/populations')
    .field('_csrf', csrfFrom(page.text))
    .field('source', source)
    .attach('file', Buffer.from(csv), 'populations.csv');
}

const populations = () =>
  t.db
    .selectFrom('area_populations')
    .select(['area_code', 'year', 'population'])
    .orderBy('year')
    .orderBy('area_code')
    .execute();

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  org = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  admin = await createUser(t, 'ccsu_admin');
  analyst = await signedInAs(t, 'ccsu_analyst');
  partner = await signedInAs(t, 'partner', org.id);
});
afterAll(() => t.close());

describe('areas and their GSS codes', () => {
  it('when an analyst opens the areas page then each district has its GSS code and the others have none', async () => {
    const $ = cheerio.load((await analyst.get('/ccsu/areas')).text);
    const gss = (name: string) =>
      $('#areas-table tr')
        .filter((_i, el) => $(el).find('th').text() === name)
        .find('td')
        .eq(1)
        .text();
    expect(gss('Broxbourne')).toBe('E07000095');
    expect(gss('Stevenage')).toBe('E07000243');
    expect(gss('Welwyn Hatfield')).toBe('E07000241');
    expect(gss('No fixed abode')).toBe('None');
  });
});

describe('loading populations', () => {
  it('when a file has bad rows then each is named by row and column, nothing is saved, and cells are not echoed', async () => {
    const response = await load(
      [
        'gss_code,year,population',
        'E07000103,2025,100000',
        '=HYPERLINK("http://evil.test"),2025,5',
        'E07999999,2025,100',
        'E07000095,1850,abc',
      ].join('\n'),
    );
    expect(response.status).toBe(400);
    const problems = cheerio.load(response.text)('#file-problems').text();
    expect(problems).toContain('Row 3, gss_code: enter a GSS code, like E07000095');
    expect(problems).toContain('Row 4, gss_code: E07999999 is not the code of an area here');
    expect(problems).toContain('Row 5, year: enter a year from 2000 to 2026');
    expect(problems).toContain('Row 5, population: enter a whole number above 0');
    expect(response.text).not.toContain('HYPERLINK');
    expect(await populations()).toEqual([]);
  });

  it('when the file is not a CSV or the source is missing then the error is by the field', async () => {
    const binary = await load('\u0000\u0001PK\u0003\u0004 not,a,"csv');
    expect(cheerio.load(binary.text)('#file-problems, #file-error').text()).toMatch(/CSV|columns/);
    const noSource = await load('gss_code,year,population\nE07000103,2025,100000', '');
    expect(cheerio.load(noSource.text)('#source-error').text()).toContain('Say where the figures come from');
    expect(await populations()).toEqual([]);
  });

  it('when a good file is loaded then it is saved and audited, and loading a year again replaces it', async () => {
    const first = await load(
      'gss_code,year,population\nE07000103,2024,95000\nE07000103,2025,90000\nE07000095,2025,"100,000"',
    );
    expect(first.headers.location).toBe('/ccsu/areas');
    const again = await load('gss_code,year,population\nE07000103,2025,100000');
    expect(again.headers.location).toBe('/ccsu/areas');
    expect(await populations()).toEqual([
      { area_code: 'watford', year: 2024, population: 95000 },
      { area_code: 'broxbourne', year: 2025, population: 100000 },
      { area_code: 'watford', year: 2025, population: 100000 },
    ]);
    const audits = await t.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'populations_loaded')
      .execute();
    expect(audits).toHaveLength(2);
  });
});

describe('rates per 100,000', () => {
  const rateOf = async (agent: Agent, query: string, area: string) => {
    const $ = cheerio.load((await agent.get(`/dashboard/areas?${query}`)).text);
    const row = $('#area-rates-table tr').filter((_i, el) => $(el).find('th').text() === area);
    return {
      cases: row.find('td').eq(0).text(),
      rate: row.find('[data-rate]').text(),
      text: $('#area-rates-summary').text(),
    };
  };

  it('when 3 Watford deaths in March 2026 are counted against 100,000 residents then no rate is calculated (fewer than 10), and partners see *', async () => {
    for (const day of ['01', '02', '03'])
      await submittedRecord(t, org, {
        date_of_death: `2026-03-${day}`,
        residence_area: 'watford',
        age_at_death: 30 + Number(day) * 5,
      });
    // The period ends in 2026; 2026 has no figures yet, so the latest before it (2025) is used, and said.
    const exact = await rateOf(analyst, 'from=2026-01&to=2026-03', 'Watford');
    expect(exact).toMatchObject({ cases: '3', rate: 'Not calculated (fewer than 10 deaths)' });
    expect(exact.text).toContain('using the 2025 population (ONS mid-year estimates (test figures))');
    const partnerView = await rateOf(partner, 'from=2026-01&to=2026-03', 'Watford');
    expect(partnerView).toMatchObject({ cases: '*', rate: '*' });
  });

  it('when the period ends in 2024 then the 2024 population is used, not a later one', async () => {
    await submittedRecord(t, org, {
      period: '2024-06',
      date_of_death: '2024-06-10',
      residence_area: 'watford',
    });
    const view = await rateOf(analyst, 'from=2024-01&to=2024-12', 'Watford');
    expect(view.text).toContain('using the 2024 population');
    expect(view).toMatchObject({ cases: '1', rate: 'Not calculated (fewer than 10 deaths)' });
  });

  it('when 12 Watford deaths in June 2025 are counted against 100,000 residents then the rate is 12.0 with its 95% interval, 6.2 to 21.0', async () => {
    for (let day = 1; day <= 12; day += 1)
      await submittedRecord(t, org, {
        period: '2025-06',
        date_of_death: `2025-06-${String(day).padStart(2, '0')}`,
        date_partner_aware: '2025-06-28',
        residence_area: 'watford',
        age_at_death: 20 + day * 3,
      });
    const $ = cheerio.load((await analyst.get('/dashboard/areas?from=2025-06&to=2025-06')).text);
    const row = $('#area-rates-table tr').filter((_i, el) => $(el).find('th').text() === 'Watford');
    expect(row.find('[data-rate]').text()).toBe('12.0');
    // The exact Poisson limits for 12 events are 6.20 and 20.96 (chi-squared tables): Byar's agrees.
    expect(row.find('[data-interval]').text()).toBe('6.2 to 21.0');
    expect($('#area-rates-summary').text()).toContain('95% confidence interval');
  });
});

describe('the feed', () => {
  it('when the areas feed is read then each area comes with its GSS code and population by year, and aggregates carry GSS codes', async () => {
    const token = await t.services.apiTokens.issue(
      { name: 'Power BI', scope: 'aggregates', days: 30 },
      admin,
    );
    const areas = await request(t.app).get('/api/v1/areas.csv').set('Authorization', `Bearer ${token}`);
    expect(areas.status).toBe(200);
    const rows = parse(areas.text, { columns: true, bom: true }) as Record<string, string>[];
    expect(rows.filter((r) => r.code === 'watford')).toEqual([
      { code: 'watford', name: 'Watford', gss_code: 'E07000103', year: '2024', population: '95000' },
      { code: 'watford', name: 'Watford', gss_code: 'E07000103', year: '2025', population: '100000' },
    ]);
    expect(rows.find((r) => r.code === 'unknown')).toMatchObject({ gss_code: '', year: '' });
    const aggregates = await request(t.app)
      .get('/api/v1/aggregates/cases.json?from=2026-01&to=2026-03')
      .set('Authorization', `Bearer ${token}`);
    expect(aggregates.body[0]).toMatchObject({ residence_area: 'watford', residence_area_gss: 'E07000103' });
  });
});

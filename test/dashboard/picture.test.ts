// The partnership picture: deaths beside ambulance call-outs, hospital admissions, ONS registrations and
// LDIS alerts, by month, quarter, area (with rates) and year. Fixtures small enough to add up by hand.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import { parse } from 'csv-parse/sync';
import request from 'supertest';
import {
  createOrganisation,
  createTestApp,
  createUser,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import { submittedRecord } from '../helpers/records.js';
import { actorOf } from '../../src/audit/audit.js';
import { datasetOf } from '../../src/context/datasets.js';
import type { User } from '../../src/db/types.js';

let t: TestApp;
let analyst: Agent;
let partner: Agent;
let admin: User;

const WATFORD = 'E07000103';
const BROXBOURNE = 'E07000095';

async function load(dataset: string, lines: string[]) {
  const actor = actorOf(admin);
  const received = await t.services.context.receive(
    datasetOf(dataset)!,
    Buffer.from(lines.join('\n')),
    { source: `${dataset} test extract`, extracted_on: '2026-04-01', notes: null },
    actor,
  );
  if (!received.ok) throw new Error(received.problems.join('; '));
  await t.services.context.confirm(datasetOf(dataset)!, received.loadId, actor);
}

/** A table's rows as { heading: [cells] }, cells as their text. */
function table($: cheerio.CheerioAPI, id: string): Record<string, string[]> {
  return Object.fromEntries(
    $(`#${id} tbody tr`)
      .toArray()
      .map((tr) => [
        $(tr).find('th').text().trim(),
        $(tr)
          .find('td')
          .toArray()
          .map((td) => $(td).text().trim()),
      ]),
  );
}

const page = async (agent: Agent, query: string) =>
  cheerio.load((await agent.get(`/dashboard/picture?${query}`)).text);

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const org = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  admin = await createUser(t, 'ccsu_admin');
  analyst = await signedInAs(t, 'ccsu_analyst');
  partner = await signedInAs(t, 'partner', org.id);
  await t.services.areas.loadPopulations(
    Buffer.from(`gss_code,year,population\n${WATFORD},2025,100000\n${BROXBOURNE},2025,50000`),
    'ONS mid-year estimates (test figures)',
    actorOf(admin),
  );
  await load('ambulance', [
    'gss_code,month,count',
    `${WATFORD},2026-01,20`,
    `${WATFORD},2026-02,30`,
    `${BROXBOURNE},2026-01,5`,
  ]);
  await load('hospital', [
    'gss_code,period,measure,count',
    `${WATFORD},2026-Q1,drug_poisoning,12`,
    `${WATFORD},2026-01,alcohol_specific,9`,
    `${WATFORD},2026-02,alcohol_specific,9`,
    `${WATFORD},2026-03,alcohol_specific,9`,
  ]);
  await load('ons', ['gss_code,year,measure,count', `${WATFORD},2025,drug_poisoning,11`]);
  for (const day of ['01', '02', '03'])
    await submittedRecord(t, org, { date_of_death: `2026-03-${day}`, residence_area: 'watford' });
  await submittedRecord(t, org, {
    period: '2025-06',
    date_of_death: '2025-06-10',
    residence_area: 'watford',
  });
  await t.services.ldis.create(
    {
      reference: 'LDIS/2026/001',
      title: 'Nitazenes in heroin',
      issued_on: '2026-02-10',
      substances: ['nitazene'],
      areas: [],
      severity: 'urgent',
      link: null,
    },
    actorOf(admin),
  );
});
afterAll(() => t.close());

describe('the partnership picture for CCSU', () => {
  it('when the first quarter is shown by month then each source has its own column and a quarter’s admissions are not split', async () => {
    const $ = await page(analyst, 'from=2026-01&to=2026-03');
    expect(table($, 'picture_month-table')).toEqual({
      'January 2026': ['0', '25', 'No data', '9', ''],
      'February 2026': ['0', '30', 'No data', '9', 'LDIS/2026/001'],
      'March 2026': ['3', 'No data', 'No data', '9', ''],
    });
    const notes = $('#picture_month-notes').text();
    expect(notes).toContain(
      'Figures of hospital admissions for drug poisoning for this period each cover a quarter or a year',
    );
    expect(notes).toContain('“No data” marks each month without figures of ambulance call-outs');
    expect(notes).toContain('Ambulance call-outs: ambulance test extract, extracted 1 April 2026');
    expect($('#picture_month-summary').text()).toContain(
      '3 drug- and alcohol-related deaths reported by partners; 55 ambulance call-outs',
    );
    expect($('#picture_month-summary').text()).toContain(
      'hospital admissions for drug poisoning not shown by month; 27 hospital admissions for alcohol-specific conditions',
    );
    expect($('#picture-ldis').text()).toContain('LDIS/2026/001');
  });

  it('when shown by quarter and by area then the sums and rates per 100,000 add up by hand', async () => {
    const $ = await page(analyst, 'from=2026-01&to=2026-03');
    expect(table($, 'picture_quarter-table')).toEqual({ '2026 Q1': ['3', '55', '12', '27'] });
    const byArea = table($, 'picture_area-table');
    expect(byArea['Watford']).toEqual(['3', '50', '12', '27']);
    expect(byArea['Broxbourne']).toEqual(['0', '5', 'No data', 'No data']);
    // Exact Poisson limits (chi-squared tables): 50 → 37.11 to 65.92, 12 → 6.20 to 20.96, 27 → 17.79
    // to 39.28; no rate from fewer than 10.
    expect(table($, 'picture-rates-table')['Watford']).toEqual([
      '100,000',
      'Not calculated',
      '50.0 (37.1 to 65.9)',
      '12.0 (6.2 to 21.0)',
      '27.0 (17.8 to 39.3)',
    ]);
    expect(table($, 'picture-rates-table')['Broxbourne']).toEqual([
      '50,000',
      'Not calculated',
      'Not calculated',
      'No data',
      'No data',
    ]);
    expect($('#picture-rates-summary').text()).toContain('using the 2025 population');
  });

  it('when filtered to one area then the other areas’ call-outs are left out', async () => {
    const $ = await page(analyst, 'from=2026-01&to=2026-03&area=broxbourne');
    expect(table($, 'picture_month-table')['January 2026']!.slice(0, 2)).toEqual(['0', '5']);
  });

  it('when a period has no context figures then each says so instead of showing zeros', async () => {
    const $ = await page(analyst, 'from=2025-04&to=2025-06');
    expect(table($, 'picture_month-table')['June 2025']).toEqual(['1', 'No data', 'No data', 'No data', '']);
    expect($('#picture_month-notes').text()).toContain(
      'No figures of ambulance call-outs for suspected overdose or poisoning have been loaded for this period',
    );
    expect($('#picture_month-summary').text()).toContain('no ambulance call-outs for suspected overdose');
  });

  it('when the period runs to this month then this month is marked as so far and each source gets its own chart scale', async () => {
    const $ = await page(analyst, 'from=2026-03&to=2026-05');
    const rows = Object.keys(table($, 'picture_month-table'));
    expect(rows).toEqual(['March 2026', 'April 2026 (so far)', 'May 2026 (not yet)']);
    expect($('[data-chart-for="picture_month-table"]').is('[data-chart-separately]')).toBe(true);
    // The sources and notes follow the chart, folded away, instead of lines of text before it.
    expect($('#picture_month-notes').closest('details').length).toBe(1);
  });

  it('when the years are shown then ONS registrations sit beside the cases by year of death', async () => {
    const $ = await page(analyst, 'from=2025-01&to=2026-03');
    expect(table($, 'picture_ons-table')).toEqual({
      '2025': ['1', '11', 'No data', 'No data'],
      // It is April 2026: the year is not over, and says so rather than reading as a fall.
      '2026 (so far)': ['3', 'No data', 'No data', 'No data'],
    });
  });

  it('when a table is downloaded then it matches the page, gaps empty, and the download is audited', async () => {
    const response = await analyst.get('/dashboard/picture/picture_month.csv?from=2026-01&to=2026-03');
    expect(response.status).toBe(200);
    const rows = parse(response.text, { bom: true }) as string[][];
    expect(rows[0]).toEqual([
      'Month',
      'Deaths (cases)',
      'Ambulance call-outs',
      'Admissions: drug poisoning',
      'Admissions: alcohol-specific',
      'LDIS alerts issued',
    ]);
    expect(rows[3]).toEqual(['March 2026', '3', '', '', '9', '']);
    const audited = await t.db
      .selectFrom('audit_log')
      .select('entity_id')
      .where('action', '=', 'dashboard_figure_downloaded')
      .execute();
    expect(audited.map((a) => a.entity_id)).toContain('picture_month');
    expect((await analyst.get('/dashboard/picture/nothing.csv')).status).toBe(404);
  });
});

describe('the partnership picture for partners', () => {
  it('when a partner opens it then every count has been through disclosure control, and rates follow the rounded counts', async () => {
    const $ = await page(partner, 'from=2026-01&to=2026-03');
    // Broxbourne's 5 call-outs are hidden, and with the column's total stated Watford's 50 must be too.
    expect(table($, 'picture_area-table')['Watford']).toEqual(['*', '*', '10', '25']);
    // 10 → 4.82 to 18.39 and 25 → 16.18 to 36.90 (exact limits): the intervals of the rounded counts.
    expect(table($, 'picture-rates-table')['Watford']).toEqual([
      '100,000',
      '*',
      '*',
      '10.0 (4.8 to 18.4)',
      '25.0 (16.2 to 36.9)',
    ]);
    const safe = (v: string) =>
      v === '*' || v === '0' || v === 'No data' || (Number(v) > 7 && Number(v) % 5 === 0);
    for (const id of ['picture_month', 'picture_quarter', 'picture_area', 'picture_ons'])
      for (const row of Object.values(table($, `${id}-table`)))
        for (const cell of row.slice(0, 4)) expect(safe(cell)).toBe(true);
    expect($('#picture_month-summary').text()).toContain('fewer than 8 drug- and alcohol-related deaths');
    expect($('a[href^="/ccsu/ldis/"]').length).toBe(0);
  });
});

describe('one disclosure path for the same counts', () => {
  it('when a partner reads the same months on the dashboard and the picture then both hide the same months', async () => {
    // May 2024: one death (hidden); June: 10; July: 12. With the total shown, June must be hidden too.
    const org = await createOrganisation(t, { name: 'Treatment 2024', code: 'T24' });
    const deaths = { '2024-05': 1, '2024-06': 10, '2024-07': 12 };
    for (const [month, n] of Object.entries(deaths))
      for (let i = 0; i < n; i += 1)
        await submittedRecord(t, org, {
          period: month,
          date_of_death: `${month}-${String(i + 1).padStart(2, '0')}`,
          date_partner_aware: `${month}-28`,
          age_at_death: 20 + i,
          residence_area: 'watford',
        });
    const query = 'from=2024-05&to=2024-07';
    const dashboard = cheerio.load((await partner.get(`/dashboard?${query}`)).text);
    const picture = await page(partner, query);
    const months = table(dashboard, 'death_month-table');
    const pictured = Object.fromEntries(
      Object.entries(table(picture, 'picture_month-table')).map(([month, cells]) => [month, [cells[0]!]]),
    );
    // June is hidden only because May is (the second-cell rule), on both pages.
    expect(months).toEqual({ 'May 2024': ['*'], 'June 2024': ['*'], 'July 2024': ['10'] });
    expect(pictured).toEqual(months);
  });
});

describe('the context feed', () => {
  it('when Power BI reads a dataset then each figure comes with its GSS code and source, through disclosure control for aggregates tokens', async () => {
    const read = async (scope: 'aggregates' | 'records') => {
      const token = await t.services.apiTokens.issue({ name: `BI ${scope}`, scope, days: 30 }, admin);
      const response = await request(t.app)
        .get('/api/v1/context/ambulance.csv?from=2026-01&to=2026-03')
        .set('Authorization', `Bearer ${token}`);
      expect(response.status).toBe(200);
      return parse(response.text, { columns: true, bom: true }) as Record<string, string>[];
    };
    const exact = await read('records');
    expect(exact.map((r) => [r.period_start, r.gss_code, r.count])).toEqual([
      ['2026-01', BROXBOURNE, '5'],
      ['2026-01', WATFORD, '20'],
      ['2026-02', WATFORD, '30'],
    ]);
    expect(exact[0]).toMatchObject({ measure: 'suspected_overdose', source: 'ambulance test extract' });
    expect((await read('aggregates')).map((r) => r.count)).toEqual(['*', '20', '30']);
    const token = await t.services.apiTokens.issue({ name: 'BI', scope: 'aggregates', days: 30 }, admin);
    const unknown = await request(t.app)
      .get('/api/v1/context/weather.json')
      .set('Authorization', `Bearer ${token}`);
    expect(unknown.status).toBe(404);
  });
});

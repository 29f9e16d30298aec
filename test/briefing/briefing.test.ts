// The JSNA briefing: a year's figures safe for publication whoever reads them, with its methods.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
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

let t: TestApp;
let analyst: Agent;
let partner: Agent;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const org = await createOrganisation(t, { name: 'Treatment', code: 'TRE' });
  const admin = await createUser(t, 'ccsu_admin');
  analyst = await signedInAs(t, 'ccsu_analyst');
  partner = await signedInAs(t, 'partner', org.id);
  // 12 deaths in Watford and 9 in Dacorum in 2025.
  for (let i = 0; i < 21; i += 1)
    await submittedRecord(t, org, {
      period: '2025-06',
      date_of_death: `2025-06-${String(i + 1).padStart(2, '0')}`,
      residence_area: i < 12 ? 'watford' : 'dacorum',
      age_at_death: 20 + i * 2,
    });
  const received = await t.services.context.receive(
    datasetOf('ons')!,
    Buffer.from('gss_code,year,measure,count\nE07000103,2025,drug_poisoning,12'),
    { source: 'ONS deaths related to drug poisoning (test)', extracted_on: '2026-03-01', notes: null },
    actorOf(admin),
  );
  if (received.ok) await t.services.context.confirm(datasetOf('ons')!, received.loadId, actorOf(admin));
});
afterAll(() => t.close());

describe('the JSNA briefing', () => {
  it('when CCSU open it then every figure is through disclosure control, as it would be published', async () => {
    const response = await analyst.get('/dashboard/briefing?year=2025');
    expect(response.status).toBe(200);
    const $ = cheerio.load(response.text);
    expect($('h1').text()).toContain('2025');
    const safe = (v: string) =>
      v === '*' || v === '0' || v === 'No data' || v === '' || (Number(v) > 7 && Number(v) % 5 === 0);
    const cells = $('#briefing td[data-value]')
      .toArray()
      .map((td) => $(td).text().trim().replace(/,/g, ''));
    expect(cells.length).toBeGreaterThan(20);
    for (const cell of cells) expect([cell, safe(cell)]).toEqual([cell, true]);
    const areaRow = $('#residence_area-table tbody tr').filter(
      (_i, el) => $(el).find('th').text() === 'Watford',
    );
    expect(areaRow.find('td').first().text()).toBe('10');
    expect($('#briefing a[download]').length).toBe(0);
    expect($('#briefing-summary').text()).toContain('About 20 cases');
  });

  it('when the methods are read then each source is named with its extraction date, and the suppression rule', async () => {
    const $ = cheerio.load((await partner.get('/dashboard/briefing?year=2025')).text);
    const methods = $('#briefing-methods').text();
    expect(methods).toContain(
      'ONS deaths registered (2025): ONS deaths related to drug poisoning (test), extracted 1 March 2026',
    );
    // Only sources the briefing draws: no ambulance or hospital data, and nothing for other years.
    expect(methods).not.toMatch(/Ambulance|Hospital/);
    const earlier = cheerio.load((await partner.get('/dashboard/briefing?year=2019')).text);
    expect(earlier('#briefing-methods').text()).not.toContain('ONS deaths registered');
    expect(methods).toContain('counts from 1 to 7 are shown as *, other counts are rounded to the nearest 5');
    expect($('#briefing-completeness').text()).toContain('has not been loaded');
  });

  it('when a year outside the allowed range is asked for then the latest whole year is shown', async () => {
    const $ = cheerio.load((await analyst.get('/dashboard/briefing?year=1850')).text);
    expect($('h1').text()).toContain('2025');
  });
});

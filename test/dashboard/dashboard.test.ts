// The dashboard counts cases, not records; CCSU see exact figures, partners the same figures through
// disclosure control; filters come from the URL.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { loadFixture, tableOf } from './fixture.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let analyst: Agent;
let partner: Agent;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const { treatment } = await loadFixture(t);
  analyst = await signedInAs(t, 'ccsu_analyst');
  partner = await signedInAs(t, 'partner', treatment.id);
});
afterAll(() => t.close());

const range = 'from=2026-01&to=2026-03';

describe('CCSU see exact counts of cases', () => {
  it('when a death is reported by three partners then it counts once, by its best-evidenced record', async () => {
    const page = await analyst.get(`/dashboard?${range}`);
    expect(page.status).toBe(200);
    expect(tableOf(page.text, 'death_month-table')).toEqual({
      'January 2026': ['2'],
      'February 2026': ['0'],
      'March 2026': ['10'],
      Total: ['12'],
    });
    expect(tableOf(page.text, 'reported_month-table')).toMatchObject({
      'February 2026': ['2'],
      'March 2026': ['10'],
    });
    expect(within(page, '#death_month-summary')).toContain(
      '12 cases who died between January 2026 and March 2026.',
    );
    // A time series reads oldest first.
    expect(Object.keys(tableOf(page.text, 'death_month-table'))).toEqual([
      'January 2026',
      'February 2026',
      'March 2026',
      'Total',
    ]);
    const classification = tableOf(
      (await analyst.get(`/dashboard/classification?${range}`)).text,
      'death_classification-table',
    );
    expect(classification['Drug poisoning (ONS definition)']).toEqual(['1']);
    expect(classification['Suspected drug-related']).toEqual(['9']);
    expect(classification['Suspected alcohol-related']).toEqual(['2']);
  });

  it('when a case has several substances then it counts under each, and no total is claimed', async () => {
    const page = await analyst.get(`/dashboard/substances?${range}`);
    const substances = tableOf(page.text, 'substance-table');
    expect(substances['Heroin or morphine']).toEqual(['1']);
    expect(substances['Alcohol']).toEqual(['3']);
    expect(substances['Cocaine']).toEqual(['9']);
    expect(substances.Total).toBeUndefined();
    const groups = tableOf(page.text, 'substance_group-table');
    expect(groups['Depressants (including alcohol)']).toEqual(['3']);
    expect(groups.Opioids).toEqual(['1']);
  });

  it('when filtered then the URL carries the filters and the counts follow them', async () => {
    const areas = tableOf(
      (await analyst.get(`/dashboard/areas?${range}&classification=suspected_drug`)).text,
      'residence_area-table',
    );
    expect(areas.Watford).toEqual(['9']);
    expect(areas.Dacorum).toEqual(['0']);
    const byCoroner = tableOf(
      (await analyst.get(`/dashboard?${range}&organisation_type=coroner`)).text,
      'death_month-table',
    );
    expect(byCoroner.Total).toEqual(['1']);
    const ageSex = tableOf((await analyst.get(`/dashboard/age-sex?${range}`)).text, 'age_sex-table');
    // Men of 45 and 50, women of 50 (twice).
    expect(ageSex['45–54']).toEqual(['2', '2', '0', '0', '0', '4']);
  });

  it('when a filter is not understood then the page says which and still shows figures', async () => {
    const page = await analyst.get('/dashboard?from=2026-13&to=2026-03&area=atlantis');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<title>Error: ');
    expect(within(page, '.govuk-error-summary')).toContain(
      'Enter the start month as a year and month, like 2026-01',
    );
    expect(within(page, '.govuk-error-summary')).toContain('Choose an area from the list');
    expect(page.text).toContain('id="death_month-table"');
    const reversed = await analyst.get('/dashboard?from=2026-03&to=2026-01');
    expect(within(reversed, '.govuk-error-summary')).toContain(
      'The end month must be the same as or after the start month',
    );
  });

  it('when an analyst opens compliance then returns per month are counted by timeliness', async () => {
    const page = await analyst.get(`/dashboard/compliance?${range}`);
    expect(page.status).toBe(200);
    const compliance = tableOf(page.text, 'compliance-table');
    expect(compliance['March 2026']).toEqual(['3', '0', '0', '3']);
    expect(Object.keys(compliance)[0]).toBe('January 2026');
    expect(within(page, 'main')).toContain('Returns due from each partner organisation');
  });
});

describe('partners see the same picture through disclosure control', () => {
  it('when a partner opens a page then small counts are * and a lone * is protected from subtraction', async () => {
    const page = await partner.get(`/dashboard/areas?${range}`);
    expect(page.status).toBe(200);
    const areas = tableOf(page.text, 'residence_area-table');
    // Dacorum's 2 is suppressed; Watford's 10 would then reveal it from the total of 10, so it is hidden too.
    expect(areas.Dacorum).toEqual(['*']);
    expect(areas.Watford).toEqual(['*']);
    expect(areas.Total).toEqual(['10']);
    expect(within(page, '.govuk-inset-text')).toContain('counts from 1 to 7');
    const months = tableOf((await partner.get(`/dashboard?${range}`)).text, 'death_month-table');
    expect(months).toEqual({
      'January 2026': ['*'],
      'February 2026': ['0'],
      'March 2026': ['*'],
      Total: ['10'],
    });
  });

  it('when a partner asks for the compliance page then it is not there for them', async () => {
    expect((await partner.get('/dashboard/compliance')).status).toBe(404);
    expect((await partner.get('/dashboard')).text).not.toContain('/dashboard/compliance');
  });

  it('when nobody is signed in then the dashboard sends them to sign in', async () => {
    const response = await (await import('supertest')).default(t.app).get('/dashboard/areas');
    expect(response.status).toBe(302);
    expect(response.headers.location).toContain('/sign-in');
  });
});

describe('downloading a figure', () => {
  it('when a figure is downloaded then the CSV is the table as that user sees it, and it is audited', async () => {
    const exact = await analyst.get(`/dashboard/figures/residence_area.csv?${range}`);
    expect(exact.status).toBe(200);
    expect(exact.text).toContain('Watford,10');
    expect(exact.text).toContain('Total,12');
    const suppressed = await partner.get(`/dashboard/figures/residence_area.csv?${range}`);
    expect(suppressed.text).toContain('Watford,*');
    expect(suppressed.text).toContain('Total,10');
    expect((await partner.get('/dashboard/figures/compliance.csv')).status).toBe(404);
    expect((await partner.get('/dashboard/figures/nonsense.csv')).status).toBe(404);
    const audited = await t.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'dashboard_figure_downloaded')
      .execute();
    expect(audited).toHaveLength(2);
  });
});

// Partners cannot single out another organisation: the dashboard's "reported by" filter offers a kind
// of organisation only when at least three make returns, for partners and for aggregates tokens.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { within, valueOf } from '../helpers/within.js';
import { settingsForm } from '../helpers/settings-form.js';

let t: TestApp;
let partner: Agent;
let analyst: Agent;
let token = '';
const range = 'from=2026-01&to=2026-03';

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const mine = await createOrganisation(t, {
    name: 'Treatment A',
    code: 'TRA',
    type: 'drug_alcohol_treatment',
  });
  await createOrganisation(t, { name: 'Treatment B', code: 'TRB', type: 'drug_alcohol_treatment' });
  await createOrganisation(t, { name: 'Treatment C', code: 'TRC', type: 'drug_alcohol_treatment' });
  await createOrganisation(t, { name: 'The Only Coroner', code: 'COR', type: 'coroner' });
  partner = await signedInAs(t, 'partner', mine.id);
  analyst = await signedInAs(t, 'ccsu_analyst');
  const admin = await signedInAs(t, 'ccsu_admin');
  const issued = await admin.submit('/admin/api-tokens', { name: 'Public', scope: 'aggregates', days: '30' });
  token = valueOf(issued, '#token');
});
afterAll(() => t.close());

describe('the reported-by filter', () => {
  it('when a partner opens the dashboard then only kinds with three or more organisations are offered', async () => {
    const page = await partner.get(`/dashboard?${range}`);
    const select = /<select[^>]*name="organisation_type"[\s\S]*?<\/select>/.exec(page.text)![0];
    expect(select).toContain('value="drug_alcohol_treatment"');
    expect(select).not.toContain('value="coroner"');
    const analystSelect = /<select[^>]*name="organisation_type"[\s\S]*?<\/select>/.exec(
      (await analyst.get(`/dashboard?${range}`)).text,
    )![0];
    expect(analystSelect).toContain('value="coroner"');
  });

  it('when a partner asks for the only coroner’s reporting anyway then the filter is refused and not applied', async () => {
    const page = await partner.get(`/dashboard?${range}&organisation_type=coroner`);
    expect(page.status).toBe(200);
    expect(within(page, '.govuk-error-summary')).toContain(
      'fewer than 3 organisations of that kind make returns',
    );
    expect(page.text).not.toMatch(/reported by coroner/i);
    expect(
      (await partner.get(`/dashboard/figures/death_month.csv?${range}&organisation_type=coroner`)).status,
    ).toBe(400);
  });

  it('when an aggregates token asks for it then the feed refuses it', async () => {
    const response = await request(t.app)
      .get(`/api/v1/aggregates/cases.json?${range}&organisation_type=coroner`)
      .set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('fewer than 3 organisations');
  });
});

describe('the disclosure settings', () => {
  it('when an admin sets the threshold below 3 or the base below 5 then it is refused without the configuration flag', async () => {
    const admin = await signedInAs(t, 'ccsu_admin');
    const form = settingsForm({ threshold: '2', base: '1', concerns: 'any_opioid' });
    const refused = await admin.submit('/admin/settings', form);
    expect(refused.status).toBe(400);
    expect(within(refused, '.govuk-error-summary')).toContain('Suppression threshold must be 3 or more');
    expect(within(refused, '.govuk-error-summary')).toContain('Rounding base must be 5 or more');
  });
});

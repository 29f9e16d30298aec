// Early warning on a fake clock: one email per cluster (not per case), none for deaths spread over 15
// days or more, and a dashboard banner until someone acknowledges it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { submittedRecord } from '../helpers/records.js';
import type { Organisation } from '../../src/db/types.js';
import { within } from '../helpers/within.js';
import { settingsForm } from '../helpers/settings-form.js';

let t: TestApp;
let org: Organisation;
let analyst: Agent;

const warnings = () =>
  t.db.selectFrom('outbox').selectAll().where('idempotency_key', 'like', 'early-warning:%').execute();

async function death(date: string, substances: string[], area = 'watford') {
  return submittedRecord(t, org, {
    date_of_death: date,
    substances,
    residence_area: area,
    age_at_death: 20 + Number(date.slice(8)) * 2,
  });
}

beforeAll(async () => {
  t = await createTestApp({ now: '2026-03-20T10:00:00Z' });
  org = await createOrganisation(t);
  analyst = await signedInAs(t, 'ccsu_analyst');
});
afterAll(() => t.close());

describe('early warning', () => {
  it('when three nitazene deaths fall within 14 days then CCSU get one email, and no more as it grows', async () => {
    await death('2026-03-01', ['nitazene']);
    await death('2026-03-05', ['nitazene', 'alcohol']);
    expect(await t.services.alerts.detect()).toBe(0);
    await death('2026-03-12', ['nitazene']);
    expect(await t.services.alerts.detect()).toBe(1);
    const sent = await warnings();
    // Nitazene is an opioid too: the same three cases are one cluster, so one email.
    expect(sent).toHaveLength(1);
    // With no history yet the minimum count decides, and the district's deaths are the same three.
    expect(sent[0]!.subject).toBe(
      'Early warning: more deaths involving Opioids / Nitazene in Watford than expected',
    );
    expect(sent[0]!.text).toContain('within 14 days reached 3 or more, the warning threshold');
    expect(sent[0]!.text).toContain(
      'less than three months of history to compare with, so the minimum count decided',
    );
    expect(sent[0]!.to_addresses).toEqual([expect.stringContaining('ccsu_analyst')]);
    expect(await t.services.alerts.detect()).toBe(0);
    await death('2026-03-14', ['nitazene']);
    t.clock.set('2026-03-21T10:00:00Z');
    await analyst.signInAgain(); // days later: a new session
    expect(await t.services.alerts.detect()).toBe(0);
    expect(await warnings()).toHaveLength(1);
    // One compact banner on the dashboard; the warning itself on the alerts page.
    const dashboard = await analyst.get('/dashboard');
    expect(dashboard.text).toContain(
      '1 open early warning – <a class="govuk-notification-banner__link" href="/dashboard/alerts">review</a>',
    );
    const page = await analyst.get('/dashboard/alerts');
    expect(within(page, 'main')).toContain(
      '4 deaths between 1 March 2026 and 14 March 2026 involve Opioids / Nitazene',
    );
    const link = /href="(\/ccsu\/records\?alert=\d+)"/.exec(page.text)![1]!;
    const records = await analyst.get(link);
    expect(within(records, '.govuk-inset-text')).toContain('early warning about Opioids / Nitazene');
    expect(within(records, 'main')).toContain('4 records match');
  });

  it('when three deaths with the same substance spread over 15 days then nothing fires', async () => {
    await death('2026-03-01', ['xylazine'], 'dacorum');
    await death('2026-03-08', ['xylazine'], 'dacorum');
    await death('2026-03-15', ['xylazine'], 'dacorum');
    expect(await t.services.alerts.detect()).toBe(0);
    expect(await warnings()).toHaveLength(1);
  });

  it('when the alert is acknowledged then the banner goes and the acknowledgement is audited', async () => {
    const page = await analyst.get('/dashboard/alerts');
    const id = /name="alert" value="(\d+)"/.exec(page.text)![1]!;
    const response = await analyst.submit(
      '/dashboard/alerts/acknowledge',
      { alert: id },
      '/dashboard/alerts',
    );
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/dashboard/alerts');
    expect(within(await analyst.get('/dashboard/alerts'), 'main')).toContain(
      'There are no open early warnings.',
    );
    expect((await analyst.get('/dashboard')).text).not.toContain('open early warning');
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'early_warning_acknowledged')
      .execute();
    expect(audit).toHaveLength(1);
  });

  it('when an admin changes the early-warning settings then they are checked and used', async () => {
    const admin = await signedInAs(t, 'ccsu_admin');
    const form = settingsForm();
    const refused = await admin.submit('/admin/settings', { ...form, windowDays: '0' });
    expect(refused.status).toBe(400);
    expect(within(refused, '.govuk-error-summary')).toContain('Days in a window must be 1 or more');
    expect(within(refused, '.govuk-error-summary')).toContain('Choose at least one substance of concern');
    const saved = await admin.submit('/admin/settings', {
      ...form,
      concerns: ['substance:xylazine'],
      windowDays: '15',
    });
    expect(saved.status).toBe(302);
    // With a 15-day window the xylazine deaths of 1, 8 and 15 March are now a cluster.
    expect(await t.services.alerts.detect()).toBe(1);
    const sent = await warnings();
    expect(sent.at(-1)!.subject).toBe('Early warning: more deaths involving Xylazine than expected');
    expect(sent.at(-1)!.to_addresses).toEqual(['alerts@ccsu.test']);
  });

  it('when a partner looks at the dashboard then no alert is shown and they cannot acknowledge one', async () => {
    const partner = await signedInAs(t, 'partner', org.id);
    expect((await partner.get('/dashboard')).text).not.toContain('Early warning');
    const refused = await partner.submit('/dashboard/alerts/1/acknowledge', {}, '/dashboard');
    expect(refused.status).toBe(403);
  });
});

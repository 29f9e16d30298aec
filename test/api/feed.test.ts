// The Power BI feed: tokens issued by an admin (shown once, hashed), scopes, expiry and revocation;
// JSON and CSV that agree with the dashboard; `aggregates` tokens get disclosure-controlled counts.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { createTestApp, nullMailer, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { createApp } from '../../src/app.js';
import { createServices } from '../../src/services.js';
import { loadFixture, tableOf } from '../dashboard/fixture.js';
import { within, valueOf } from '../helpers/within.js';

let t: TestApp;
let admin: Agent;
let aggregates: string;
let records: string;

async function issue(name: string, scope: string, days = '90'): Promise<string> {
  const page = await admin.submit('/admin/api-tokens', { name, scope, days });
  expect(page.status).toBe(200);
  const token = valueOf(page, '#token');
  expect(token).toMatch(/^drd_/);
  return token;
}

const feed = (path: string, token?: string) => {
  const call = request(t.app).get(`/api/v1${path}`);
  return token ? call.set('Authorization', `Bearer ${token}`) : call;
};

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  await loadFixture(t);
  admin = await signedInAs(t, 'ccsu_admin');
  aggregates = await issue('Partnership Power BI', 'aggregates');
  records = await issue('CCSU analysis', 'records');
});
afterAll(() => t.close());

const range = 'from=2026-01&to=2026-03';

describe('tokens', () => {
  it('when a token is issued then only its hash is stored and the admin list shows it without the token', async () => {
    const stored = await t.db.selectFrom('api_tokens').select(['name', 'token_hash', 'scope']).execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(aggregates);
    expect(JSON.stringify(stored)).not.toContain(aggregates.slice(4));
    const list = await admin.get('/admin/api-tokens');
    expect(within(list, 'main')).toContain('Partnership Power BI');
    expect(list.text).not.toContain(aggregates);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'api_token_issued')
      .execute();
    expect(audit).toHaveLength(2);
  });

  it('when the issue form is incomplete then the errors are shown by the fields', async () => {
    const page = await admin.submit('/admin/api-tokens', { name: '' });
    expect(page.status).toBe(400);
    expect(within(page, '.govuk-error-summary')).toContain(
      'Enter a name that says who or what uses the token',
    );
    expect(within(page, '.govuk-error-summary')).toContain('Choose what the token can do');
  });

  it('when the token is missing, wrong, revoked or expired then 401; wrong scope then 403', async () => {
    expect((await feed('/aggregates/cases.json')).status).toBe(401);
    expect((await feed('/aggregates/cases.json', 'drd_not-a-real-token')).status).toBe(401);
    expect((await feed('/cases.json', aggregates)).status).toBe(403);
    const doomed = await issue('Old laptop', 'records');
    expect((await feed('/cases.json', doomed)).status).toBe(200);
    const row = await t.db
      .selectFrom('api_tokens')
      .select('id')
      .where('name', '=', 'Old laptop')
      .executeTakeFirstOrThrow();
    await admin.submit(`/admin/api-tokens/${row.id}/revoke`, {}, '/admin/api-tokens');
    const revoked = await feed('/cases.json', doomed);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('This API token has been revoked');
    const shortLived = await issue('Trial', 'aggregates', '30');
    t.clock.set(new Date('2026-05-21T10:00:00Z'));
    try {
      expect((await feed('/aggregates/cases.json', shortLived)).body.error).toBe(
        'This API token has expired',
      );
      expect((await feed('/aggregates/cases.json', aggregates)).status).toBe(200);
    } finally {
      t.clock.set(new Date('2026-04-20T10:00:00Z'));
    }
  });

  it('when a partner or analyst asks for the token pages then they are refused', async () => {
    const analyst = await signedInAs(t, 'ccsu_analyst');
    expect((await analyst.get('/admin/api-tokens')).status).toBe(403);
  });
});

describe('feed contents', () => {
  it('when a records token reads the aggregates then the counts match the dashboard exactly', async () => {
    const response = await feed(`/aggregates/cases.json?${range}`, records);
    expect(response.status).toBe(200);
    const rows = response.body as { substance_group: string; residence_area: string; cases: number }[];
    const depressants = rows
      .filter((r) => r.substance_group === 'depressants')
      .reduce((a, r) => a + r.cases, 0);
    const analyst = await signedInAs(t, 'ccsu_analyst');
    const dashboard = tableOf(
      (await analyst.get(`/dashboard/substances?${range}`)).text,
      'substance_group-table',
    );
    expect(String(depressants)).toBe(dashboard['Depressants (including alcohol)']![0]);
    expect(rows).toContainEqual({
      death_month: '2026-03',
      residence_area: 'watford',
      residence_area_gss: 'E07000103',
      death_classification: 'suspected_drug',
      substance_group: 'stimulants',
      cases: 9,
    });
  });

  it('when an aggregates token reads them then no count from 1 to 7 appears and others are rounded', async () => {
    const response = await feed(`/aggregates/cases.json?${range}`, aggregates);
    const values = (response.body as { cases: string }[]).map((r) => r.cases);
    expect(values).toContain('10');
    for (const v of values)
      expect(v === '*' || (Number(v) % 5 === 0 && (Number(v) === 0 || Number(v) > 7))).toBe(true);
  });

  it('when CSV is asked for then it parses, with one row per case and no linkage keys', async () => {
    const response = await feed(`/cases.csv?${range}`, records);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    const rows = parse(response.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(12);
    expect(Object.keys(rows[0]!)).not.toContain('match_key_nhs');
    expect(response.text).not.toContain('k-a');
    const audited = await t.db
      .selectFrom('audit_log')
      .select(['actor', 'detail'])
      .where('action', '=', 'feed_read')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audited.actor).toContain('CCSU analysis');
    expect(audited.detail).toMatchObject({
      path: '/cases.csv',
      scope: 'records',
      filters: { from: '2026-01' },
    });
    const shared = rows.find((r) => r.report_count === '3')!;
    expect(shared).toMatchObject({
      death_classification: 'drug_poisoning',
      evidence_stage: 'inquest_concluded',
      substances: 'heroin_morphine;alcohol',
      reported_by_organisation_types: 'acute_hospital;coroner;drug_alcohol_treatment',
    });
    const compliance = await feed(`/aggregates/compliance.csv?${range}`, aggregates);
    const returns = parse(compliance.text.replace(/^\uFEFF/, ''), { columns: true }) as Record<
      string,
      string
    >[];
    expect(
      returns
        .filter((r) => r.period === '2026-03')
        .map((r) => r.status)
        .sort(),
    ).toEqual(['submitted', 'submitted', 'submitted']);
  });

  it('when the filters are not valid then 400 says which', async () => {
    const response = await feed('/aggregates/cases.json?from=March', aggregates);
    expect(response.status).toBe(400);
    expect(response.body.problems[0].field).toBe('from');
  });
});

describe('rate limit', () => {
  it('when a client calls more than 120 times a minute across two app instances then it is told to slow down', async () => {
    const limited = await createTestApp({ now: '2026-04-20T10:00:00Z' });
    // A second instance on the same database: the count is shared, not per process.
    const deps = { config: limited.config, db: limited.db, clock: limited.clock, mailer: nullMailer };
    const second = createApp(deps, createServices(deps));
    try {
      for (let i = 0; i < 60; i += 1) await request(limited.app).get('/api/v1/cases.json');
      let last = 0;
      for (let i = 0; i < 61; i += 1) last = (await request(second).get('/api/v1/cases.json')).status;
      expect(last).toBe(429);
      limited.clock.advance(61_000); // a new minute
      expect((await request(second).get('/api/v1/cases.json')).status).toBe(401);
    } finally {
      await limited.close();
    }
  });
});

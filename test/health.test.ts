import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApp, type TestApp } from './helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('/health', () => {
  it('when the database is up and migrated then it says so, with the outbox backlog', async () => {
    await t.db
      .insertInto('outbox')
      .values({
        idempotency_key: 'k1',
        to_addresses: ['a@b.test'],
        subject: 's',
        text: 't',
        html: 'h',
        next_attempt_at: new Date(),
      })
      .execute();
    const response = await request(t.app).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'ok', migrations: 'current', outboxPending: 1 });
  });

  it('when a page is served then security headers forbid inline script and framing', async () => {
    const response = await request(t.app).get('/sign-in');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.text).not.toMatch(/<script(?![^>]*src=)/); // no inline script anywhere
  });

  it('when a page does not exist then a plain 404 page is shown', async () => {
    const response = await request(t.app).get('/no-such-page');
    expect(response.status).toBe(404);
    expect(response.text).toContain('Page not found');
  });
});

describe('the audit viewer', () => {
  it('when an admin filters by action and user then only those entries show, and the CSV matches', async () => {
    const { createUser, signedIn } = await import('./helpers/app.js');
    const admin = await createUser(t, 'ccsu_admin');
    const analyst = await createUser(t, 'ccsu_analyst');
    await signedIn(t, analyst);
    const agent = await signedIn(t, admin);
    const page = await agent.get(`/admin/audit?action=sign_in&actor=${encodeURIComponent(analyst.email)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(analyst.email);
    expect(page.text).not.toContain(`<td class="govuk-table__cell">${admin.email}</td>`);
    const csv = await agent.get(`/admin/audit.csv?action=sign_in&actor=${encodeURIComponent(analyst.email)}`);
    const lines = csv.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(analyst.email);
    const analystAgent = await signedIn(t, analyst);
    expect((await analystAgent.get('/admin/audit')).status).toBe(403);
    expect((await analystAgent.get('/admin/audit.csv')).status).toBe(403);
  });
});

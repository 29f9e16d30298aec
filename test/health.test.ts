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

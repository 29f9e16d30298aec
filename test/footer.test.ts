// Every page's footer: the accessibility statement and a feedback link to the configured address.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createTestApp, type TestApp } from './helpers/app.js';
import { within } from './helpers/within.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { FEEDBACK_EMAIL: 'drd-feedback@example.test' } });
});
afterAll(() => t.close());

describe('the footer', () => {
  it('when any page is opened then its footer links to the accessibility statement and to feedback', async () => {
    const page = await request(t.app).get('/sign-in');
    const footer = page.text.slice(page.text.indexOf('<footer'));
    expect(footer).toContain(
      '<a class="govuk-footer__link" href="/accessibility">Accessibility statement</a>',
    );
    expect(footer).toMatch(/href="mailto:drd-feedback@example\.test\?subject=[^"]+">Feedback</);
  });

  it('when the accessibility statement is opened without signing in then it says how to report a problem', async () => {
    const page = await request(t.app).get('/accessibility');
    expect(page.status).toBe(200);
    expect(page.text).toContain(
      '<h1 class="govuk-heading-l">Accessibility statement for the drug-related deaths return</h1>',
    );
    expect(page.text).toContain('href="mailto:drd-feedback@example.test">drd-feedback@example.test</a>');
  });

  it('when the privacy page is opened without signing in then it lists every cookie the service sets', async () => {
    const page = await request(t.app).get('/privacy');
    expect(page.status).toBe(200);
    const footer = (await request(t.app).get('/sign-in')).text;
    expect(footer).toContain('<a class="govuk-footer__link" href="/privacy">Privacy and cookies</a>');
    for (const cookie of ['drd.sid', 'drd.form', 'drd.remember'])
      expect(page.text).toContain(`<code>${cookie}</code>`);
    expect(within(page, 'main')).toContain('no analytics, advertising or tracking cookies');
  });
});

// A return filled by a large upload: its pages show the records a page at a time, with the totals.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createOrganisation, createTestApp, type Agent, type TestApp, signedInAs } from '../helpers/app.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let partner: Agent;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  const org = await createOrganisation(t, { name: 'Large Return Org', code: 'LRO', active_from: '2026-01' });
  partner = await signedInAs(t, 'partner', org.id);
  const ret = await t.db
    .insertInto('returns')
    .values({ organisation_id: org.id, period: '2026-03' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await sql`
    insert into records (organisation_id, return_id, partner_record_ref, completeness_problems, created_at, updated_at)
    select ${org.id}, ${ret.id}, 'BIG-' || n, case when n % 1000 = 0 then 2 else 0 end, now(), now()
    from generate_series(1, 50000) n`.execute(t.db);
});
afterAll(() => t.close());

describe('a return with 50,000 records', () => {
  it('when the return page is opened then it shows one page of deaths and links to the next', async () => {
    const page = await partner.get('/returns/2026-03');
    expect(page.status).toBe(200);
    expect(page.text.length).toBeLessThan(200_000);
    expect(page.text).toContain('BIG-50<');
    expect(page.text).not.toContain('BIG-51<');
    // GOV.UK pagination: this page marked current, the next and the last a link away.
    expect(within(page, 'nav[aria-label="Pages of deaths"] [aria-current="page"]')).toBe('1');
    expect(within(page, 'nav[aria-label="Pages of deaths"] .govuk-pagination__list')).toBe('1 2 ⋯ 1000');
    const last = await partner.get('/returns/2026-03?page=1000');
    expect(last.text).toContain('BIG-50000<');
  });

  it('when the check page is opened then it counts every death and every record to fix, on one page of them', async () => {
    const page = await partner.get('/returns/2026-03/check');
    expect(page.status).toBe(200);
    // One page of 50 deaths, each a summary card with its key answers and a Change link to each.
    expect(page.text.length).toBeLessThan(300_000);
    expect(within(page, 'main')).toContain('50000 deaths reported (page 1 of 1000)');
    expect(within(page, '.govuk-warning-text')).toContain(
      'Fix the 50 deaths marked ‘to fix’ before you submit',
    );
  });
});

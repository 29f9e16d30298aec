// Data-quality queries: raised by an analyst, answered by the partner, closed; emailed and audited.
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  addCompleteRecord,
  createOrganisation,
  createTestApp,
  createUser,
  signedIn,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import type { User } from '../../src/db/types.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let partner: Agent;
let otherPartner: Agent;
let analyst: Agent;
let analystUser: User;
let recordId: number;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-20T10:00:00Z' });
  const org = await createOrganisation(t, {
    name: 'Asked Org',
    code: 'ASK',
    return_contacts: ['returns@ask.test'],
  });
  const other = await createOrganisation(t, { name: 'Other Org', code: 'OTH' });
  partner = await signedInAs(t, 'partner', org.id);
  otherPartner = await signedInAs(t, 'partner', other.id);
  analystUser = await createUser(t, 'ccsu_analyst');
  analyst = await signedIn(t, analystUser);
  recordId = await addCompleteRecord(partner, '2026-03', 'ASK-1');
  await partner.submit('/returns/2026-03/submit', { declaration: 'yes' }, '/returns/2026-03/check');
});
afterAll(() => t.close());

describe('data-quality queries', () => {
  let queryId: number;

  it('when an analyst asks without a question then the form says so', async () => {
    const response = await analyst.submit(
      `/ccsu/records/${recordId}/queries`,
      { field: 'age_at_death', question: '' },
      `/ccsu/records/${recordId}`,
    );
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain('Enter your question');
  });

  it('when an analyst raises a query then the partner is emailed and sees it on their returns page', async () => {
    const response = await analyst.submit(
      `/ccsu/records/${recordId}/queries`,
      { field: 'age_at_death', question: 'Is 41 the age at death or at referral?' },
      `/ccsu/records/${recordId}`,
    );
    expect(response.status).toBe(302);
    const query = await t.db.selectFrom('queries').selectAll().executeTakeFirstOrThrow();
    queryId = query.id;
    expect(query).toMatchObject({ status: 'open', field: 'age_at_death' });
    const email = (await t.db.selectFrom('outbox').selectAll().execute()).find(
      (m) => m.idempotency_key === `query:${queryId}:raised`,
    )!;
    expect(email.to_addresses).toEqual(['returns@ask.test']);
    expect(email.text).toContain(`http://drd.test/returns/queries/${queryId}`);
    const list = await partner.get('/returns');
    expect(within(list, '.govuk-notification-banner')).toContain('Answer the question about ASK-1');
  });

  it('when another organisation’s partner tries the query then it does not exist for them', async () => {
    expect((await otherPartner.get(`/returns/queries/${queryId}`)).status).toBe(404);
    expect((await otherPartner.get('/returns')).text).not.toContain('ASK-1');
    const response = await otherPartner.submit(
      `/returns/queries/${queryId}`,
      { answer: 'hijack' },
      '/returns',
    );
    expect(response.status).toBe(404);
  });

  it('when the partner answers then the analyst is emailed, and closing it is audited', async () => {
    const answered = await partner.submit(`/returns/queries/${queryId}`, {
      answer: 'Age at death, confirmed by the coroner',
    });
    expect(answered.status).toBe(302);
    const email = (await t.db.selectFrom('outbox').selectAll().execute()).find((m) =>
      m.idempotency_key.startsWith(`query:${queryId}:answered`),
    )!;
    expect(email.to_addresses).toEqual([analystUser.email]);
    expect(within(await analyst.get('/ccsu/queries'), 'main')).toContain(
      'Age at death, confirmed by the coroner',
    );
    expect((await analyst.submit(`/ccsu/queries/${queryId}/close`, {}, '/ccsu/queries')).status).toBe(302);
    // Closed again (another analyst, another tab): it says so; one audit entry.
    const again = await analyst.submit(`/ccsu/queries/${queryId}/close`, {}, '/ccsu/queries');
    expect(again.status).toBe(302);
    expect(within(await analyst.get('/ccsu/queries'), '.govuk-notification-banner')).toContain(
      'Query was already closed',
    );
    const actions = (
      await t.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity', '=', 'query')
        .orderBy('id')
        .execute()
    ).map((a) => a.action);
    expect(actions).toEqual(['query_raised', 'query_answered', 'query_closed']);
    expect((await partner.get('/returns')).text).not.toContain('Answer the question about ASK-1');
  });

  it('when CCSU closes a question while the partner is writing then their answer is not lost: it comes back in the box, with why', async () => {
    // The question was answered and closed above; the partner's page was opened before that.
    const late = await partner.submit(
      `/returns/queries/${queryId}`,
      { answer: 'Also: the date of death was the 3rd' },
      '/returns',
    );
    expect(late.status).toBe(409);
    expect(within(late, '.govuk-error-summary')).toContain(
      'closed this question while you were answering it',
    );
    expect(cheerio.load(late.text)('textarea#answer').val()).toBe('Also: the date of death was the 3rd');
    const row = await t.db
      .selectFrom('queries')
      .select('answer')
      .where('id', '=', queryId)
      .executeTakeFirstOrThrow();
    expect(row.answer).toBe('Age at death, confirmed by the coroner');
  });
});

// Data-sharing agreements: CCSU publishes a version; until the organisation's return lead accepts the
// version in force, its partners can draft but not submit (by page, nil return or email link); a new
// version asks again; CCSU sees who accepted which version.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
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
import type { Organisation, User } from '../../src/db/types.js';

let t: TestApp;
let org: Organisation;
let admin: Agent;
let lead: User;
let leadAgent: Agent;
let colleague: Agent;

const publish = (version: string, day: string, extra: Record<string, string> = {}) =>
  admin.submit('/admin/agreements/new', {
    version,
    title: 'Hertfordshire drug-related deaths data-sharing agreement',
    body: 'The partners share pseudonymised information about drug-related deaths for surveillance.',
    link: '',
    'effective_from-day': day,
    'effective_from-month': '4',
    'effective_from-year': '2026',
    ...extra,
  });

const accept = (agent: Agent, form: Record<string, string> = {}) =>
  agent.submit('/organisation/agreement', {
    accepter_name: 'Sam Carter',
    job_title: 'Service manager',
    confirm: 'yes',
    ...form,
  });

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-10T10:00:00Z' }); // March returns open
  org = await createOrganisation(t, { name: 'Herts Treatment', code: 'HTR' });
  admin = await signedInAs(t, 'ccsu_admin');
  lead = await createUser(t, 'partner', org.id);
  await admin.submit(`/admin/users/${lead.id}/return-lead`, { return_lead: 'yes' }, '/admin/users');
  leadAgent = await signedIn(t, lead);
  colleague = await signedInAs(t, 'partner', org.id);
});
afterAll(() => t.close());

describe('publishing', () => {
  it('when the form lacks both text and link, or the date is wrong, then each error is by its field', async () => {
    const page = await publish('1.0', '31', { body: '', 'effective_from-month': '2' });
    expect(page.status).toBe(400);
    const $ = cheerio.load(page.text);
    expect($('#body-error').text()).toContain('Enter the agreement’s text or a link to the signed document');
    expect(await t.db.selectFrom('agreements').selectAll().execute()).toHaveLength(0);
  });

  it('when no agreement is in force then partners are not asked to accept one', async () => {
    const $ = cheerio.load((await colleague.get('/returns/2026-03')).text);
    expect($('#agreement-needed').length).toBe(0);
  });

  it('when version 1.0 is published then the audit records it and a second 1.0 is refused', async () => {
    expect((await publish('1.0', '1')).headers.location).toBe('/admin/agreements');
    const again = await publish('1.0', '2');
    expect(cheerio.load(again.text)('#version-error').text()).toContain(
      'Version 1.0 has already been published',
    );
    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'agreement_published')
      .execute();
    expect(audit).toHaveLength(1);
  });
});

describe('until the organisation accepts', () => {
  it('when a colleague drafts a death then it saves, but check and nil pages say why it cannot be submitted and who can accept', async () => {
    await addCompleteRecord(colleague, '2026-03', 'HTR-1');
    const check = cheerio.load((await colleague.get('/returns/2026-03/check')).text);
    expect(check('#agreement-needed').text()).toContain(
      'Herts Treatment must accept the data-sharing agreement (version 1.0) before it can submit returns',
    );
    expect(check('main').text()).toContain(`Your organisation’s return lead (${lead.email}) can accept it`);
    expect(check('button:contains("Submit return")').length).toBe(0);
    const refused = await colleague.submit(
      '/returns/2026-03/submit',
      { declaration: 'yes' },
      '/returns/2026-03',
    );
    expect(refused.status).toBe(409);
    expect(cheerio.load(refused.text)('.govuk-error-summary').text()).toContain(
      'Your organisation must accept the data-sharing agreement before it can submit',
    );
    const ret = await t.db.selectFrom('returns').select('state').executeTakeFirstOrThrow();
    expect(ret.state).toBe('in_progress'); // saved, not submitted
  });

  it('when a partner who is not the return lead tries to accept then it is refused', async () => {
    const page = cheerio.load((await colleague.get('/organisation/agreement')).text);
    expect(page('form[action="/organisation/agreement"]').length).toBe(0);
    expect((await accept(colleague)).status).toBe(403);
    expect(await t.db.selectFrom('agreement_acceptances').selectAll().execute()).toHaveLength(0);
  });

  it('when the return lead leaves out the confirmation then the error is by the box and nothing is stored', async () => {
    const page = await accept(leadAgent, { confirm: '' });
    expect(page.status).toBe(400);
    expect(cheerio.load(page.text)('#confirm-error').text()).toContain(
      'Confirm that you accept the agreement',
    );
    expect(await t.db.selectFrom('agreement_acceptances').selectAll().execute()).toHaveLength(0);
  });
});

describe('once the return lead accepts', () => {
  it('when the lead accepts then it is stored with name, job title, time and version, and the return can be submitted', async () => {
    const accepted = await accept(leadAgent);
    expect([
      accepted.status,
      accepted.headers.location,
      cheerio.load(accepted.text)('.govuk-error-summary').text(),
    ]).toEqual([302, '/organisation', '']);
    const row = await t.db.selectFrom('agreement_acceptances').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      organisation_id: org.id,
      user_id: lead.id,
      accepter_name: 'Sam Carter',
      job_title: 'Service manager',
    });
    const submitted = await colleague.submit(
      '/returns/2026-03/submit',
      { declaration: 'yes' },
      '/returns/2026-03/check',
    );
    expect(submitted.status).toBe(302);
    const overview = cheerio.load((await admin.get('/admin/agreements')).text);
    const herts = overview('tr').filter((_i, el) => overview(el).find('th').text() === 'Herts Treatment');
    expect(herts.find('td[data-label="Accepted by"]').text()).toBe('Sam Carter, Service manager');
    expect(overview('main').text()).toContain('1 of 1 organisations have accepted it');
  });

  it('when version 2.0 takes effect then the organisation is asked again, and not before', async () => {
    await publish('2.0', '20');
    expect(cheerio.load((await colleague.get('/returns/2026-03')).text)('#agreement-needed').length).toBe(0);
    t.clock.set(new Date('2026-04-20T09:00:00Z'));
    await colleague.signInAgain();
    expect(cheerio.load((await colleague.get('/returns/2026-03')).text)('#agreement-needed').length).toBe(0); // done
    const yours = cheerio.load((await colleague.get('/organisation')).text);
    expect(yours('main').text()).toContain('has not accepted version 2.0 of the data-sharing agreement');
  });

  it('when an organisation with no return lead owes a nil return then the page says to ask CCSU, and the nil return is refused', async () => {
    const quiet = await createOrganisation(t, { name: 'Quiet Housing', code: 'QHO', type: 'housing' });
    const partner = await signedInAs(t, 'partner', quiet.id);
    const nil = cheerio.load((await partner.get('/returns/2026-03/nil')).text);
    expect(nil('#agreement-needed').text()).toContain('version 2.0');
    expect(nil('main').text()).toContain('Your organisation has no return lead to accept it');
    const refused = await partner.submit('/returns/2026-03/nil', { declaration: 'yes', drafts: '0' });
    expect(refused.status).toBe(409);
    const returns = await t.db
      .selectFrom('returns')
      .select('state')
      .where('organisation_id', '=', quiet.id)
      .execute();
    expect(returns.map((r) => r.state)).not.toContain('nil');
  });
});

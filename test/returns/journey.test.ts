// The partner's journey through a month's return: one question to start, one page per death, a short
// summary after saving, Change links that come back to the check page, and no dead ends.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  completeRecordSections,
  createOrganisation,
  createTestApp,
  type Agent,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import type { Organisation } from '../../src/db/types.js';
import { putSetting } from '../../src/settings/settings.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let org: Organisation;
let agent: Agent;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  org = await createOrganisation(t, { name: 'Journey Treatment', code: 'JRN', active_from: '2026-01' });
  agent = await signedInAs(t, 'partner', org.id);
});
afterAll(() => t.close());

const recordsOf = (period: string) =>
  t.db
    .selectFrom('records')
    .innerJoin('returns', 'returns.id', 'records.return_id')
    .select(['records.partner_record_ref', 'records.record_status', 'records.withdrawn_reason'])
    .where('returns.organisation_id', '=', org.id)
    .where('returns.period', '=', period)
    .orderBy('records.id')
    .execute();

describe('starting a return', () => {
  it('when a partner signs in then they land on the return they owe', async () => {
    const landing = await agent.get('/returns/owed');
    expect(landing.status).toBe(302);
    expect(landing.headers.location).toBe('/returns/2026-03');
  });

  it('when the return is empty then it asks one question with one green button', async () => {
    const page = await agent.get('/returns/2026-03');
    expect(within(page, 'main')).toContain(
      'Did Journey Treatment become aware of any drug- or alcohol-related deaths in March 2026?',
    );
    expect(page.text.match(/class="govuk-button"/g)).toHaveLength(1);
    expect(page.text).not.toContain('govuk-button--secondary');
  });

  it('when neither answer is chosen then the question says so next to it', async () => {
    const response = await agent.submit('/returns/2026-03/start', {});
    expect(response.status).toBe(400);
    expect(response.text).toContain('href="#any_deaths"');
    expect(within(response, '.govuk-error-summary')).toContain(
      'Select yes if your organisation became aware of any deaths this month',
    );
  });

  it('when the answer is yes then the death page opens, and no leads to the nil return', async () => {
    const yes = await agent.submit('/returns/2026-03/start', { any_deaths: 'yes' });
    expect(yes.headers.location).toBe('/returns/2026-03/records/new');
    const no = await agent.submit('/returns/2026-03/start', { any_deaths: 'no' });
    expect(no.headers.location).toBe('/returns/2026-03/nil');
  });
});

describe('a death on one page', () => {
  it('when the death page opens then every required answer is on it, with follow-up questions under the answers that need them', async () => {
    const page = await agent.get('/returns/2026-03/records/new');
    for (const label of [
      'Date of death',
      'Evidence stage',
      'Sex',
      'Substances involved',
      'Drug or alcohol treatment',
    ])
      expect(within(page, 'main')).toContain(label);
    // The inquest conclusion sits under "Inquest concluded"; the other substance's name under "Other".
    expect(page.text).toMatch(
      /data-aria-controls="conditional-evidence_stage-4"[\s\S]*?id="conditional-evidence_stage-4"[\s\S]*?Inquest conclusion/,
    );
    expect(page.text).toMatch(/id="conditional-substances-\d+"[\s\S]*?Name of the other substance/);
    expect(page.text).not.toContain('On opioid substitution therapy');
  });

  it('when a death is saved then a short summary offers to add another or to check and submit', async () => {
    const created = await agent.submit(
      '/returns/2026-03/records/new',
      completeRecordSections('JRN-1').death!,
    );
    expect(created.status).toBe(302);
    expect(created.headers.location).toMatch(/^\/returns\/2026-03\/records\/\d+$/);
    const summary = await agent.get(created.headers.location!);
    expect(within(summary, '.govuk-notification-banner')).toContain('Death JRN-1 saved');
    expect(within(summary, 'main')).toContain('Continue to check and submit');
    expect(within(summary, 'main')).toContain('Add another death');
    expect(within(summary, 'main')).toContain('14 March 2026');
  });

  it('when a follow-up answer is left behind under an answer no longer chosen then it is ignored', async () => {
    const created = await agent.submit('/returns/2026-03/records/new', {
      ...completeRecordSections('JRN-2').death!,
      evidence_stage: 'tox_received',
      inquest_conclusion: 'misadventure',
      substances: ['cocaine'],
      substances_other: 'Xylazine',
    });
    expect(created.status).toBe(302);
    const row = await t.db
      .selectFrom('records')
      .select(['inquest_conclusion', 'substances_other'])
      .where('partner_record_ref', '=', 'JRN-2')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ inquest_conclusion: null, substances_other: null });
  });

  it('when a Change link on the check page is followed then saving comes back to the check page', async () => {
    const check = await agent.get('/returns/2026-03/check');
    const change = /href="(\/returns\/2026-03\/records\/\d+\/death\?return_to=check)#sex"/.exec(
      check.text,
    )![1]!;
    const form = await agent.get(change);
    expect(form.text).toContain('name="return_to" value="check"');
    const id = /records\/(\d+)\//.exec(change)![1];
    const saved = await agent.submit(
      `/returns/2026-03/records/${id}/death`,
      { ...completeRecordSections('JRN-1').death!, sex: 'female', return_to: 'check' },
      change,
    );
    expect(saved.headers.location).toBe('/returns/2026-03/check');
    expect((await agent.get('/returns/2026-03/check')).text).toMatch(/JRN-1[\s\S]*?Female/);
  });
});

describe('no dead ends', () => {
  it('when a nil return is made over draft deaths then they are withdrawn as entered in error, with the nil return', async () => {
    const nilPage = await agent.get('/returns/2026-03/nil');
    expect(within(nilPage, '.govuk-warning-text')).toContain('This return has 2 draft deaths (JRN-1, JRN-2)');
    const response = await agent.submit('/returns/2026-03/nil', { declaration: 'yes', drafts: '2' });
    expect(response.headers.location).toBe('/returns/2026-03/confirmation');
    expect(await recordsOf('2026-03')).toEqual([
      { partner_record_ref: 'JRN-1', record_status: 'withdrawn', withdrawn_reason: 'entered_in_error' },
      { partner_record_ref: 'JRN-2', record_status: 'withdrawn', withdrawn_reason: 'entered_in_error' },
    ]);
    const state = await t.db
      .selectFrom('returns')
      .select('state')
      .where('organisation_id', '=', org.id)
      .where('period', '=', '2026-03')
      .executeTakeFirstOrThrow();
    expect(state.state).toBe('nil');
  });

  it('when a draft was added after the nil page was shown then the nil return is refused and nothing is withdrawn', async () => {
    const february = (ref: string) => ({
      ...completeRecordSections(ref).death!,
      'date_of_death-month': '2',
      'date_partner_aware-month': '2',
    });
    expect((await agent.submit('/returns/2026-02/records/new', february('JRN-FEB-1'))).status).toBe(302);
    const nilPage = await agent.get('/returns/2026-02/nil');
    expect(nilPage.text).toContain('name="drafts" value="1"');
    expect((await agent.submit('/returns/2026-02/records/new', february('JRN-FEB-2'))).status).toBe(302);
    const token = /name="_csrf" value="([^"]+)"/.exec(nilPage.text)![1]!;
    const response = await agent
      .post('/returns/2026-02/nil')
      .type('form')
      .send({ _csrf: token, declaration: 'yes', drafts: '1' });
    expect(response.status).toBe(409);
    expect((await recordsOf('2026-02')).map((r) => r.record_status)).toEqual(['active', 'active']);
  });

  it('when the owed return has been made then signing in lands on the list', async () => {
    const landing = await agent.get('/returns/owed');
    expect(landing.headers.location).toBe('/returns');
  });

  it('when a return is locked then the partner can ask CCSU to reopen it, once a day, and CCSU get the email', async () => {
    await putSetting(t.db, 'ccsuDistributionList', ['ccsu@example.test'], new Date('2026-04-02T10:00:00Z'));
    await t.db
      .updateTable('returns')
      .set({ locked_at: new Date('2026-04-02T09:00:00Z') })
      .where('organisation_id', '=', org.id)
      .where('period', '=', '2026-03')
      .execute();
    const page = await agent.get('/returns/2026-03');
    expect(within(page, 'main')).toContain('Ask CCSU to reopen');

    const refused = await agent.submit('/returns/2026-03/reopen-request', { reason: 'NHS 943 476 5919' });
    expect(refused.status).toBe(400);
    expect(refused.text).not.toContain('943 476 5919');

    const asked = await agent.submit('/returns/2026-03/reopen-request', { reason: 'Toxicology came back' });
    expect(asked.headers.location).toBe('/returns/2026-03');
    expect(within(await agent.get('/returns/2026-03'), '.govuk-notification-banner')).toContain(
      'Your request has been sent',
    );
    const again = await agent.submit('/returns/2026-03/reopen-request', {});
    expect(again.status).toBe(302);
    expect(within(await agent.get('/returns/2026-03'), '.govuk-notification-banner')).toContain(
      'You have already asked today',
    );

    const emails = await t.db
      .selectFrom('outbox')
      .select(['to_addresses', 'subject', 'text'])
      .where('idempotency_key', 'like', 'reopen-request:%')
      .execute();
    expect(emails).toHaveLength(1);
    expect(emails[0]!.to_addresses).toEqual(['ccsu@example.test']);
    expect(emails[0]!.subject).toBe('Request to reopen Journey Treatment’s March 2026 return');
    expect(emails[0]!.text).toContain('Reason: Toxicology came back');
    expect(emails[0]!.text).toContain(`/ccsu/returns/${org.id}/2026-03/reopen`);
  });
});

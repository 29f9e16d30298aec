import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  addCompleteRecord,
  completeRecordSections,
  createOrganisation,
  createTestApp,
  createUser,
  signedIn,
  signedInAs,
  type Agent,
  type TestApp,
} from '../helpers/app.js';
import type { Organisation, User } from '../../src/db/types.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let org: Organisation;
let partner: User;
let agent: Agent;

beforeAll(async () => {
  // 2 April 2026: the March return is open for submission, due on Thursday 16 April (Easter falls in between).
  t = await createTestApp({ now: '2026-04-02T10:00:00Z' });
  org = await createOrganisation(t, {
    name: 'Herts Community Treatment',
    code: 'HCT',
    active_from: '2026-01',
  });
  partner = await createUser(t, 'partner', org.id);
  agent = await signedIn(t, partner);
});

afterAll(() => t.close());

describe('the partner’s returns list', () => {
  it('when a partner signs in then they see every month from active-from with status and deadline', async () => {
    const page = await agent.get('/returns');
    expect(page.status).toBe(200);
    expect(within(page, 'h1')).toContain('Your returns');
    for (const month of ['April 2026', 'March 2026', 'February 2026', 'January 2026'])
      expect(within(page, 'main')).toContain(month);
    expect(page.text).not.toContain('December 2025');
    expect(within(page, 'main')).toContain('16 April 2026'); // March deadline: 10th working day after Easter
    expect(within(page, 'main')).toContain('Overdue'); // January's deadline has passed with nothing submitted
  });
});

describe('making and submitting a return', () => {
  let recordId: number;

  it('when a partner adds a record page by page then each page saves a draft', async () => {
    recordId = await addCompleteRecord(agent, '2026-03', 'HCT-001');
    const row = await t.db
      .selectFrom('records')
      .selectAll()
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      organisation_id: org.id,
      partner_record_ref: 'HCT-001',
      date_of_death: '2026-03-14',
      date_partner_aware: '2026-03-16',
      age_at_death: 41,
      sex: 'male',
      substances: ['heroin_morphine', 'alcohol'],
      record_status: 'active',
    });
    const page = await agent.get('/returns/2026-03');
    expect(within(page, 'main')).toContain('HCT-001');
    expect(within(page, 'main')).toContain('In progress');
    expect(within(page, 'main')).toContain('Continue to check and submit');
  });

  it('when the death page is sent without its required answers then each is asked for there and nothing is saved', async () => {
    const { sex: _sex, substances: _substances, ...partial } = completeRecordSections('HCT-PART-3').death!;
    const response = await agent.submit('/returns/2026-03/records/new', partial);
    expect(response.status).toBe(400);
    expect(response.text).toContain('href="#sex"');
    expect(within(response, '.govuk-error-summary')).toContain('Select the sex');
    expect(within(response, '.govuk-error-summary')).toContain('Select the substances involved');
    expect(response.text).toContain('value="HCT-PART-3"');
    const saved = await t.db
      .selectFrom('records')
      .select('id')
      .where('partner_record_ref', '=', 'HCT-PART-3')
      .execute();
    expect(saved).toEqual([]);
  });

  it('when a death becomes incomplete (an upload, or a rule that changed) then the check page links each problem to its field', async () => {
    const created = await agent.submit('/returns/2026-03/records/new', {
      ...completeRecordSections('HCT-DRAFT-2').death!,
    });
    expect(created.status).toBe(302);
    const id = Number(/records\/(\d+)/.exec(created.headers.location!)![1]);
    // As an upload or an older draft can leave it: no sex recorded.
    await t.db
      .updateTable('records')
      .set({ sex: null, completeness_problems: 1 })
      .where('id', '=', id)
      .execute();
    const page = await agent.get('/returns/2026-03');
    expect(page.text).toMatch(/HCT-DRAFT-2[\s\S]*?Incomplete/);
    const check = await agent.get('/returns/2026-03/check');
    expect(within(check, 'main')).toContain('1 to fix');
    expect(check.text).toContain(`href="/returns/2026-03/records/${id}/death?return_to=check#sex"`);
    expect(check.text).not.toContain('Submit return');
    const record = await agent.get(`/returns/2026-03/records/${id}`);
    expect(within(record, '.govuk-inset-text')).toContain('Select the sex');
    const withdrawn = await agent.submit(`/returns/2026-03/records/${id}/withdraw`, {
      reason: 'entered_in_error',
    });
    expect(withdrawn.status).toBe(302);
    expect(
      await t.db
        .selectFrom('records')
        .select(['record_status', 'withdrawn_reason'])
        .where('id', '=', id)
        .executeTakeFirst(),
    ).toEqual({
      record_status: 'withdrawn',
      withdrawn_reason: 'entered_in_error',
    });
  });

  it('when a page has bad input then the error summary and inline message show and the typed values are kept', async () => {
    const response = await agent.submit(`/returns/2026-03/records/${recordId}/death`, {
      partner_record_ref: 'HCT-001',
      'date_of_death-day': '30',
      'date_of_death-month': '2',
      'date_of_death-year': '2026',
      date_of_death_basis: 'exact',
      'date_partner_aware-day': '16',
      'date_partner_aware-month': '3',
      'date_partner_aware-year': '2026',
      place_of_death_type: 'home',
      death_classification: 'suspected_drug',
      evidence_stage: 'pm_awaiting_tox',
    });
    expect(response.status).toBe(400);
    expect(response.text).toContain('<title>Error: About the death');
    expect(within(response, '.govuk-error-summary')).toContain('There is a problem');
    expect(response.text).toContain('href="#date_of_death-day"');
    expect(within(response, '.govuk-error-summary')).toContain('Date of death must be a real date');
    expect(response.text).toContain('value="30"');
    const row = await t.db
      .selectFrom('records')
      .select('date_of_death')
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow();
    expect(row.date_of_death).toBe('2026-03-14'); // nothing already saved is lost
  });

  it('when the declaration is not ticked then the return is not submitted', async () => {
    const response = await agent.submit('/returns/2026-03/submit', {}, '/returns/2026-03/check');
    expect(response.status).toBe(400);
    expect(within(response, '.govuk-error-summary')).toContain('Select the box to confirm the declaration');
    const row = await t.db
      .selectFrom('returns')
      .select('state')
      .where('period', '=', '2026-03')
      .executeTakeFirstOrThrow();
    expect(row.state).toBe('in_progress');
  });

  it('when the partner submits with the declaration then they get a reference, a receipt and an audit entry', async () => {
    const response = await agent.submit(
      '/returns/2026-03/submit',
      { declaration: 'yes' },
      '/returns/2026-03/check',
    );
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/returns/2026-03/confirmation');
    const confirmation = await agent.get('/returns/2026-03/confirmation');
    expect(within(confirmation, 'h1')).toContain('Return submitted');
    expect(within(confirmation, '.govuk-panel')).toContain('DRD-2026-03-HCT-1');

    const ret = await t.db
      .selectFrom('returns')
      .selectAll()
      .where('period', '=', '2026-03')
      .executeTakeFirstOrThrow();
    expect(ret).toMatchObject({
      state: 'submitted',
      submitted_late: false,
      current_version: 1,
      reference: 'DRD-2026-03-HCT-1',
    });
    // Every record of the return is kept in the submitted version, the withdrawn draft too.
    const versions = await t.db.selectFrom('record_versions').selectAll().orderBy('record_id').execute();
    expect(versions.map((v) => [v.snapshot.partner_record_ref, v.snapshot.record_status])).toEqual([
      ['HCT-001', 'active'],
      ['HCT-DRAFT-2', 'withdrawn'],
    ]);
    expect(versions[0]!.snapshot).toMatchObject({ partner_record_ref: 'HCT-001', age_at_death: 41 });

    const receipt = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', '=', 'receipt:DRD-2026-03-HCT-1')
      .executeTakeFirstOrThrow();
    expect(receipt.to_addresses).toEqual([partner.email, 'returns@org.test']);
    expect(receipt.subject).toContain('March 2026');
    expect(receipt.text).toContain('received on time');

    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'return_submitted')
      .execute();
    expect(audit).toHaveLength(1);
    const list = await agent.get('/returns');
    expect(list.text).toMatch(/March 2026[\s\S]*?Submitted/);
  });

  it('when a return is submitted then its records cannot be changed without an amendment', async () => {
    const response = await agent.submit(
      `/returns/2026-03/records/${recordId}/death`,
      { ...completeRecordSections('HCT-001').death!, age_at_death: '42' },
      `/returns/2026-03/records/${recordId}`,
    );
    expect(response.status).toBe(403);
    const row = await t.db
      .selectFrom('records')
      .select('age_at_death')
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow();
    expect(row.age_at_death).toBe(41);
  });

  it('when a death in a submitted return is withdrawn (a page left open) then it says the return is closed and the death stays', async () => {
    const response = await agent.submit(
      `/returns/2026-03/records/${recordId}/withdraw`,
      { reason: 'entered_in_error' },
      `/returns/2026-03/records/${recordId}`,
    );
    expect(response.status).toBe(409);
    expect(within(response, 'main')).toContain(
      'This return can no longer be changed: it has been submitted or locked.',
    );
    const row = await t.db
      .selectFrom('records')
      .select('record_status')
      .where('id', '=', recordId)
      .executeTakeFirstOrThrow();
    expect(row.record_status).toBe('active');
  });

  it('when the partner amends with a reason then the return reopens and resubmission keeps both versions', async () => {
    const missing = await agent.submit('/returns/2026-03/amend', {});
    expect(missing.status).toBe(400);
    expect(within(missing, '.govuk-error-summary')).toContain('Select why you are amending this return');

    const amend = await agent.submit('/returns/2026-03/amend', { reason: 'toxicology_received' });
    expect(amend.status).toBe(302);
    expect(within(await agent.get('/returns/2026-03'), 'main')).toContain('Amendment in progress');

    const saved = await agent.submit(`/returns/2026-03/records/${recordId}/death`, {
      ...completeRecordSections('HCT-001').death!,
      death_classification: 'drug_poisoning',
      evidence_stage: 'tox_received',
    });
    expect(saved.status).toBe(302);
    const check = await agent.get('/returns/2026-03/check');
    expect(within(check, 'main')).toContain(
      'Changed in this amendment: Classification of the death, Evidence stage.',
    );
    const resubmit = await agent.submit(
      '/returns/2026-03/submit',
      { declaration: 'yes' },
      '/returns/2026-03/check',
    );
    expect(resubmit.status).toBe(302);
    const ret = await t.db
      .selectFrom('returns')
      .selectAll()
      .where('period', '=', '2026-03')
      .executeTakeFirstOrThrow();
    expect(ret).toMatchObject({ state: 'submitted', current_version: 2, reference: 'DRD-2026-03-HCT-2' });
    const submissions = await t.db.selectFrom('return_submissions').selectAll().orderBy('version').execute();
    expect(submissions.map((s) => [s.version, s.kind, s.reason])).toEqual([
      [1, 'submit', null],
      [2, 'amend', 'toxicology_received'],
    ]);
    const snapshots = await t.db
      .selectFrom('record_versions')
      .select('snapshot')
      .where('record_id', '=', recordId)
      .orderBy('id')
      .execute();
    expect(snapshots.map((s) => s.snapshot.evidence_stage)).toEqual(['pm_awaiting_tox', 'tox_received']);
  });

  it('when a period is locked then the partner cannot amend it', async () => {
    await t.db
      .updateTable('returns')
      .set({ locked_at: new Date() })
      .where('period', '=', '2026-03')
      .execute();
    const page = await agent.get('/returns/2026-03');
    expect(page.text).not.toContain('Amend this return');
    const response = await agent.get('/returns/2026-03/amend');
    // Not a "permission" dead end: the return's page says why, and what to do.
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('/returns/2026-03');
    const explained = await agent.get('/returns/2026-03');
    expect(within(explained, '.govuk-notification-banner')).toContain('This return is locked');
    expect(within(explained, '.govuk-notification-banner')).toContain('ask them to reopen your return');
    expect(
      (await agent.submit('/returns/2026-03/amend', { reason: 'correction' }, '/returns/2026-03')).status,
    ).toBe(403);
    await t.db.updateTable('returns').set({ locked_at: null }).where('period', '=', '2026-03').execute();
  });
});

describe('nil returns', () => {
  it('when the partner signs a nil return then it is recorded with who and when', async () => {
    const response = await agent.submit('/returns/2026-02/nil', { declaration: 'yes' });
    expect(response.status).toBe(302);
    const ret = await t.db
      .selectFrom('returns')
      .selectAll()
      .where('period', '=', '2026-02')
      .executeTakeFirstOrThrow();
    // February's deadline (13 March 2026) passed before 2 April: a late nil return.
    expect(ret).toMatchObject({ state: 'nil', submitted_late: true, reference: 'DRD-2026-02-HCT-1' });
    const submission = await t.db
      .selectFrom('return_submissions')
      .selectAll()
      .where('return_id', '=', ret.id)
      .executeTakeFirstOrThrow();
    expect(submission).toMatchObject({ kind: 'nil', signed_by: partner.id, record_count: 0 });
    expect((await agent.get('/returns')).text).toMatch(/February 2026[\s\S]*?Nil return \(late\)/);
  });

  it('when the month has not ended then neither a return nor a nil return can be submitted', async () => {
    const page = await agent.get('/returns/2026-04/nil');
    expect(within(page, '.govuk-inset-text')).toContain('You can make a nil return from Friday 1 May 2026');
    const token = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/returns/2026-04')).text)![1]!;
    const response = await agent
      .post('/returns/2026-04/nil')
      .type('form')
      .send({ declaration: 'yes', _csrf: token });
    expect(response.status).toBe(409);
    expect(
      await t.db.selectFrom('returns').select('state').where('period', '=', '2026-04').executeTakeFirst(),
    ).toBeUndefined();
  });
});

describe('a change made twice', () => {
  it('when a death is restored twice (a second click, another tab) then the second goes back to it as the first did', async () => {
    const other = await createOrganisation(t, { name: 'Twice Clicked', code: 'TWC', active_from: '2026-01' });
    const clicker = await signedInAs(t, 'partner', other.id);
    const id = await addCompleteRecord(clicker, '2026-03', 'TWC-001');
    const page = `/returns/2026-03/records/${id}`;
    await clicker.submit(`${page}/withdraw`, { reason: 'entered_in_error' });
    const first = await clicker.submit(`${page}/restore`, {}, page);
    const second = await clicker.submit(`${page}/restore`, {}, page);
    expect([first.status, second.status]).toEqual([302, 302]);
    expect(second.headers.location).toBe(page);
    const row = await t.db
      .selectFrom('records')
      .select('record_status')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.record_status).toBe('active');
  });
});

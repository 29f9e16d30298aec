// A month of reminders on a fake clock, delivered over real SMTP, and the nil return from the email link.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import {
  addCompleteRecord,
  agentFor,
  createOrganisation,
  createTestApp,
  createUser,
  signedIn,
  type TestApp,
} from '../helpers/app.js';
import { recipientsOf, startSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createMailer } from '../../src/mail/mailer.js';
import { addDays } from '../../src/domain/periods.js';
import type { Organisation } from '../../src/db/types.js';
import { within } from '../helpers/within.js';

let t: TestApp;
let smtp: TestSmtp;
let quiet: Organisation;
let prompt: Organisation;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ now: '2026-03-20T09:00:00Z', mailer: createMailer(smtp.url) });
  await createUser(t, 'ccsu_admin');
  quiet = await createOrganisation(t, {
    name: 'Quiet Partner',
    code: 'QUI',
    active_from: '2026-03',
    return_contacts: ['a@quiet.test', 'b@quiet.test'],
    escalation_contact: 'boss@quiet.test',
  });
  prompt = await createOrganisation(t, {
    name: 'Prompt Partner',
    code: 'PRO',
    active_from: '2026-03',
    return_contacts: ['r@prompt.test'],
    escalation_contact: 'boss@prompt.test',
  });
  await createOrganisation(t, { name: 'Starts Later', code: 'LAT', active_from: '2026-05' });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe('a month of reminders', () => {
  const sentOn: [string, string, string][] = [];

  it('when the clock walks through April then each reminder goes on its working day, once', async () => {
    const promptUser = await createUser(t, 'partner', prompt.id);
    for (let day = '2026-03-30'; day <= '2026-05-08'; day = addDays(day, 1)) {
      t.clock.set(`${day}T08:00:00Z`);
      if (day === '2026-04-14') {
        // Prompt Partner makes a nil return between "due soon" and "due today".
        const agent = await signedIn(t, promptUser);
        expect((await agent.submit('/returns/2026-03/nil', { declaration: 'yes' })).status).toBe(302);
      }
      await t.services.reminders.run();
      await t.services.reminders.run(); // a second run the same day changes nothing
      const rows = await t.db
        .selectFrom('reminders')
        .innerJoin('organisations', 'organisations.id', 'reminders.organisation_id')
        .select(['organisations.code', 'reminders.kind', 'reminders.queued_at', 'reminders.period'])
        .execute();
      for (const row of rows)
        if (!sentOn.some(([, code, kind]) => code === row.code && kind === `${row.period}:${row.kind}`))
          sentOn.push([day, row.code, `${row.period}:${row.kind}`]);
    }
    expect(sentOn.sort()).toEqual(
      [
        ['2026-04-01', 'PRO', '2026-03:return_open'],
        ['2026-04-01', 'QUI', '2026-03:return_open'],
        ['2026-04-13', 'PRO', '2026-03:due_soon'],
        ['2026-04-13', 'QUI', '2026-03:due_soon'],
        ['2026-04-16', 'QUI', '2026-03:due_today'],
        ['2026-04-17', 'QUI', '2026-03:overdue'],
        ['2026-04-23', 'QUI', '2026-03:escalation'],
        ['2026-05-01', 'PRO', '2026-04:return_open'],
        ['2026-05-01', 'QUI', '2026-04:return_open'],
      ].map(([day, code, kind]) => [day, code, kind]) as [string, string, string][],
    );
  });

  it('when the outbox is sent then each recipient gets one email with working links, over SMTP', async () => {
    const result = await t.services.sender.drain();
    expect(result.failed).toBe(0);
    const subjects = smtp.messages.map((m) => `${recipientsOf(m).join(',')}|${m.subject}`);
    expect(subjects.filter((s) => s.startsWith('a@quiet.test|'))).toHaveLength(5); // 4 for March (escalation goes to the manager), 1 for April
    expect(subjects).toContain(
      'a@quiet.test|Overdue: your March 2026 drug-related deaths return was due Thursday 16 April 2026',
    );
    expect(subjects).toContain(
      'boss@quiet.test|Escalation: Quiet Partner has not made its March 2026 drug-related deaths return',
    );
    expect(subjects.some((s) => s.includes('|Escalation: Quiet Partner') && !s.startsWith('boss@'))).toBe(
      true,
    ); // CCSU copy
    expect(subjects.filter((s) => s.startsWith('r@prompt.test|') && s.includes('March 2026'))).toHaveLength(
      2,
    );
    expect(new Set(subjects).size).toBe(subjects.length); // nothing twice

    const mail = smtp.messages.find(
      (m) => recipientsOf(m).includes('b@quiet.test') && m.subject?.startsWith('Reminder'),
    )!;
    expect(mail.text).toContain('Start this return:');
    expect(mail.html).toContain('Make a nil return');
    const start = /(http:\/\/drd\.test\/returns\/2026-03)\s/.exec(mail.text!)![1]!;
    expect((await request(t.app).get(new URL(start).pathname)).headers.location).toBe(
      '/sign-in?returnTo=%2Freturns%2F2026-03',
    );
  });
});

describe('a nil return from the email', () => {
  function nilLinkIn(to: string, subjectStart: string): string {
    const mail = smtp.messages.find(
      (m) => recipientsOf(m).includes(to) && m.subject?.startsWith(subjectStart),
    )!;
    return new URL(/(http:\/\/drd\.test\/nil\/[\w-]+)/.exec(mail.text!)![1]!).pathname;
  }

  it('when a tampered link is opened then a clear page says it is not valid', async () => {
    const page = await request(t.app).get('/nil/not-a-real-token');
    expect(page.status).toBe(410);
    expect(within(page, 'h1')).toContain('This link is not valid');
  });

  it('when the link is opened then nothing changes until the one button is pressed, signed by the recipient', async () => {
    t.clock.set('2026-05-08T10:00:00Z');
    const link = nilLinkIn('b@quiet.test', 'The April 2026');
    const agent = agentFor(t.app);
    const page = await agent.get(link);
    expect(page.status).toBe(200);
    expect(within(page, '.govuk-inset-text')).toContain(
      'I confirm that Quiet Partner became aware of no drug- or alcohol-related deaths in April 2026.',
    );
    expect(
      await t.db
        .selectFrom('returns')
        .selectAll()
        .where('organisation_id', '=', quiet.id)
        .where('period', '=', '2026-04')
        .executeTakeFirst(),
    ).toBeUndefined();

    const done = await agent.submit(link, {});
    expect(done.status).toBe(200);
    expect(within(done, 'h1')).toContain('Nil return submitted');
    expect(within(done, '.govuk-panel')).toContain('DRD-2026-04-QUI-1');
    const submission = await t.db
      .selectFrom('return_submissions')
      .innerJoin('returns', 'returns.id', 'return_submissions.return_id')
      .selectAll('return_submissions')
      .where('returns.organisation_id', '=', quiet.id)
      .where('returns.period', '=', '2026-04')
      .executeTakeFirstOrThrow();
    expect(submission).toMatchObject({ kind: 'nil', signed_by: null, signed_by_email: 'b@quiet.test' });
    // The link is bound to its organisation: Prompt Partner's April return is untouched.
    expect(
      await t.db
        .selectFrom('returns')
        .select('state')
        .where('organisation_id', '=', prompt.id)
        .where('period', '=', '2026-04')
        .executeTakeFirst(),
    ).toBeUndefined();

    // Used once: the same link, or the other contact's link, now says the return is already in.
    const again = await agent.submit(link, {}, '/sign-in');
    expect(within(again, 'h1')).toContain('This return has already been made');
    const other = await request(t.app).get(nilLinkIn('a@quiet.test', 'The April 2026'));
    expect(within(other, 'h1')).toContain('This return has already been made');
    expect(await t.db.selectFrom('return_submissions').select('id').execute()).toHaveLength(2); // Prompt's March nil and this one
  });

  it('when the return was submitted another way then the March link says so and signs nothing', async () => {
    const link = nilLinkIn('r@prompt.test', 'The March 2026');
    const page = await request(t.app).get(link);
    expect(within(page, 'h1')).toContain('This return has already been made');
  });

  it('when the link is older than 45 days or the month is locked then it no longer works', async () => {
    const march = nilLinkIn('a@quiet.test', 'Overdue');
    await t.db
      .updateTable('returns')
      .set({ locked_at: new Date() })
      .where('organisation_id', '=', quiet.id)
      .where('period', '=', '2026-03')
      .execute();
    await t.db
      .insertInto('returns')
      .values({ organisation_id: quiet.id, period: '2026-03', locked_at: new Date() })
      .onConflict((oc) => oc.columns(['organisation_id', 'period']).doUpdateSet({ locked_at: new Date() }))
      .execute();
    expect(within(await request(t.app).get(march), 'h1')).toContain('This month is closed');
    await t.db
      .updateTable('returns')
      .set({ locked_at: null })
      .where('organisation_id', '=', quiet.id)
      .where('period', '=', '2026-03')
      .execute();
    t.clock.set('2026-06-10T10:00:00Z');
    const expired = await request(t.app).get(march);
    expect(expired.status).toBe(410);
    expect(within(expired, 'h1')).toContain('This link has expired');
  });

  it('when a record is in the month then the link cannot sign it away as nil', async () => {
    t.clock.set('2026-05-08T10:00:00Z');
    const promptUser = await createUser(t, 'partner', prompt.id);
    const agent = await signedIn(t, promptUser);
    await addCompleteRecord(agent, '2026-04', 'PRO-1');
    const link = nilLinkIn('r@prompt.test', 'The April 2026');
    const page = await request(t.app).get(link);
    expect(within(page, 'h1')).toContain('This return has deaths in it');
    const result = await agentFor(t.app).submit(link, {}, '/sign-in');
    expect(within(result, 'h1')).toContain('This return has deaths in it');
    const state = await t.db
      .selectFrom('returns')
      .select('state')
      .where('organisation_id', '=', prompt.id)
      .where('period', '=', '2026-04')
      .executeTakeFirstOrThrow();
    expect(state.state).toBe('in_progress');
  });
});

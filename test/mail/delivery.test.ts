// Exactly once with several instances, and nothing lost while SMTP is down.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FixedClock } from '../../src/clock.js';
import { createDatabase } from '../../src/db/database.js';
import { createMailer } from '../../src/mail/mailer.js';
import { RemindersService } from '../../src/reminders/service.js';
import { OutboxSender, defaultSenderOptions } from '../../src/mail/sender.js';
import { createOrganisation, createTestApp, type TestApp } from '../helpers/app.js';
import { recipientsOf, startSmtp, type TestSmtp } from '../helpers/smtp.js';

let t: TestApp;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startSmtp();
  t = await createTestApp({ now: '2026-04-17T09:00:00Z' });
  for (let i = 0; i < 30; i += 1)
    await createOrganisation(t, {
      name: `Partner ${i}`,
      code: `P${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`,
      active_from: '2026-01',
      return_contacts: [`one${i}@p.test`, `two${i}@p.test`],
    });
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

describe('two instances at once', () => {
  it('when two schedulers run the same reminders concurrently then each is queued exactly once', async () => {
    const dbUrl = await currentDatabaseUrl();
    const other = createDatabase(dbUrl, { max: 5 });
    const a = new RemindersService(t.db, t.config, t.clock);
    // A second instance: its own connection pool to the same database.
    const b = new RemindersService(other, t.config, new FixedClock(t.clock.now()));
    const counts = await Promise.all([a.run(), b.run(), a.run(), b.run()]);
    // 30 organisations: overdue for March; February and January are long stale and not chased again.
    expect(counts.reduce((x, y) => x + y, 0)).toBe(30);
    const reminders = await t.db
      .selectFrom('reminders')
      .select(['organisation_id', 'period', 'kind'])
      .execute();
    expect(reminders).toHaveLength(30);
    expect(new Set(reminders.map((r) => `${r.organisation_id}:${r.period}:${r.kind}`)).size).toBe(30);
    expect(reminders.every((r) => r.period === '2026-03' && r.kind === 'overdue')).toBe(true);
    expect(await t.db.selectFrom('outbox').select('id').execute()).toHaveLength(60);
    await other.destroy();
  });

  it('when two senders drain the outbox concurrently then every message arrives exactly once', async () => {
    const other = createDatabase(await currentDatabaseUrl(), { max: 5 });
    const options = { ...defaultSenderOptions, from: 'drd@test' };
    const one = new OutboxSender(t.db, createMailer(smtp.url), t.clock, options);
    const two = new OutboxSender(other, createMailer(smtp.url), t.clock, options);
    await Promise.all([one.drain(), two.drain(), one.sendDue(5), two.sendDue(5)]);
    const delivered = smtp.messages.flatMap(recipientsOf);
    expect(delivered).toHaveLength(60);
    expect(new Set(delivered).size).toBe(60);
    const statuses = await t.db.selectFrom('outbox').select('status').execute();
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
    await other.destroy();
  });
});

describe('SMTP down for a while', () => {
  it('when SMTP refuses then messages wait with back-off, and when it recovers each arrives once', async () => {
    smtp.messages.length = 0;
    t.clock.set('2026-04-23T09:00:00Z'); // escalation day: 30 escalations to managers and CCSU
    await t.services.reminders.run();
    const sender = new OutboxSender(t.db, createMailer(smtp.url), t.clock, {
      ...defaultSenderOptions,
      from: 'drd@test',
      baseDelayMs: 60_000,
    });
    smtp.refusing = true;
    const first = await sender.sendDue(200);
    expect(first.sent).toBe(0);
    expect(first.failed).toBeGreaterThan(0);
    const waiting = await t.db.selectFrom('outbox').selectAll().where('status', '=', 'pending').execute();
    expect(waiting.length).toBe(first.failed);
    expect(waiting.every((m) => m.attempts === 1 && m.last_error?.includes('451'))).toBe(true);

    // Not yet due again: nothing is tried before the back-off ends.
    smtp.refusing = false;
    expect((await sender.sendDue(200)).sent).toBe(0);
    t.clock.advance(61_000);
    const after = await sender.drain();
    expect(after.sent).toBe(first.failed);
    expect(smtp.messages).toHaveLength(first.failed);
    expect(new Set(smtp.messages.map((m) => recipientsOf(m).join() + m.subject)).size).toBe(first.failed);
  });

  it('when a message keeps failing then it is marked dead after the last attempt and shown to admins', async () => {
    await t.db
      .insertInto('outbox')
      .values({
        idempotency_key: 'doomed',
        to_addresses: ['x@p.test'],
        subject: 'Doomed',
        text: 't',
        html: 'h',
        next_attempt_at: t.clock.now(),
      })
      .execute();
    const sender = new OutboxSender(t.db, createMailer(smtp.url), t.clock, {
      ...defaultSenderOptions,
      from: 'drd@test',
      maxAttempts: 3,
      baseDelayMs: 1000,
    });
    smtp.refusing = true;
    for (let i = 0; i < 3; i += 1) {
      await sender.sendDue(10);
      t.clock.advance(10_000);
    }
    smtp.refusing = false;
    const doomed = await t.db
      .selectFrom('outbox')
      .selectAll()
      .where('idempotency_key', '=', 'doomed')
      .executeTakeFirstOrThrow();
    expect(doomed).toMatchObject({ status: 'dead', attempts: 3 });
  });

  it('when a sender crashed after claiming then the claim expires and the message is sent later', async () => {
    await t.db
      .insertInto('outbox')
      .values({
        idempotency_key: 'orphan',
        to_addresses: ['orphan@p.test'],
        subject: 'Orphan',
        text: 't',
        html: 'h',
        next_attempt_at: t.clock.now(),
        status: 'sending',
        claimed_until: new Date(t.clock.now().getTime() + 60_000),
      })
      .execute();
    const sender = new OutboxSender(t.db, createMailer(smtp.url), t.clock, {
      ...defaultSenderOptions,
      from: 'drd@test',
    });
    expect((await sender.sendDue(10)).sent).toBe(0);
    t.clock.advance(61_000);
    expect((await sender.sendDue(10)).sent).toBe(1);
    expect(smtp.messages.filter((m) => m.subject === 'Orphan')).toHaveLength(1);
  });
});

async function currentDatabaseUrl(): Promise<string> {
  const { rows } = await (
    await import('kysely')
  ).sql<{ db: string }>`select current_database() as db`.execute(t.db);
  const url = new URL(process.env.DRD_TEST_SERVER_URL!);
  url.pathname = `/${rows[0]!.db}`;
  return url.toString();
}

// Reminder run over 500 organisations × 12 months of returns, drained to a local SMTP sink.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { sql } from 'kysely';
import { FixedClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createMailer } from '../src/mail/mailer.js';
import { RemindersService } from '../src/reminders/service.js';
import { OutboxSender, defaultSenderOptions } from '../src/mail/sender.js';

export async function reminderFigures() {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'drd-bench-rem-'));
  chmodSync(dataDir, 0o755);
  const embedded = await startEmbeddedPostgres(dataDir);
  const db = createDatabase(embedded.url, { max: 10 });
  await migrateToLatest(db);
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  // 23 April 2026: escalation day for March, and April's return has not opened yet.
  const clock = new FixedClock(new Date('2026-04-23T08:00:00Z'));

  await sql`
    insert into organisations (name, code, type, areas, active_from, return_contacts, escalation_contact)
    select 'Bench organisation ' || n, 'B' || n, 'other', '{watford}', '2025-04',
           array['returns' || n || '@bench.test', 'deputy' || n || '@bench.test'], 'manager' || n || '@bench.test'
    from generate_series(1, 500) n`.execute(db);
  // A year of returns: most months submitted, so reminders are only due where a return is missing.
  await sql`
    insert into returns (organisation_id, period, state, current_version)
    select o.id, to_char(date '2025-04-01' + (m || ' month')::interval, 'YYYY-MM'), 'submitted', 1
    from organisations o, generate_series(0, 10) m
    where (o.id + m) % 7 <> 0`.execute(db);
  await sql`insert into users (email, role, status) values ('ccsu@bench.test', 'ccsu_admin', 'active')`.execute(
    db,
  );

  const sink = { count: 0 };
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 200,
    onData(stream, _session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        sink.count += 1;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}?ignoreTLS=true&maxConnections=5`;

  // Two scheduler instances at once, as behind a load balancer.
  const other = createDatabase(embedded.url, { max: 10 });
  const started = performance.now();
  const [a, b] = await Promise.all([
    new RemindersService(db, config, clock).run(),
    new RemindersService(other, config, clock).run(),
  ]);
  const enqueueMs = performance.now() - started;
  const again = await new RemindersService(db, config, clock).run();
  const messages = Number(
    (await sql<{ n: string }>`select count(*) as n from outbox`.execute(db)).rows[0]!.n,
  );
  const distinct = Number(
    (await sql<{ n: string }>`select count(distinct idempotency_key) as n from outbox`.execute(db)).rows[0]!
      .n,
  );

  const mailer = createMailer(smtpUrl);
  const sender = new OutboxSender(db, mailer, clock, { ...defaultSenderOptions, from: 'bench@drd.test' });
  const sendStarted = performance.now();
  const sent = await sender.drain();
  const sendMs = performance.now() - sendStarted;
  mailer.close();

  await other.destroy();
  await db.destroy();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
  await embedded.stop();
  rmSync(dataDir, { recursive: true, force: true });
  return {
    reminders: a + b,
    again,
    enqueueMs,
    messages,
    distinct,
    sent: sent.sent,
    received: sink.count,
    sendMs,
  };
}

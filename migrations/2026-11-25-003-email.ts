import { sql, type Kysely } from 'kysely';

// Email that gets returns in: outbox claiming, reminders sent once each, nil-return links from the
// reminder email, and the CCSU summaries already sent.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('claimed_until', 'timestamptz').execute();

  await db.schema
    .createTable('reminders')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('recipients', sql`text[]`, (c) => c.notNull())
    // Exactly once per organisation, period and kind, however many instances run the scheduler.
    .addUniqueConstraint('reminders_once', ['organisation_id', 'period', 'kind'])
    .execute();

  await db.schema
    .createTable('nil_links')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .execute();

  // A nil return from an email link is signed by the recipient, who may have no account.
  await db.schema
    .alterTable('return_submissions')
    .alterColumn('signed_by', (c) => c.dropNotNull())
    .execute();
  await db.schema.alterTable('return_submissions').addColumn('signed_by_email', 'text').execute();
  await sql`update return_submissions s set signed_by_email = u.email from users u where u.id = s.signed_by`.execute(
    db,
  );

  await db.schema
    .createTable('summaries')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('figures', 'jsonb', (c) => c.notNull())
    .execute();
  await sql`create unique index summaries_scheduled_once on summaries (period) where kind = 'scheduled'`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('summaries').execute();
  await db.schema.alterTable('return_submissions').dropColumn('signed_by_email').execute();
  await db.schema.dropTable('nil_links').execute();
  await db.schema.dropTable('reminders').execute();
  await db.schema.alterTable('outbox').dropColumn('claimed_until').execute();
}

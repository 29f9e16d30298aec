import { sql, type Kysely } from 'kysely';

// Data-sharing agreements (src/agreements/): each published version, and each organisation's acceptance
// of it by its return lead — a partner user the organisation nominates (users.return_lead).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('return_lead', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createTable('agreements')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('version', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('link', 'text')
    .addColumn('effective_from', 'date', (c) => c.notNull())
    .addColumn('published_by', 'text', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('agreement_acceptances')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('agreement_id', 'integer', (c) => c.notNull().references('agreements.id'))
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('accepter_name', 'text', (c) => c.notNull())
    .addColumn('job_title', 'text', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('agreement_acceptances_once', ['agreement_id', 'organisation_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('agreement_acceptances').execute();
  await db.schema.dropTable('agreements').execute();
  await db.schema.alterTable('users').dropColumn('return_lead').execute();
}

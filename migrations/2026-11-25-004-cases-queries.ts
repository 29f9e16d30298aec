import { sql, type Kysely } from 'kysely';

// De-duplication into cases, the near-match review queue, and data-quality queries.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create sequence case_ids`.execute(db);
  await db.schema.alterTable('records').addColumn('case_id', 'integer').execute();
  await db.schema.createIndex('records_case').on('records').column('case_id').execute();
  // Near-match lookups: same sex and area, date of death within days.
  await db.schema
    .createIndex('records_near_match')
    .on('records')
    .columns(['residence_area', 'sex', 'date_of_death'])
    .execute();

  await db.schema
    .createTable('candidate_pairs')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('record_a', 'integer', (c) => c.notNull().references('records.id'))
    .addColumn('record_b', 'integer', (c) => c.notNull().references('records.id'))
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('reason', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('candidate_pairs_once', ['record_a', 'record_b'])
    .addCheckConstraint('candidate_pairs_order', sql`record_a < record_b`)
    .execute();
  await db.schema.createIndex('candidate_pairs_status').on('candidate_pairs').column('status').execute();

  await db.schema
    .createTable('queries')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('record_id', 'integer', (c) => c.notNull().references('records.id'))
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('open'))
    .addColumn('raised_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
    .addColumn('answered_by', 'integer', (c) => c.references('users.id'))
    .addColumn('answered_at', 'timestamptz')
    .addColumn('closed_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('queries_org_status')
    .on('queries')
    .columns(['organisation_id', 'status'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('queries').execute();
  await db.schema.dropTable('candidate_pairs').execute();
  await db.schema.alterTable('records').dropColumn('case_id').execute();
  await sql`drop sequence case_ids`.execute(db);
}

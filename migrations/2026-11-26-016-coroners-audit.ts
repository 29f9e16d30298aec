import { sql, type Kysely } from 'kysely';

// The Coroners Audit (src/coroners/): one row per inquest the coroner's office reviews, loaded by CCSU
// from CSV files. Identifiers in a file become the same HMAC match keys partner records carry and are
// then forgotten; an inquest links to the case whose records share a key, or to the record an analyst
// confirmed as the same death (audit_decisions, reversible). Links are worked out when read, so they
// follow cases as they merge.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_loads')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('extracted_on', 'date', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('added', 'integer', (c) => c.notNull())
    .addColumn('updated', 'integer', (c) => c.notNull())
    .addColumn('loaded_by', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('audit_inquests')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('inquest_ref', 'text', (c) => c.notNull().unique())
    .addColumn('load_id', 'integer', (c) => c.notNull().references('audit_loads.id'))
    .addColumn('date_of_death', 'date', (c) => c.notNull())
    .addColumn('inquest_date', 'date')
    .addColumn('conclusion', 'text', (c) => c.notNull())
    .addColumn('drug_related', 'boolean', (c) => c.notNull())
    .addColumn('alcohol_related', 'boolean', (c) => c.notNull())
    .addColumn('substances', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('age_at_death', 'integer')
    .addColumn('sex', 'text')
    .addColumn('residence_area', 'text')
    .addColumn('match_key_nhs', 'text')
    .addColumn('match_key_demo', 'text')
    .execute();
  await db.schema.createIndex('audit_inquests_nhs').on('audit_inquests').column('match_key_nhs').execute();
  await db.schema.createIndex('audit_inquests_demo').on('audit_inquests').column('match_key_demo').execute();
  await db.schema.createIndex('audit_inquests_death').on('audit_inquests').column('date_of_death').execute();
  await db.schema
    .createTable('audit_decisions')
    .addColumn('inquest_id', 'integer', (c) =>
      c.notNull().references('audit_inquests.id').onDelete('cascade'),
    )
    .addColumn('record_id', 'integer', (c) => c.notNull().references('records.id').onDelete('cascade'))
    .addColumn('same', 'boolean', (c) => c.notNull())
    .addColumn('decided_by', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('audit_decisions_pk', ['inquest_id', 'record_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('audit_decisions').execute();
  await db.schema.dropTable('audit_inquests').execute();
  await db.schema.dropTable('audit_loads').execute();
}

import { sql, type Kysely } from 'kysely';

// The partnership dashboard: one row per case describing it by its best-evidenced record (refreshed in
// the transaction that changes the case, so dashboards never rank a million records per request),
// API tokens for the Power BI feed, and early-warning clusters.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('case_facts')
    .addColumn('case_id', 'integer', (c) => c.primaryKey())
    .addColumn('best_record_id', 'integer', (c) => c.notNull())
    .addColumn('date_of_death', 'date')
    .addColumn('death_month', 'text')
    .addColumn('reported_month', 'text')
    .addColumn('residence_area', 'text')
    .addColumn('death_classification', 'text')
    .addColumn('evidence_stage', 'text')
    .addColumn('age_band', 'text', (c) => c.notNull())
    .addColumn('sex', 'text')
    .addColumn('place_of_death_type', 'text')
    .addColumn('substances', sql`text[]`, (c) => c.notNull())
    .addColumn('substance_groups', sql`text[]`, (c) => c.notNull())
    .addColumn('organisation_types', sql`text[]`, (c) => c.notNull())
    .addColumn('report_count', 'integer', (c) => c.notNull())
    .addColumn('refreshed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('case_facts_death_month').on('case_facts').column('death_month').execute();
  await db.schema
    .createIndex('case_facts_reported_month')
    .on('case_facts')
    .column('reported_month')
    .execute();
  await db.schema.createIndex('case_facts_date').on('case_facts').column('date_of_death').execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('last_used_at', 'timestamptz')
    .addCheckConstraint('api_tokens_scope', sql`scope in ('aggregates', 'records')`)
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('concern', 'text', (c) => c.notNull())
    .addColumn('first_death', 'date', (c) => c.notNull())
    .addColumn('last_death', 'date', (c) => c.notNull())
    .addColumn('case_ids', sql`integer[]`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('acknowledged_at', 'timestamptz')
    .addColumn('acknowledged_by', 'integer', (c) => c.references('users.id'))
    .execute();
  await db.schema.createIndex('alerts_concern').on('alerts').columns(['concern', 'last_death']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('alerts').execute();
  await db.schema.dropTable('api_tokens').execute();
  await db.schema.dropTable('case_facts').execute();
}

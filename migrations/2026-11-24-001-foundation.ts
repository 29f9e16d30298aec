import { sql, type Kysely } from 'kysely';

// Foundation schema: organisations, accounts, sessions, returns, records and their versions, outbox, audit.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('areas', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('active_from', 'text', (c) => c.notNull())
    .addColumn('active_to', 'text')
    .addColumn('return_contacts', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('escalation_contact', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('users')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'integer', (c) => c.references('organisations.id'))
    .addColumn('password_hash', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('invited'))
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('last_sign_in_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('users_role_org', sql`(role = 'partner') = (organisation_id is not null)`)
    .execute();
  await sql`create unique index users_email_unique on users (lower(email))`.execute(db);

  await db.schema
    .createTable('user_tokens')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('used_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('sid', 'text', (c) => c.primaryKey())
    .addColumn('sess', 'jsonb', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

  await db.schema
    .createTable('returns')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('in_progress'))
    .addColumn('submitted_late', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('current_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reference', 'text')
    .addColumn('first_submitted_at', 'timestamptz')
    .addColumn('last_submitted_at', 'timestamptz')
    .addColumn('locked_at', 'timestamptz')
    .addColumn('amendment_reason', 'text')
    .addColumn('amendment_text', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('returns_org_period', ['organisation_id', 'period'])
    .addCheckConstraint('returns_period_format', sql`period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`)
    .execute();
  await db.schema
    .createIndex('returns_period')
    .on('returns')
    .columns(['period', 'organisation_id'])
    .execute();

  await db.schema
    .createTable('return_submissions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('return_id', 'integer', (c) => c.notNull().references('returns.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('reason_text', 'text')
    .addColumn('signed_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('record_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint('return_submissions_version', ['return_id', 'version'])
    .execute();

  await db.schema
    .createTable('records')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('return_id', 'integer', (c) => c.notNull().references('returns.id'))
    .addColumn('partner_record_ref', 'text', (c) => c.notNull())
    .addColumn('date_of_death', 'date')
    .addColumn('date_of_death_basis', 'text')
    .addColumn('date_partner_aware', 'date')
    .addColumn('place_of_death_type', 'text')
    .addColumn('place_of_death_area', 'text')
    .addColumn('death_classification', 'text')
    .addColumn('evidence_stage', 'text')
    .addColumn('inquest_conclusion', 'text')
    .addColumn('underlying_cause_icd10', 'text')
    .addColumn('age_at_death', 'smallint')
    .addColumn('age_unknown', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('sex', 'text')
    .addColumn('ethnic_group', 'text')
    .addColumn('residence_area', 'text')
    .addColumn('residence_lsoa21', 'text')
    .addColumn('housing_status', 'text')
    .addColumn('lived_alone', 'text')
    .addColumn('substances', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('substances_other', 'text')
    .addColumn('treatment_status', 'text')
    .addColumn('on_ost_at_death', 'text')
    .addColumn('mh_contact_12m', 'text')
    .addColumn('custody_release_interval', 'text')
    .addColumn('under_probation', 'text')
    .addColumn('hospital_discharge_interval', 'text')
    .addColumn('previous_nonfatal_overdose', 'text')
    .addColumn('injecting_history', 'text')
    .addColumn('ambulance_attended', 'text')
    .addColumn('naloxone_administered', 'text')
    .addColumn('naloxone_kit_held', 'text')
    .addColumn('found_alone', 'text')
    .addColumn('ldis_alert_ref', 'text')
    .addColumn('match_key_nhs', 'text')
    .addColumn('match_key_demo', 'text')
    .addColumn('record_status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('withdrawn_reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('records_org_ref', ['organisation_id', 'partner_record_ref'])
    .execute();
  await db.schema.createIndex('records_return').on('records').column('return_id').execute();
  await db.schema.createIndex('records_match_nhs').on('records').column('match_key_nhs').execute();
  await db.schema.createIndex('records_match_demo').on('records').column('match_key_demo').execute();

  await db.schema
    .createTable('record_versions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('record_id', 'integer', (c) => c.notNull().references('records.id'))
    .addColumn('submission_id', 'integer', (c) => c.notNull().references('return_submissions.id'))
    .addColumn('snapshot', 'jsonb', (c) => c.notNull())
    .addUniqueConstraint('record_versions_once', ['record_id', 'submission_id'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('to_addresses', sql`text[]`, (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_error', 'text')
    .addColumn('sent_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('outbox_pending').on('outbox').columns(['status', 'next_attempt_at']).execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_user_id', 'integer')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('organisation_id', 'integer')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'text')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'`))
    .execute();
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
  // Append-only: the database itself refuses to change or delete an audit row.
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin raise exception 'audit_log is append-only'; end $$`.execute(db);
  await sql`
    create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'jsonb', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'settings',
    'audit_log',
    'outbox',
    'record_versions',
    'records',
    'return_submissions',
    'returns',
    'sessions',
    'user_tokens',
    'users',
    'organisations',
  ])
    await db.schema.dropTable(table).execute();
  await sql`drop function if exists audit_log_append_only`.execute(db);
}

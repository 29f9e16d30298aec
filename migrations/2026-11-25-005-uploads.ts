import { sql, type Kysely } from 'kysely';

// Bulk upload: a preview (validated rows and problems, never the file itself) waiting for confirmation.
// A reference is unique within an organisation, so racing uploads or forms cannot create it twice.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create unique index records_organisation_reference on records (organisation_id, partner_record_ref)`.execute(
    db,
  );
  await db.schema
    .createTable('uploads')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisations.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('counts', 'jsonb', (c) => c.notNull())
    .addColumn('summary', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'`))
    // What the organisation's records looked like when previewed: a confirm after they changed is refused.
    .addColumn('records_fingerprint', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('uploads_pending').on('uploads').columns(['status', 'expires_at']).execute();
  await db.schema
    .createTable('upload_rows')
    .addColumn('upload_id', 'integer', (c) => c.notNull().references('uploads.id').onDelete('cascade'))
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('record_id', 'integer')
    .addColumn('data', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('upload_rows_pk', ['upload_id', 'row_number'])
    .execute();
  await db.schema
    .createTable('upload_errors')
    .addColumn('upload_id', 'integer', (c) => c.notNull().references('uploads.id').onDelete('cascade'))
    .addColumn('row_number', 'integer', (c) => c.notNull())
    .addColumn('cell', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('upload_errors_row')
    .on('upload_errors')
    .columns(['upload_id', 'row_number'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('upload_errors').execute();
  await db.schema.dropTable('upload_rows').execute();
  await db.schema.dropTable('uploads').execute();
  await sql`drop index records_organisation_reference`.execute(db);
}

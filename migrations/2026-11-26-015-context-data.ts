import { sql, type Kysely } from 'kysely';

// Context datasets (src/context/): aggregate counts from other sources — ambulance call-outs, hospital
// admissions, ONS death registrations — by area and period, loaded by CCSU from CSV files. Each file is
// one load: previewed (pending), then confirmed (loaded), when it replaces that dataset's figures for the
// periods it covers. No person is in these tables: they hold counts only.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('context_loads')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'loaded')`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('extracted_on', 'date', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('changes', 'jsonb', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz')
    .execute();
  await db.schema
    .createIndex('context_loads_dataset')
    .on('context_loads')
    .columns(['dataset', 'status'])
    .execute();
  await db.schema
    .createTable('context_counts')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('load_id', 'integer', (c) => c.notNull().references('context_loads.id').onDelete('cascade'))
    .addColumn('dataset', 'text', (c) => c.notNull())
    .addColumn('area_code', 'text', (c) => c.notNull().references('areas.code'))
    // The first month the count covers (YYYY-MM) and how many months: 1, 3 (a quarter) or 12 (a year).
    .addColumn('period_start', 'text', (c) => c.notNull())
    .addColumn('months', 'smallint', (c) => c.notNull())
    .addColumn('measure', 'text', (c) => c.notNull())
    .addColumn('substance_group', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('count', 'integer', (c) => c.notNull().check(sql`count >= 0`))
    .execute();
  await db.schema
    .createIndex('context_counts_dataset_period')
    .on('context_counts')
    .columns(['dataset', 'period_start'])
    .execute();
  await db.schema.createIndex('context_counts_load').on('context_counts').column('load_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('context_counts').execute();
  await db.schema.dropTable('context_loads').execute();
}

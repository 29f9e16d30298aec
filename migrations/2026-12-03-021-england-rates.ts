import type { Kysely } from 'kysely';

// England's age-standardised rate of deaths related to drug poisoning for a year, with its 95% interval,
// as ONS publishes it: the benchmark the county's standardised rate is compared with (issue #24 §2).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('england_rates')
    .addColumn('year', 'integer', (c) => c.primaryKey())
    .addColumn('rate', 'double precision', (c) => c.notNull())
    .addColumn('lower', 'double precision', (c) => c.notNull())
    .addColumn('upper', 'double precision', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_by', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('england_rates').execute();
}

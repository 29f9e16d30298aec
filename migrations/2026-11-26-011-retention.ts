import type { Kysely } from 'kysely';

// Retention (src/retention/): when a case's records are purged, its row in case_facts stays so the
// dashboard's history does not change, but without its exact date of death or a link to a record —
// only the month, age band, sex, area and substance groups the figures count by.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('case_facts')
    .alterColumn('best_record_id', (c) => c.dropNotNull())
    .addColumn('archived_at', 'timestamptz')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('case_facts').where('archived_at', 'is not', null).execute();
  await db.schema
    .alterTable('case_facts')
    .dropColumn('archived_at')
    .alterColumn('best_record_id', (c) => c.setNotNull())
    .execute();
}

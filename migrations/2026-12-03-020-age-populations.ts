import { sql, type Kysely } from 'kysely';

// Age-standardised rates (issue #24 §2) need residents by the standard's five-year age groups (0–4 …
// 90+, numbered 0 to 18) and each death's age in whole years; existing cases take it from their best
// record now rather than waiting for their next refresh.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('area_age_populations')
    .addColumn('area_code', 'text', (c) => c.notNull().references('areas.code'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('age_group', 'integer', (c) => c.notNull().check(sql`age_group between 0 and 18`))
    .addColumn('population', 'integer', (c) => c.notNull().check(sql`population >= 0`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_by', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('area_age_populations_pk', ['area_code', 'year', 'age_group'])
    .execute();
  await db.schema.alterTable('case_facts').addColumn('age', 'integer').execute();
  await sql`update case_facts set age = records.age_at_death
    from records where records.id = case_facts.best_record_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('case_facts').dropColumn('age').execute();
  await db.schema.dropTable('area_age_populations').execute();
}

import type { Kysely } from 'kysely';

// An early warning says what it was measured against (issue #24 §3): for each concern that exceeded,
// the deaths counted in its busiest window, what the concern's own history predicted, and the
// threshold reached. Alerts raised before the baseline rule have an empty list.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('alerts')
    .addColumn('measures', 'jsonb', (c) => c.notNull().defaultTo('[]'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('alerts').dropColumn('measures').execute();
}

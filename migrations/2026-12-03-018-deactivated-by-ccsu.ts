import type { Kysely } from 'kysely';

// Only CCSU can undo CCSU's deactivation of a user: a return lead may reactivate only colleagues the
// organisation itself deactivated.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('users')
    .addColumn('deactivated_by_ccsu', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').dropColumn('deactivated_by_ccsu').execute();
}

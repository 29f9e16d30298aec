import type { Kysely } from 'kysely';

// How many problems stop each record being submitted, worked out when the record is saved, so that
// pages listing many records need not re-validate every one of them on every view.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('records')
    .addColumn('completeness_problems', 'smallint', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('records').dropColumn('completeness_problems').execute();
}

import { sql, type Kysely } from 'kysely';

// A Coroners Audit file is previewed before it is loaded: the checked rows (identifiers already turned
// into keys) wait in a pending load until the analyst confirms or cancels.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('audit_loads')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('loaded')
        .check(sql`status in ('pending', 'loaded')`),
    )
    .execute();
  await db.schema.alterTable('audit_loads').addColumn('pending_rows', 'jsonb').execute();
  await db.schema
    .alterTable('audit_loads')
    .addColumn('unchanged', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_loads').dropColumn('unchanged').execute();
  await db.schema.alterTable('audit_loads').dropColumn('pending_rows').execute();
  await db.schema.alterTable('audit_loads').dropColumn('status').execute();
}

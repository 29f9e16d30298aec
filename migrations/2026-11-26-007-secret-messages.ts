import type { Kysely } from 'kysely';

// A message that carries a personal link (an invitation, a password reset, a nil-return link) is marked
// secret: nobody can read it in the app, and its body is blanked once it has been sent.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('outbox')
    .addColumn('secret', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('secret').execute();
}

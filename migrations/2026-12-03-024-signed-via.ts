import type { Kysely } from 'kysely';

// How a version of a return was signed when not by a person at the pages: a reminder's nil-return link,
// or a submission key (issue #26) — so the return page can say "by the “Case system” key".
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('return_submissions').addColumn('signed_via', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('return_submissions').dropColumn('signed_via').execute();
}

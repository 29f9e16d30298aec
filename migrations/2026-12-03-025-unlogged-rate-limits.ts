import { sql, type Kysely } from 'kysely';

// Request rate-limit counts need not survive a crash: a restart forgets at most one minute's window, and
// the sign-in throttle (its own tables) is unchanged. Unlogged, an upsert writes no WAL, so its commit
// does not wait for a disk flush while holding the counter's row, which every request of one source
// updates: with the flush, a partner system's requests queued behind one another (issue #26).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limits set unlogged`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table rate_limits set logged`.execute(db);
}

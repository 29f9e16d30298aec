import { sql, type Kysely } from 'kysely';

// The submission API (issue #26): a `submit` key belongs to one organisation and acts for it only; and
// each write sent with an Idempotency-Key is remembered (with a hash of its body and the answer given)
// so a retry gets the same answer without a second write.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('api_tokens')
    .addColumn('organisation_id', 'integer', (c) => c.references('organisations.id').onDelete('cascade'))
    .execute();
  await db.schema.alterTable('api_tokens').dropConstraint('api_tokens_scope').execute();
  await db.schema
    .alterTable('api_tokens')
    .addCheckConstraint(
      'api_tokens_scope',
      sql`(scope in ('aggregates', 'records') and organisation_id is null) or (scope = 'submit' and organisation_id is not null)`,
    )
    .execute();
  await db.schema
    .createTable('idempotent_requests')
    .addColumn('token_id', 'integer', (c) => c.notNull().references('api_tokens.id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('body', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotent_requests_pk', ['token_id', 'key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('idempotent_requests').execute();
  await db.schema.alterTable('api_tokens').dropConstraint('api_tokens_scope').execute();
  await db.deleteFrom('api_tokens').where('scope', '=', 'submit').execute();
  await db.schema
    .alterTable('api_tokens')
    .addCheckConstraint('api_tokens_scope', sql`scope in ('aggregates', 'records')`)
    .execute();
  await db.schema.alterTable('api_tokens').dropColumn('organisation_id').execute();
}

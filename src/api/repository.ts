// The API's tokens and keys: issued, listed, checked, revoked, expiring (Idempotency-Keys are in
// idempotency-repository.ts).
import type { Insertable } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { ApiTokensTable } from '../db/types.js';

/** Live submission keys expiring after `now` and by `by`, with who to tell: creator and return contacts. */
export function submissionKeysExpiring(db: DbOrTrx, now: Date, by: Date) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('organisations', 'organisations.id', 'api_tokens.organisation_id')
    .leftJoin('users', (join) =>
      join.onRef('users.id', '=', 'api_tokens.created_by').on('users.status', '=', 'active'),
    )
    .select([
      'api_tokens.id',
      'api_tokens.name',
      'api_tokens.expires_at',
      'organisations.name as organisation',
      'organisations.return_contacts',
      'users.email as creator',
    ])
    .where('api_tokens.scope', '=', 'submit')
    .where('api_tokens.revoked_at', 'is', null)
    .where('api_tokens.expires_at', '>', now)
    .where('api_tokens.expires_at', '<=', by)
    .execute();
}

/** An organisation's submission keys, newest first: never the keys themselves. */
export function submitKeysOf(db: DbOrTrx, organisationId: number) {
  return db
    .selectFrom('api_tokens')
    .leftJoin('users', 'users.id', 'api_tokens.created_by')
    .select([
      'api_tokens.id',
      'api_tokens.name',
      'api_tokens.created_at',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'users.email as created_by_email',
    ])
    .where('api_tokens.scope', '=', 'submit')
    .where('api_tokens.organisation_id', '=', organisationId)
    .orderBy('api_tokens.id', 'desc')
    .execute();
}

/** Every token and key, newest first, with its organisation and creator. */
export function allTokens(db: DbOrTrx) {
  return db
    .selectFrom('api_tokens')
    .leftJoin('users', 'users.id', 'api_tokens.created_by')
    .leftJoin('organisations', 'organisations.id', 'api_tokens.organisation_id')
    .select([
      'organisations.name as organisation_name',
      'api_tokens.id',
      'api_tokens.name',
      'api_tokens.scope',
      'api_tokens.created_at',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'users.email as created_by_email',
    ])
    .orderBy('api_tokens.id', 'desc')
    .execute();
}

export function insertToken(trx: DbOrTrx, token: Insertable<ApiTokensTable>) {
  return trx.insertInto('api_tokens').values(token).returning('id').executeTakeFirstOrThrow();
}

/** Whether the token exists (with an organisation, as one of that organisation's keys). */
export async function tokenExists(db: DbOrTrx, id: number, organisationId?: number): Promise<boolean> {
  let query = db.selectFrom('api_tokens').select('id').where('id', '=', id);
  if (organisationId !== undefined) query = query.where('organisation_id', '=', organisationId);
  return (await query.executeTakeFirst()) !== undefined;
}

/** Revokes a live token (with an organisation, only that organisation's); false when there was none. */
export async function revokeToken(
  trx: DbOrTrx,
  id: number,
  at: Date,
  organisationId?: number,
): Promise<boolean> {
  let update = trx
    .updateTable('api_tokens')
    .set({ revoked_at: at })
    .where('id', '=', id)
    .where('revoked_at', 'is', null);
  if (organisationId !== undefined) update = update.where('organisation_id', '=', organisationId);
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The token with this hash, with its creator's email. */
export function tokenByHash(db: DbOrTrx, tokenHash: string) {
  return db
    .selectFrom('api_tokens')
    .leftJoin('users', 'users.id', 'api_tokens.created_by')
    .select([
      'api_tokens.id',
      'api_tokens.name',
      'api_tokens.scope',
      'api_tokens.expires_at',
      'api_tokens.revoked_at',
      'api_tokens.last_used_at',
      'api_tokens.organisation_id',
      'users.email as created_by',
    ])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function markTokenUsed(db: DbOrTrx, id: number, at: Date) {
  await db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute();
}

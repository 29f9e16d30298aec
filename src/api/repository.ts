// The API's own reads and writes (its tokens' lifecycle is tokens.ts; idempotency's is idempotency.ts).
import type { DbOrTrx } from '../db/database.js';

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

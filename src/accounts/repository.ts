import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { UserRole } from '../db/types.js';
import { passkeyCountColumn } from './passkeys-repository.js';

export function findUserByEmail(db: DbOrTrx, email: string) {
  return db
    .selectFrom('users')
    .selectAll()
    .where(sql`lower(email)`, '=', email.trim().toLowerCase())
    .executeTakeFirst();
}

export function findUserById(db: DbOrTrx, id: number, options: { forUpdate?: boolean } = {}) {
  const query = db.selectFrom('users').selectAll().where('id', '=', id);
  return (options.forUpdate ? query.forUpdate() : query).executeTakeFirst();
}

export async function countUsers(db: DbOrTrx): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function insertUser(
  db: DbOrTrx,
  user: {
    email: string;
    role: UserRole;
    organisationId: number | null;
    passwordHash?: string | null;
    active?: boolean;
  },
) {
  return db
    .insertInto('users')
    .values({
      email: user.email.trim().toLowerCase(),
      role: user.role,
      organisation_id: user.organisationId,
      password_hash: user.passwordHash ?? null,
      status: user.active ? 'active' : 'invited',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function recordSuccessfulSignIn(db: DbOrTrx, userId: number, at: Date) {
  return db
    .updateTable('users')
    .set({ failed_attempts: 0, locked_until: null, last_sign_in_at: at })
    .where('id', '=', userId)
    .execute();
}

export function insertLinkToken(
  db: DbOrTrx,
  token: { userId: number; purpose: 'invite' | 'reset'; hash: string; expiresAt: Date },
) {
  return db
    .insertInto('user_tokens')
    .values({
      user_id: token.userId,
      purpose: token.purpose,
      token_hash: token.hash,
      expires_at: token.expiresAt,
    })
    .execute();
}

export function findLinkToken(db: DbOrTrx, hash: string) {
  return db
    .selectFrom('user_tokens')
    .innerJoin('users', 'users.id', 'user_tokens.user_id')
    .select([
      'user_tokens.id',
      'user_tokens.purpose',
      'user_tokens.expires_at',
      'user_tokens.used_at',
      'users.id as user_id',
      'users.email',
      'users.status',
      'users.role',
      'users.organisation_id',
    ])
    .where('token_hash', '=', hash)
    .executeTakeFirst();
}

/** Cancels a user's outstanding password-reset links (they then read as used). */
export function cancelResetLinks(db: DbOrTrx, userId: number, at: Date) {
  return db
    .updateTable('user_tokens')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('purpose', '=', 'reset')
    .where('used_at', 'is', null)
    .execute();
}

/** Marks a token used; false when it was already used (two tabs, a double click). */
export async function useLinkToken(db: DbOrTrx, id: number, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('user_tokens')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function setPassword(db: DbOrTrx, userId: number, passwordHash: string) {
  return db
    .updateTable('users')
    .set({ password_hash: passwordHash, status: 'active', failed_attempts: 0, locked_until: null })
    .where('id', '=', userId)
    .execute();
}

export function listUsers(db: DbOrTrx, now: Date) {
  return db
    .selectFrom('users')
    .leftJoin('organisations', 'organisations.id', 'users.organisation_id')
    .select([
      'users.id',
      'users.email',
      'users.role',
      'users.status',
      'users.last_sign_in_at',
      'users.locked_until',
      'users.totp_enabled_at',
      'users.return_lead',
      'users.organisation_id',
      'organisations.name as organisation_name',
      passkeyCountColumn,
      // Stopped from signing in or entering codes (accounts/throttle.ts): what "Unlock" lifts.
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('sign_in_throttle')
              .select('key')
              .where('blocked_until', '>', now)
              .where((w) =>
                w.or([
                  w('key', '=', sql<string>`'signin:account:' || lower(users.email)`),
                  w('key', 'like', sql<string>`'signin:pair:' || lower(users.email) || '|%'`),
                  w('key', '=', sql<string>`'2fa:user:' || users.id`),
                ]),
              ),
          )
          .as('locked'),
    ])
    .orderBy('organisations.name')
    .orderBy('users.email')
    .execute();
}

export function setUserStatus(
  db: DbOrTrx,
  userId: number,
  status: 'active' | 'invited' | 'deactivated',
  deactivatedByCcsu = false,
) {
  return db
    .updateTable('users')
    .set({ status, deactivated_by_ccsu: deactivatedByCcsu })
    .where('id', '=', userId)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Ends every way the user is signed in or half signed in: their sessions (signed in, or between the
 * password and the second factor) and every browser they asked to be remembered. A password reset, a
 * deactivation and a second-factor reset all call this, so none leaves a door open.
 */
export async function endEverySessionOf(db: DbOrTrx, userId: number): Promise<void> {
  await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb(sql`(sess->>'userId')::int`, '=', userId),
        eb(sql`(sess->>'pendingUserId')::int`, '=', userId),
      ]),
    )
    .execute();
  await db.deleteFrom('remembered_browsers').where('user_id', '=', userId).execute();
}

/** Holds the first-run set-up key's settings row, so two set-ups cannot both create an administrator. */
export function lockSetupKey(trx: DbOrTrx, key: string) {
  return trx.selectFrom('settings').select('key').where('key', '=', key).forUpdate().executeTakeFirst();
}

/** An organisation's name, for the invitation email (null when there is none). */
export async function organisationName(db: DbOrTrx, organisationId: number): Promise<string | null> {
  const row = await db
    .selectFrom('organisations')
    .select('name')
    .where('id', '=', organisationId)
    .executeTakeFirst();
  return row?.name ?? null;
}

/** An organisation's users for "Your organisation": return leads first, then by email. */
export function teamMembers(db: DbOrTrx, organisationId: number) {
  return db
    .selectFrom('users')
    .select([
      'id',
      'email',
      'status',
      'return_lead',
      'last_sign_in_at',
      'totp_enabled_at',
      passkeyCountColumn,
    ])
    .where('organisation_id', '=', organisationId)
    .orderBy('return_lead', 'desc')
    .orderBy('email')
    .execute();
}

/** Nominates or stands down a partner user as return lead; undefined for anyone else. */
export function setReturnLead(trx: DbOrTrx, userId: number, lead: boolean) {
  return trx
    .updateTable('users')
    .set({ return_lead: lead })
    .where('id', '=', userId)
    .where('role', '=', 'partner')
    .returningAll()
    .executeTakeFirst();
}

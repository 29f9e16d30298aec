// Passkeys and WebAuthn challenges in PostgreSQL (accounts/passkeys.ts orchestrates).
import type { ExpressionBuilder } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { DB, Passkey, PasskeyDeviceType } from '../db/types.js';

/** A user's number of passkeys, as a column of a query on users (lists of people say how they sign in). */
export function passkeyCountColumn(eb: ExpressionBuilder<DB, 'users'>) {
  return eb
    .selectFrom('passkeys')
    .select((e) => e.fn.countAll<number>().as('n'))
    .whereRef('passkeys.user_id', '=', 'users.id')
    .as('passkeys');
}

export function listPasskeys(db: DbOrTrx, userId: number): Promise<Passkey[]> {
  return db
    .selectFrom('passkeys')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export function findPasskey(db: DbOrTrx, userId: number, id: number): Promise<Passkey | undefined> {
  return db
    .selectFrom('passkeys')
    .selectAll()
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export function findPasskeyByCredential(db: DbOrTrx, credentialId: string): Promise<Passkey | undefined> {
  return db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
}

/** Passkeys per user, for pages that say who can sign in how (never the credentials themselves). */
export async function passkeyCounts(db: DbOrTrx, userIds: number[]): Promise<Map<number, number>> {
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('passkeys')
    .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('user_id', 'in', userIds)
    .groupBy('user_id')
    .execute();
  return new Map(rows.map((r) => [r.user_id, Number(r.n)]));
}

export async function countPasskeys(db: DbOrTrx, userId: number): Promise<number> {
  return (await passkeyCounts(db, [userId])).get(userId) ?? 0;
}

export function insertPasskey(
  db: DbOrTrx,
  passkey: {
    userId: number;
    credentialId: string;
    publicKey: Uint8Array;
    counter: number;
    transports: string[];
    deviceType: PasskeyDeviceType;
    backedUp: boolean;
    name: string;
    at: Date;
  },
): Promise<Passkey> {
  return db
    .insertInto('passkeys')
    .values({
      user_id: passkey.userId,
      credential_id: passkey.credentialId,
      public_key: Buffer.from(passkey.publicKey),
      counter: passkey.counter,
      transports: passkey.transports,
      device_type: passkey.deviceType,
      backed_up: passkey.backedUp,
      name: passkey.name,
      created_at: passkey.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Records a use. Compare-and-set on the counter: of two sign-ins racing with one signature, or one
 * with a counter that went backwards, only a counter above the stored one moves it (authenticators
 * that do not count report 0 every time, and 0 stays 0).
 */
export async function recordPasskeyUse(
  db: DbOrTrx,
  id: number,
  use: { counter: number; previous: number; backedUp: boolean; at: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('passkeys')
    .set({ counter: use.counter, backed_up: use.backedUp, last_used_at: use.at })
    .where('id', '=', id)
    .where('counter', '=', use.previous)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export function renamePasskey(db: DbOrTrx, userId: number, id: number, name: string) {
  return db
    .updateTable('passkeys')
    .set({ name })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function deletePasskey(db: DbOrTrx, userId: number, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('passkeys')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}

export function deleteEveryPasskeyOf(db: DbOrTrx, userId: number) {
  return db.deleteFrom('passkeys').where('user_id', '=', userId).execute();
}

/** The user's passkey handle, made on their first passkey (compare-and-set, so two tabs agree). */
export async function passkeyHandle(db: DbOrTrx, userId: number, fresh: string): Promise<string> {
  await db
    .updateTable('users')
    .set({ passkey_handle: fresh })
    .where('id', '=', userId)
    .where('passkey_handle', 'is', null)
    .execute();
  const row = await db
    .selectFrom('users')
    .select('passkey_handle')
    .where('id', '=', userId)
    .executeTakeFirstOrThrow();
  return row.passkey_handle!;
}

export async function saveChallenge(
  db: DbOrTrx,
  challenge: { challenge: string; purpose: 'register' | 'sign_in'; userId: number | null },
  now: Date,
  lifetimeMs: number,
): Promise<void> {
  // Expired challenges go as new ones come, so the table holds only the last few minutes' ceremonies.
  await db.deleteFrom('webauthn_challenges').where('expires_at', '<', now).execute();
  await db
    .insertInto('webauthn_challenges')
    .values({
      challenge: challenge.challenge,
      purpose: challenge.purpose,
      user_id: challenge.userId,
      expires_at: new Date(now.getTime() + lifetimeMs),
    })
    .execute();
}

/**
 * Uses a challenge: true only the first time, within its minutes, for the ceremony and user it was
 * given to. The row goes whatever the outcome, so a challenge cannot be tried twice.
 */
export async function takeChallenge(
  db: DbOrTrx,
  challenge: string,
  purpose: 'register' | 'sign_in',
  userId: number | null,
  now: Date,
): Promise<boolean> {
  const row = await db
    .deleteFrom('webauthn_challenges')
    .where('challenge', '=', challenge)
    .returning(['purpose', 'user_id', 'expires_at'])
    .executeTakeFirst();
  return (
    row !== undefined &&
    row.purpose === purpose &&
    row.user_id === userId &&
    row.expires_at.getTime() > now.getTime()
  );
}

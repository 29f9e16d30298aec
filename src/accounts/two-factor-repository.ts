// The second factor's SQL: the authenticator app's key and last used time step, recovery codes (hashes
// only) and remembered browsers. Updates are compare-and-set, so requests racing cannot both pass.
import type { DbOrTrx } from '../db/database.js';

/** Sets up the app's key only for an account with none yet; false when one was already there. */
export async function enableAppIfNone(
  trx: DbOrTrx,
  userId: number,
  app: { secret: string; at: Date; step: number },
): Promise<boolean> {
  const set = await trx
    .updateTable('users')
    .set({ totp_secret: app.secret, totp_enabled_at: app.at, totp_last_step: app.step })
    .where('id', '=', userId)
    .where('totp_enabled_at', 'is', null)
    .executeTakeFirst();
  return Number(set.numUpdatedRows) > 0;
}

/** These recovery code hashes in place of any before. */
export async function replaceRecoveryCodeHashes(trx: DbOrTrx, userId: number, hashes: string[]) {
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  await trx
    .insertInto('recovery_codes')
    .values(hashes.map((code_hash) => ({ user_id: userId, code_hash })))
    .execute();
}

/** The app's (encrypted) key and the last time step used with it. */
export function appSecretOf(db: DbOrTrx, userId: number) {
  return db
    .selectFrom('users')
    .select(['totp_secret', 'totp_last_step'])
    .where('id', '=', userId)
    .executeTakeFirst();
}

/** Uses a time step: false when it, or a later one, was used already. */
export async function useAppStep(db: DbOrTrx, userId: number, step: number): Promise<boolean> {
  const used = await db
    .updateTable('users')
    .set({ totp_last_step: step })
    .where('id', '=', userId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(used.numUpdatedRows) > 0;
}

/** Uses an unused recovery code with this hash: false when there is none. */
export async function useRecoveryCode(
  db: DbOrTrx,
  userId: number,
  codeHash: string,
  at: Date,
): Promise<boolean> {
  const used = await db
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) > 0;
}

export async function recoveryCodesLeft(db: DbOrTrx, userId: number): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function rememberBrowser(db: DbOrTrx, b: { tokenHash: string; userId: number; expires: Date }) {
  await db
    .insertInto('remembered_browsers')
    .values({ token_hash: b.tokenHash, user_id: b.userId, expires_at: b.expires })
    .execute();
}

export async function isBrowserRemembered(
  db: DbOrTrx,
  b: { tokenHash: string; userId: number; now: Date },
): Promise<boolean> {
  const row = await db
    .selectFrom('remembered_browsers')
    .select('user_id')
    .where('token_hash', '=', b.tokenHash)
    .where('user_id', '=', b.userId)
    .where('expires_at', '>', b.now)
    .executeTakeFirst();
  return row !== undefined;
}

/** An administrator's reset: the app's key and every recovery code go. */
export async function clearAppAndRecoveryCodes(trx: DbOrTrx, userId: number) {
  await trx
    .updateTable('users')
    .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null })
    .where('id', '=', userId)
    .execute();
  await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
}

// Second factor for every account that needs one: setting up an authenticator app, checking its codes
// (each usable once), one-time recovery codes, browsers a partner asked to be remembered, and an
// administrator's reset. Every change is audited; a reset also tells the user by email.
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db, DbOrTrx } from '../db/database.js';
import type { User } from '../db/types.js';
import { actorOf, audit, type Actor } from '../audit/audit.js';
import { newLinkToken, hashLinkToken } from '../lib/link-tokens.js';
import { enqueue } from '../mail/outbox.js';
import { emailTime, renderEmail } from '../mail/templates.js';
import { getSettings, type Settings } from '../settings/settings.js';
import { isBlocked, type ThrottleRule } from './throttle.js';
import { clearKeys, recordFailure, throttleRows } from './throttle-repository.js';
import * as factorsRepo from './two-factor-repository.js';
import * as repo from './repository.js';
import { countPasskeys, deleteEveryPasskeyOf } from './passkeys-repository.js';
import { matchingStep, newRecoveryCodes, TotpKeys } from './totp.js';

export type CodeCheck = 'ok' | 'wrong' | 'throttled';

/** CCSU accounts always need a second factor; partners when the administrators' setting says so. */
export function secondFactorRequired(user: User, settings: Settings): boolean {
  return user.role !== 'partner' || settings.twoFactor.partnersRequired;
}

/** Days a partner's browser may be remembered (0: never); CCSU accounts are never remembered. */
export function rememberDays(user: User, settings: Settings): number {
  return user.role === 'partner' ? settings.twoFactor.rememberBrowserDays : 0;
}

export class TwoFactorService {
  readonly keys: TotpKeys;

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {
    this.keys = new TotpKeys(config.linkageSecret);
  }

  now(): Date {
    return this.clock.now();
  }

  /** An active account, for the step between password and code. */
  async activeUser(id: number): Promise<User | undefined> {
    const user = await repo.findUserById(this.db, id);
    return user?.status === 'active' ? user : undefined;
  }

  settings(): Promise<Settings> {
    return getSettings(this.db);
  }

  // Five wrong codes in 15 minutes stop further codes for that account for 15 minutes: a million
  // possible codes cannot be tried. The password step already passed, so this tells an attacker nothing.
  private rule(userId: number): ThrottleRule {
    return { key: `2fa:user:${userId}`, limit: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };
  }

  private async throttled(userId: number): Promise<boolean> {
    const rule = this.rule(userId);
    return isBlocked((await throttleRows(this.db, [rule.key])).get(rule.key), this.clock.now());
  }

  private async failed(user: User, action: string): Promise<'wrong'> {
    const now = this.clock.now();
    await recordFailure(this.db, [this.rule(user.id)], now);
    await audit(this.db, {
      actor: actorOf(user),
      organisationId: user.organisation_id,
      action,
      entity: 'user',
      entityId: user.id,
      at: now,
    });
    return 'wrong';
  }

  /**
   * Turns the second factor on with the key the user's app now holds, once a code from it is right.
   * Only for a user with no second factor (new, or after an administrator's reset): an existing factor
   * is never replaced here, so someone holding only the password cannot swap in their own app. The user
   * is emailed, so a set-up they did not make does not go unnoticed. Returns the recovery codes (shown
   * once, stored only as hashes); otherwise why not.
   */
  async enrol(
    user: User,
    base32: string,
    code: string,
  ): Promise<string[] | 'wrong' | 'throttled' | 'enrolled'> {
    const now = this.clock.now();
    if (await this.throttled(user.id)) return 'throttled';
    const step = matchingStep(base32, code, now);
    if (step === undefined) return this.failed(user, 'two_factor_setup_failed');
    const codes = newRecoveryCodes();
    const content = await renderEmail('two-factor-set-up', {
      email: user.email,
      when: emailTime(now),
      link: `${this.config.publicUrl}/forgot-password`,
    });
    return this.db.transaction().execute(async (trx) => {
      // Compare-and-set: of two set-ups racing, or a set-up against an account that already has a
      // factor, only one with none before can win.
      const set = await factorsRepo.enableAppIfNone(trx, user.id, {
        secret: this.keys.encrypt(base32),
        at: now,
        step,
      });
      if (!set) return 'enrolled' as const;
      await this.replaceRecoveryCodes(trx, user.id, codes);
      await audit(trx, {
        actor: actorOf(user),
        organisationId: user.organisation_id,
        action: 'two_factor_enabled',
        entity: 'user',
        entityId: user.id,
        at: now,
      });
      await enqueue(
        trx,
        {
          idempotencyKey: `two-factor-set-up:${user.id}:${now.getTime()}`,
          to: [user.email],
          subject: 'A second factor was set up on your drd-return account',
          ...content,
        },
        now,
      );
      return codes;
    });
  }

  /** New recovery codes in place of any before (stored as hashes only); the caller shows them once. */
  async replaceRecoveryCodes(trx: DbOrTrx, userId: number, codes = newRecoveryCodes()): Promise<string[]> {
    await factorsRepo.replaceRecoveryCodeHashes(
      trx,
      userId,
      codes.map((c) => this.keys.hashRecoveryCode(userId, c)),
    );
    return codes;
  }

  /** How a user can prove the second factor: an authenticator app, passkeys (each counts as both). */
  async factors(user: User): Promise<{ app: boolean; passkeys: number }> {
    return { app: user.totp_enabled_at !== null, passkeys: await countPasskeys(this.db, user.id) };
  }

  /**
   * A user with no second factor yet (new, or reset by an administrator) may set one up. One with a
   * passkey may not: a password alone must never add a factor to an account that has one.
   */
  async needsSetUp(userId: number): Promise<boolean> {
    const user = await repo.findUserById(this.db, userId);
    return user?.status === 'active' && !(await this.hasSecondFactor(user));
  }

  /** Has an authenticator app or at least one passkey: what an administrator's reset would clear. */
  async hasSecondFactor(user: User): Promise<boolean> {
    const factors = await this.factors(user);
    return factors.app || factors.passkeys > 0;
  }

  /** Checks a code from the app; a code already used (the same or an earlier time step) is refused. */
  async checkCode(user: User, code: string): Promise<CodeCheck> {
    if (await this.throttled(user.id)) return 'throttled';
    const now = this.clock.now();
    const stored = await factorsRepo.appSecretOf(this.db, user.id);
    if (!stored?.totp_secret) return this.failed(user, 'two_factor_failed');
    const step = matchingStep(this.keys.decrypt(stored.totp_secret), code, now);
    if (step === undefined) return this.failed(user, 'two_factor_failed');
    // Compare-and-set, so two requests racing with one code cannot both pass.
    if (!(await factorsRepo.useAppStep(this.db, user.id, step)))
      return this.failed(user, 'two_factor_code_reused');
    await clearKeys(this.db, [this.rule(user.id).key]);
    return 'ok';
  }

  /** Uses one recovery code, once. */
  async useRecoveryCode(user: User, code: string): Promise<CodeCheck> {
    if (await this.throttled(user.id)) return 'throttled';
    const now = this.clock.now();
    const used = await factorsRepo.useRecoveryCode(
      this.db,
      user.id,
      this.keys.hashRecoveryCode(user.id, code),
      now,
    );
    if (!used) return this.failed(user, 'recovery_code_failed');
    await clearKeys(this.db, [this.rule(user.id).key]);
    await audit(this.db, {
      actor: actorOf(user),
      organisationId: user.organisation_id,
      action: 'recovery_code_used',
      entity: 'user',
      entityId: user.id,
      detail: { remaining: await this.recoveryCodesLeft(user.id) },
      at: now,
    });
    return 'ok';
  }

  async recoveryCodesLeft(userId: number): Promise<number> {
    return factorsRepo.recoveryCodesLeft(this.db, userId);
  }

  /** Remembers this browser for a partner; returns the cookie's token. */
  async rememberBrowser(user: User, days: number): Promise<string> {
    const { token, hash } = newLinkToken();
    const expires = new Date(this.clock.now().getTime() + days * 86_400_000);
    await factorsRepo.rememberBrowser(this.db, { tokenHash: hash, userId: user.id, expires });
    return token;
  }

  async isRemembered(user: User, token: string | undefined): Promise<boolean> {
    if (!token) return false;
    return factorsRepo.isBrowserRemembered(this.db, {
      tokenHash: hashLinkToken(token),
      userId: user.id,
      now: this.clock.now(),
    });
  }

  /**
   * An administrator clears a user's second factor (a lost phone): key, passkeys, recovery codes and
   * remembered browsers go, and every session ends; the user sets up a new one at their next sign-in, and is told by email.
   */
  async reset(user: User, actor: Actor): Promise<void> {
    const now = this.clock.now();
    const content = await renderEmail('two-factor-reset', {
      email: user.email,
      link: `${this.config.publicUrl}/sign-in`,
    });
    await this.db.transaction().execute(async (trx) => {
      await factorsRepo.clearAppAndRecoveryCodes(trx, user.id);
      await deleteEveryPasskeyOf(trx, user.id);
      // Whoever holds a session or a remembered browser of the account must prove both factors again.
      await repo.endEverySessionOf(trx, user.id);
      await audit(trx, {
        actor,
        organisationId: user.organisation_id,
        action: 'two_factor_reset',
        entity: 'user',
        entityId: user.id,
        at: now,
      });
      await enqueue(
        trx,
        {
          idempotencyKey: `two-factor-reset:${user.id}:${now.getTime()}`,
          to: [user.email],
          subject: 'Your drd-return second factor was reset',
          ...content,
        },
        now,
      );
    });
  }
}

// Signing in: one password check per attempt whatever the outcome, and throttling by account and by
// source (accounts/throttle.ts) that stops an attacker without locking the owner out.
import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/database.js';
import type { User } from '../db/types.js';
import { actorOf, audit, type Actor } from '../audit/audit.js';
import * as repo from './repository.js';
import { dummyPasswordHash, verifyPassword } from './secrets.js';
import { isBlocked, signInSourceRule, type ThrottleRule } from './throttle.js';
import { clearKeys, recordFailure, throttleRows } from './throttle-repository.js';

export type SignInResult = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'throttled' };

export class SignInService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  private signInRules(email: string, source: string) {
    const address = email.trim().toLowerCase();
    const lockMs = this.config.signIn.lockoutMinutes * 60_000;
    const pair: ThrottleRule = {
      key: `signin:pair:${address}|${source}`,
      limit: this.config.signIn.maxAttempts,
      windowMs: lockMs,
      blockMs: lockMs,
    };
    const bySource = signInSourceRule(source);
    const byAccount: ThrottleRule = {
      key: `signin:account:${address}`,
      limit: 20,
      windowMs: 3_600_000,
      blockMs: 3_600_000,
    };
    return { pair, bySource, byAccount };
  }

  /**
   * Signs in. Unknown, wrong and throttled attempts get the same kind of answer after the same work
   * (one password hash check), so neither the page nor its timing tells which addresses have accounts.
   */
  async signIn(email: string, password: string, source = 'unknown'): Promise<SignInResult> {
    const now = this.clock.now();
    const rules = this.signInRules(email, source);
    const rows = await throttleRows(this.db, [rules.pair.key, rules.bySource.key, rules.byAccount.key]);
    const pairRow = rows.get(rules.pair.key);
    const throttled =
      isBlocked(pairRow, now) ||
      isBlocked(rows.get(rules.bySource.key), now) ||
      // Many sources guessing one account: stop those that have failed on it, not its owner.
      (isBlocked(rows.get(rules.byAccount.key), now) && (pairRow?.failures ?? 0) > 0);
    const user = throttled ? undefined : await repo.findUserByEmail(this.db, email);
    const known = user && user.status === 'active' ? user : undefined;
    const passwordOk = await verifyPassword(
      known ? known.password_hash : await dummyPasswordHash(),
      password,
    );
    if (throttled || !known || !passwordOk) {
      if (!throttled) await recordFailure(this.db, [rules.pair, rules.bySource, rules.byAccount], now);
      await audit(this.db, {
        actor: known ? actorOf(known) : { userId: null, label: 'anonymous' },
        organisationId: known?.organisation_id ?? null,
        action: throttled ? 'sign_in_throttled' : 'sign_in_failed',
        entity: 'user',
        entityId: known?.id,
        detail: throttled
          ? undefined
          : { reason: known ? 'wrong password' : user ? `account ${user.status}` : 'unknown email' },
        at: now,
      });
      return { ok: false, reason: throttled ? 'throttled' : 'invalid' };
    }
    await clearKeys(this.db, [rules.pair.key]);
    await repo.recordSuccessfulSignIn(this.db, known.id, now);
    await audit(this.db, {
      actor: actorOf(known),
      organisationId: known.organisation_id,
      action: 'sign_in',
      entity: 'user',
      entityId: known.id,
      at: now,
    });
    return { ok: true, user: known };
  }

  /** An administrator lifts the sign-in throttling of an account (every source), audited. */
  async unlock(userId: number, actor: Actor): Promise<User | undefined> {
    const user = await repo.findUserById(this.db, userId);
    if (!user) return undefined;
    const address = user.email.toLowerCase();
    // Both steps: the password's counts, and the second factor's (accounts/two-factor.ts).
    await clearKeys(
      this.db,
      [`signin:account:${address}`, `2fa:user:${user.id}`],
      [`signin:pair:${address}|`],
    );
    await audit(this.db, {
      actor,
      organisationId: user.organisation_id,
      action: 'account_unlocked',
      entity: 'user',
      entityId: user.id,
      at: this.clock.now(),
    });
    return user;
  }

  async signedOut(user: User): Promise<void> {
    await audit(this.db, {
      actor: actorOf(user),
      organisationId: user.organisation_id,
      action: 'sign_out',
      entity: 'user',
      entityId: user.id,
      at: this.clock.now(),
    });
  }
}

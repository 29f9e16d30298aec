import type { Config } from '../config.js';
import type { Clock } from '../clock.js';
import type { Db, DbOrTrx } from '../db/database.js';
import type { User, UserRole } from '../db/types.js';
import { actorOf, audit, type Actor } from '../audit/audit.js';
import { enqueue } from '../mail/outbox.js';
import { renderEmail } from '../mail/templates.js';
import { deleteSetting, getSetting, putSetting } from '../settings/settings.js';
import * as repo from './repository.js';
import { hashPassword } from './secrets.js';
import { hashLinkToken, newLinkToken } from '../lib/link-tokens.js';
import { isBlocked, type ThrottleRule } from './throttle.js';
import { recordFailure, throttleRows } from './throttle-repository.js';

const INVITE_DAYS = 7;
const RESET_MINUTES = 60;
const SETUP_KEY = 'first_run_setup';

export type LinkState =
  | { state: 'valid'; tokenId: number; userId: number; email: string }
  | { state: 'expired' | 'used' | 'invalid' };

export class AccountsService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
  ) {}

  /** Creates an invited user and queues the invitation email; returns the link to show the admin. */
  async invite(
    input: { email: string; role: UserRole; organisationId: number | null; organisationName?: string },
    actor: Actor,
  ): Promise<{ ok: true; link: string } | { ok: false; reason: 'exists' }> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      if (await repo.findUserByEmail(trx, input.email))
        return { ok: false as const, reason: 'exists' as const };
      const user = await repo.insertUser(trx, input);
      const link = await this.issueInvitation(trx, user.id, input.organisationName ?? null, now);
      await audit(trx, {
        actor,
        organisationId: input.organisationId,
        action: 'user_invited',
        entity: 'user',
        entityId: user.id,
        detail: { email: user.email, role: user.role },
        at: now,
      });
      return { ok: true as const, link };
    });
  }

  private async issueInvitation(
    trx: DbOrTrx,
    userId: number,
    organisationName: string | null,
    now: Date,
  ): Promise<string> {
    const { token, hash } = newLinkToken();
    const expiresAt = new Date(now.getTime() + INVITE_DAYS * 86_400_000);
    await repo.insertLinkToken(trx, { userId, purpose: 'invite', hash, expiresAt });
    const link = `${this.config.publicUrl}/invitations/${token}`;
    const user = await repo.findUserById(trx, userId);
    const content = await renderEmail('invitation', {
      link,
      organisationName,
      expires: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'Europe/London' }).format(
        expiresAt,
      ),
    });
    await enqueue(
      trx,
      {
        idempotencyKey: `invitation:${userId}:${hash.slice(0, 16)}`,
        to: [user!.email],
        subject: 'Set up your account for the drug-related deaths return',
        ...content,
        secret: true,
      },
      now,
    );
    return link;
  }

  async checkLinkToken(token: string, purpose: 'invite' | 'reset' = 'invite'): Promise<LinkState> {
    const row = await repo.findLinkToken(this.db, hashLinkToken(token));
    if (!row || row.purpose !== purpose || row.status === 'deactivated') return { state: 'invalid' };
    if (row.used_at) return { state: 'used' };
    if (row.expires_at <= this.clock.now()) return { state: 'expired' };
    return { state: 'valid', tokenId: row.id, userId: row.user_id, email: row.email };
  }

  /** Sets the password from an invitation link; the link then stops working. */
  acceptInvitation(token: string, password: string): Promise<User | LinkState['state']> {
    return this.usePasswordLink(token, password, 'invite');
  }

  /** Sets a new password from a reset link; every other session of the user ends. */
  resetPassword(token: string, password: string): Promise<User | LinkState['state']> {
    return this.usePasswordLink(token, password, 'reset');
  }

  private async usePasswordLink(
    token: string,
    password: string,
    purpose: 'invite' | 'reset',
  ): Promise<User | LinkState['state']> {
    const check = await this.checkLinkToken(token, purpose);
    if (check.state !== 'valid') return check.state;
    const passwordHash = await hashPassword(password);
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.useLinkToken(trx, check.tokenId, now))) return 'used' as const;
      await repo.setPassword(trx, check.userId, passwordHash);
      // A new password makes every other reset link for the account useless.
      await repo.cancelResetLinks(trx, check.userId, now);
      if (purpose === 'reset') await repo.endEverySessionOf(trx, check.userId);
      const user = (await repo.findUserById(trx, check.userId))!;
      await audit(trx, {
        actor: actorOf(user),
        organisationId: user.organisation_id,
        action: purpose === 'reset' ? 'password_reset' : 'invitation_accepted',
        entity: 'user',
        entityId: user.id,
        at: now,
      });
      return user;
    });
  }

  /**
   * Emails a single-use reset link (valid for an hour) to an active user. Says nothing either way, so
   * the page cannot be used to find out which addresses have accounts.
   */
  async requestPasswordReset(email: string, source = 'unknown'): Promise<void> {
    const now = this.clock.now();
    // Counted apart from sign-in: a flood of reset requests is dropped quietly (the page says the same).
    const address = email.trim().toLowerCase();
    const rules: ThrottleRule[] = [
      { key: `reset:source:${source}`, limit: 10, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
      { key: `reset:account:${address}`, limit: 3, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
    ];
    const rows = await throttleRows(
      this.db,
      rules.map((r) => r.key),
    );
    if (rules.some((r) => isBlocked(rows.get(r.key), now))) return;
    await recordFailure(this.db, rules, now);
    const user = await repo.findUserByEmail(this.db, email);
    if (!user || user.status !== 'active') {
      await audit(this.db, {
        actor: { userId: null, label: 'anonymous' },
        organisationId: null,
        action: 'password_reset_requested_unknown',
        entity: 'user',
        at: now,
      });
      return;
    }
    const { token, hash } = newLinkToken();
    const expiresAt = new Date(now.getTime() + RESET_MINUTES * 60_000);
    await this.db.transaction().execute(async (trx) => {
      // Only the newest reset link works.
      await repo.cancelResetLinks(trx, user.id, now);
      await repo.insertLinkToken(trx, { userId: user.id, purpose: 'reset', hash, expiresAt });
      const content = await renderEmail('password-reset', {
        link: `${this.config.publicUrl}/reset-password/${token}`,
        minutes: RESET_MINUTES,
      });
      await enqueue(
        trx,
        {
          idempotencyKey: `reset:${user.id}:${hash.slice(0, 16)}`,
          to: [user.email],
          subject: 'Reset your password for the drug-related deaths return',
          ...content,
          secret: true,
        },
        now,
      );
      await audit(trx, {
        actor: actorOf(user),
        organisationId: user.organisation_id,
        action: 'password_reset_requested',
        entity: 'user',
        entityId: user.id,
        at: now,
      });
    });
  }

  /** With no users at all, a one-time set-up link for the first CCSU administrator (else null). */
  async firstRunSetupLink(): Promise<string | null> {
    if ((await repo.countUsers(this.db)) > 0) return null;
    const { token, hash } = newLinkToken();
    await putSetting(this.db, SETUP_KEY, { hash }, this.clock.now());
    return `${this.config.publicUrl}/setup/${token}`;
  }

  async setupTokenValid(token: string): Promise<boolean> {
    const stored = (await getSetting(this.db, SETUP_KEY)) as { hash?: string } | undefined;
    return !!stored?.hash && stored.hash === hashLinkToken(token) && (await repo.countUsers(this.db)) === 0;
  }

  async completeSetup(token: string, email: string, password: string): Promise<User | null> {
    if (!(await this.setupTokenValid(token))) return null;
    const passwordHash = await hashPassword(password);
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      // Lock the settings row so two set-up attempts cannot both create an administrator.
      const locked = await repo.lockSetupKey(trx, SETUP_KEY);
      if (!locked || (await repo.countUsers(trx)) > 0) return null;
      const user = await repo.insertUser(trx, {
        email,
        role: 'ccsu_admin',
        organisationId: null,
        passwordHash,
        active: true,
      });
      await deleteSetting(trx, SETUP_KEY);
      await audit(trx, {
        actor: actorOf(user),
        organisationId: null,
        action: 'first_admin_created',
        entity: 'user',
        entityId: user.id,
        at: now,
      });
      return user;
    });
  }

  /** `npm run create-admin -- <email>`: an invited CCSU administrator and the link to set a password. */
  async createAdmin(email: string): Promise<{ ok: true; link: string } | { ok: false; reason: 'exists' }> {
    return this.invite(
      { email, role: 'ccsu_admin', organisationId: null },
      { userId: null, label: 'command line' },
    );
  }

  findUser(id: number) {
    return repo.findUserById(this.db, id);
  }

  listUsers() {
    return repo.listUsers(this.db, this.clock.now());
  }

  /**
   * Deactivates or reactivates a user. Someone who never set a password goes back to being invited,
   * with a fresh invitation (the old link may have expired): `invitationLink` is that link.
   */
  async setUserActive(
    userId: number,
    active: boolean,
    actor: Actor,
    by: 'ccsu' | 'return_lead' = 'ccsu',
  ): Promise<(User & { invitationLink?: string }) | 'ccsu_only' | undefined> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const before = await repo.findUserById(trx, userId, { forUpdate: true });
      if (!before) return undefined;
      if (active && by !== 'ccsu' && before.status === 'deactivated' && before.deactivated_by_ccsu)
        return 'ccsu_only' as const;
      const neverSignedUp = before.password_hash === null;
      const status = !active ? 'deactivated' : neverSignedUp ? 'invited' : 'active';
      const user = (await repo.setUserStatus(trx, userId, status, !active && by === 'ccsu'))!;
      if (!active) await repo.endEverySessionOf(trx, userId);
      let invitationLink: string | undefined;
      if (active && neverSignedUp) {
        const organisation = user.organisation_id
          ? await repo.organisationName(trx, user.organisation_id)
          : null;
        invitationLink = await this.issueInvitation(trx, user.id, organisation, now);
      }
      await audit(trx, {
        actor,
        organisationId: user.organisation_id,
        action: active ? 'user_reactivated' : 'user_deactivated',
        entity: 'user',
        entityId: user.id,
        detail: { email: user.email, ...(invitationLink ? { invitation: 'sent again' } : {}) },
        at: now,
      });
      return { ...user, invitationLink };
    });
  }
}

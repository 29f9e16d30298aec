// Passkeys (WebAuthn, issue #25): a credential on the user's device or in their password manager,
// unlocked by their fingerprint, face or PIN. One passkey proves both factors, so signing in with it
// needs no password, no code and no app. The cryptography is @simplewebauthn/server's; this module
// keeps what it needs — single-use challenges in PostgreSQL (any instance can finish a ceremony another
// started), counters, the relying party from PUBLIC_URL — and makes every refusal look the same.
import { randomBytes } from 'node:crypto';
import type {
  AuthenticationResponseJSON,
  AuthenticatorTransport,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
  VerifiedAuthenticationResponse,
  VerifiedRegistrationResponse,
} from '@simplewebauthn/server';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Passkey, User } from '../db/types.js';
import { actorOf, audit, type Actor } from '../audit/audit.js';
import { enqueue } from '../mail/outbox.js';
import { emailTime, renderEmail } from '../mail/templates.js';
import * as repo from './repository.js';
import * as passkeys from './passkeys-repository.js';
import { isBlocked, signInSourceRule } from './throttle.js';
import { recordFailure, throttleRows } from './throttle-repository.js';
import type { TwoFactorService } from './two-factor.js';
import { distinctName } from './passkey-names.js';
import { authenticationShape, challengeOf, registrationShape } from './webauthn-answers.js';

// The WebAuthn library, loaded on first use: it is large, and only the passkey ceremonies need it.
const webauthn = () => import('@simplewebauthn/server');

/** How long a ceremony may take, from the options to the answer. */
const CEREMONY_MS = 5 * 60_000;

export type PasskeySignIn = { ok: true; user: User } | { ok: false; reason: 'invalid' | 'throttled' };
export type PasskeyAdded = { ok: true; passkey: Passkey; recoveryCodes?: string[] } | { ok: false };
export type PasskeyRemoval = 'removed' | 'last' | 'not-found';

export class PasskeyService {
  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly twoFactor: TwoFactorService,
  ) {}

  /** The relying party is the service's own address: a passkey made here works nowhere else. */
  private get relyingParty() {
    const url = new URL(this.config.publicUrl);
    return { id: url.hostname, origin: url.origin, name: 'drd-return' };
  }

  list(user: User): Promise<Passkey[]> {
    return passkeys.listPasskeys(this.db, user.id);
  }

  find(user: User, id: number): Promise<Passkey | undefined> {
    return passkeys.findPasskey(this.db, user.id, id);
  }

  /** Options for creating a passkey: resident (so sign-in needs no email), user verification required. */
  async registrationOptions(user: User): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const rp = this.relyingParty;
    const handle = await passkeys.passkeyHandle(this.db, user.id, randomBytes(32).toString('base64url'));
    const existing = await passkeys.listPasskeys(this.db, user.id);
    const options = await (
      await webauthn()
    ).generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: user.email,
      userDisplayName: user.email,
      userID: Buffer.from(handle, 'base64url'),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
      authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
      timeout: CEREMONY_MS,
    });
    const challenge = { challenge: options.challenge, purpose: 'register' as const, userId: user.id };
    await passkeys.saveChallenge(this.db, challenge, this.clock.now(), CEREMONY_MS);
    return options;
  }

  /**
   * Keeps the passkey the browser made, if it answers this user's own challenge from this service's
   * origin with the user verified. A user's first factor also gets recovery codes, for a lost device.
   */
  async register(user: User, raw: unknown, name: string): Promise<PasskeyAdded> {
    const now = this.clock.now();
    const fail = async (reason: string): Promise<PasskeyAdded> => {
      await this.audited(user, 'passkey_add_failed', { reason });
      return { ok: false };
    };
    const shape = registrationShape.safeParse(raw);
    if (!shape.success) return fail('malformed');
    const response = shape.data as RegistrationResponseJSON;
    const challenge = challengeOf(response.response.clientDataJSON);
    if (!challenge || !(await passkeys.takeChallenge(this.db, challenge, 'register', user.id, now)))
      return fail('challenge not issued, used or expired');
    const rp = this.relyingParty;
    let verified: VerifiedRegistrationResponse;
    try {
      verified = await (
        await webauthn()
      ).verifyRegistrationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        requireUserVerification: true,
      });
    } catch {
      return fail('not verified');
    }
    if (!verified.verified) return fail('not verified');
    const info = verified.registrationInfo;
    if (await passkeys.findPasskeyByCredential(this.db, info.credential.id))
      return fail('already registered');
    const factors = await this.twoFactor.factors(user);
    name = distinctName(
      name,
      (await passkeys.listPasskeys(this.db, user.id)).map((p) => p.name),
    );
    const content = await renderEmail('passkey-added', {
      email: user.email,
      name,
      when: emailTime(now),
      link: `${this.config.publicUrl}/account`,
    });
    return this.db.transaction().execute(async (trx) => {
      const passkey = await passkeys.insertPasskey(trx, {
        userId: user.id,
        credentialId: info.credential.id,
        publicKey: info.credential.publicKey,
        counter: info.credential.counter,
        transports: info.credential.transports ?? response.response.transports ?? [],
        deviceType: info.credentialDeviceType,
        backedUp: info.credentialBackedUp,
        name,
        at: now,
      });
      const recoveryCodes =
        !factors.app && factors.passkeys === 0
          ? await this.twoFactor.replaceRecoveryCodes(trx, user.id)
          : undefined;
      await audit(trx, {
        actor: actorOf(user),
        organisationId: user.organisation_id,
        action: 'passkey_added',
        entity: 'passkey',
        entityId: passkey.id,
        detail: { synced: passkey.backed_up, recoveryCodesMade: recoveryCodes !== undefined },
        at: now,
      });
      await enqueue(
        trx,
        {
          idempotencyKey: `passkey-added:${passkey.id}`,
          to: [user.email],
          subject: 'A passkey was added to your drd-return account',
          ...content,
        },
        now,
      );
      return { ok: true as const, passkey, recoveryCodes };
    });
  }

  /** Options for signing in with any passkey of this service (discoverable: no email asked first). */
  async signInOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const options = await (
      await webauthn()
    ).generateAuthenticationOptions({
      rpID: this.relyingParty.id,
      userVerification: 'required',
      timeout: CEREMONY_MS,
    });
    const challenge = { challenge: options.challenge, purpose: 'sign_in' as const, userId: null };
    await passkeys.saveChallenge(this.db, challenge, this.clock.now(), CEREMONY_MS);
    return options;
  }

  /**
   * Signs in with a passkey: the answer must sign the challenge this browser was given (once, within
   * five minutes), from this origin, by a stored credential of an active user whose handle it carries,
   * with the user verified and the counter moving on. Every refusal is the same 'invalid', audited with
   * its reason, and counted against the source like a wrong password.
   */
  async signIn(raw: unknown, issued: string | undefined, source: string): Promise<PasskeySignIn> {
    const now = this.clock.now();
    const rule = signInSourceRule(source);
    if (isBlocked((await throttleRows(this.db, [rule.key])).get(rule.key), now)) {
      await this.audited(undefined, 'sign_in_throttled', { method: 'passkey' });
      return { ok: false, reason: 'throttled' };
    }
    const outcome = await this.checkAnswer(raw, issued, now);
    if ('refused' in outcome) {
      await recordFailure(this.db, [rule], now);
      await this.audited(outcome.user, 'passkey_sign_in_failed', { reason: outcome.refused });
      return { ok: false, reason: 'invalid' };
    }
    await repo.recordSuccessfulSignIn(this.db, outcome.user.id, now);
    await this.audited(outcome.user, 'sign_in', { method: 'passkey', passkey: outcome.passkeyId });
    return { ok: true, user: outcome.user };
  }

  /** The checks of a sign-in, in order; the first that fails says why (for the audit log only). */
  private async checkAnswer(
    raw: unknown,
    issued: string | undefined,
    now: Date,
  ): Promise<{ user: User; passkeyId: number } | { refused: string; user?: User }> {
    const shape = authenticationShape.safeParse(raw);
    if (!shape.success) return { refused: 'malformed' };
    const response = shape.data as AuthenticationResponseJSON;
    const challenge = challengeOf(response.response.clientDataJSON);
    if (!challenge || challenge !== issued) return { refused: 'challenge not given to this browser' };
    if (!(await passkeys.takeChallenge(this.db, challenge, 'sign_in', null, now)))
      return { refused: 'challenge not issued, used or expired' };
    const passkey = await passkeys.findPasskeyByCredential(this.db, response.id);
    if (!passkey) return { refused: 'unknown or removed passkey' };
    const user = await repo.findUserById(this.db, passkey.user_id);
    if (!user || user.status !== 'active') return { refused: `account ${user?.status ?? 'gone'}`, user };
    if (!user.passkey_handle || response.response.userHandle !== user.passkey_handle)
      return { refused: 'passkey of another user', user };
    const rp = this.relyingParty;
    const cloned = 'counter went backwards (a cloned authenticator?)';
    let verified: VerifiedAuthenticationResponse;
    try {
      verified = await (
        await webauthn()
      ).verifyAuthenticationResponse({
        response,
        expectedChallenge: challenge,
        expectedOrigin: rp.origin,
        expectedRPID: rp.id,
        credential: {
          id: passkey.credential_id,
          publicKey: new Uint8Array(passkey.public_key),
          counter: passkey.counter,
          transports: passkey.transports as AuthenticatorTransport[],
        },
        requireUserVerification: true,
      });
    } catch (error) {
      const counter = error instanceof Error && /counter/i.test(error.message);
      return { refused: counter ? cloned : 'not verified', user };
    }
    if (!verified.verified) return { refused: 'not verified', user };
    const used = await passkeys.recordPasskeyUse(this.db, passkey.id, {
      counter: verified.authenticationInfo.newCounter,
      previous: passkey.counter,
      backedUp: verified.authenticationInfo.credentialBackedUp,
      at: now,
    });
    return used ? { user, passkeyId: passkey.id } : { refused: cloned, user };
  }

  async rename(user: User, id: number, name: string): Promise<boolean> {
    const result = await passkeys.renamePasskey(this.db, user.id, id, name);
    if (Number(result.numUpdatedRows) === 0) return false;
    await this.audited(user, 'passkey_renamed', { passkey: id });
    return true;
  }

  /** Removes a passkey, unless it is the user's last way to prove the second factor. */
  async remove(user: User, id: number, actor: Actor): Promise<PasskeyRemoval> {
    return this.db.transaction().execute(async (trx) => {
      // Locks the user's row, so two removals racing cannot each leave the other as the last.
      const locked = await repo.findUserById(trx, user.id, { forUpdate: true });
      const all = await passkeys.listPasskeys(trx, user.id);
      if (!all.some((p) => p.id === id)) return 'not-found';
      if (all.length === 1 && locked?.totp_enabled_at === null) return 'last';
      await passkeys.deletePasskey(trx, user.id, id);
      await audit(trx, {
        actor,
        organisationId: user.organisation_id,
        action: 'passkey_removed',
        entity: 'passkey',
        entityId: id,
        at: this.clock.now(),
      });
      return 'removed';
    });
  }

  private audited(user: User | undefined, action: string, detail: Record<string, unknown>) {
    return audit(this.db, {
      actor: user ? actorOf(user) : { userId: null, label: 'anonymous' },
      organisationId: user?.organisation_id ?? null,
      action,
      entity: user ? 'user' : 'passkey',
      entityId: user?.id,
      detail,
      at: this.clock.now(),
    });
  }
}

// The session's side of signing in. A right password (or a new one from a link) leads to the second
// factor, not straight in: the session holds a "pending" user for ten minutes, signed in only once a
// code, a recovery code or a remembered browser has been checked.
import type { Request, Response } from 'express';
import type { User } from '../db/types.js';
import { cookieValue } from '../lib/cookies.js';
import { rememberDays, secondFactorRequired, type TwoFactorService } from './two-factor.js';

declare module 'express-session' {
  interface SessionData {
    /** Passed the password step, not yet the second factor. */
    pendingUserId?: number;
    pendingSince?: number;
    pendingReturnTo?: string;
    /** A key being set up, until a code from the app confirms it (encrypted: TotpKeys.encrypt). */
    enrolmentKey?: string;
    /** Recovery codes just made (a JSON list, encrypted), shown once and then dropped from the session. */
    newRecoveryCodes?: string;
    /** The challenge this browser was given for signing in with a passkey (accounts/passkeys.ts). */
    passkeyChallenge?: string;
    /** Signed in without a passkey and has none: the next page offers to create one, once. */
    offerPasskey?: boolean;
    pendingOfferPasskey?: boolean;
  }
}

export const REMEMBER_COOKIE = 'drd.remember';
const PENDING_MS = 10 * 60_000;

/** Where signing in lands: a partner on the return they owe (if any), CCSU on their home page. */
export function homeFor(user: User): string {
  return user.role === 'partner' ? '/returns/owed' : '/ccsu';
}

/** Only local paths, so a crafted returnTo cannot send a user to another site after signing in. */
export function safeReturnTo(value: unknown): string | undefined {
  return typeof value === 'string' && /^\/(?!\/)[\w\-/?=&%.]*$/.test(value) ? value : undefined;
}

function regenerate(req: Request): Promise<void> {
  // A fresh session id at each step stops session fixation.
  return new Promise<void>((resolve, reject) =>
    req.session.regenerate((err) => (err ? reject(err) : resolve())),
  );
}

/**
 * Signs the user in for good; the caller has checked both factors (or that none is needed). One who
 * has no passkey is offered one on the next page.
 */
export async function signInAs(req: Request, user: User, offerPasskey = false): Promise<void> {
  await regenerate(req);
  req.session.userId = user.id;
  if (offerPasskey) req.session.offerPasskey = true;
}

/**
 * After the password (or a new password from a link): straight in when no second factor is needed or
 * this browser was remembered; otherwise to the code page, to the passkey (an account whose only
 * factor is a passkey), or to set one up. Returns where to go.
 */
export async function afterPassword(
  req: Request,
  user: User,
  twoFactor: TwoFactorService,
  returnTo: string | undefined,
): Promise<string> {
  const settings = await twoFactor.settings();
  const factors = await twoFactor.factors(user);
  const required = secondFactorRequired(user, settings);
  const remembered =
    factors.app &&
    rememberDays(user, settings) > 0 &&
    (await twoFactor.isRemembered(user, cookieValue(req, REMEMBER_COOKIE)));
  if ((!factors.app && factors.passkeys === 0 && !required) || remembered) {
    await signInAs(req, user, factors.passkeys === 0);
    return returnTo ?? homeFor(user);
  }
  await regenerate(req);
  req.session.pendingUserId = user.id;
  req.session.pendingSince = twoFactor.now().getTime();
  req.session.pendingReturnTo = returnTo;
  req.session.pendingOfferPasskey = factors.passkeys === 0;
  if (factors.app) return '/sign-in/code';
  return factors.passkeys > 0 ? '/sign-in/use-passkey' : '/sign-in/set-up';
}

/** The user between the two steps, if the password step was in the last ten minutes. */
export function pendingUserId(req: Request, now: Date): number | undefined {
  const { pendingUserId: id, pendingSince } = req.session;
  if (id === undefined || pendingSince === undefined) return undefined;
  return now.getTime() - pendingSince <= PENDING_MS ? id : undefined;
}

/** Both factors passed: signed in, and where they were going. */
export async function completeSignIn(req: Request, user: User): Promise<string> {
  const returnTo = req.session.pendingReturnTo;
  await signInAs(req, user, req.session.pendingOfferPasskey === true);
  return returnTo ?? homeFor(user);
}

/** The browser's own clock counts the days (maxAge); the server checks its stored expiry too. */
export function rememberThisBrowser(res: Response, token: string, days: number, secure: boolean): void {
  res.cookie(REMEMBER_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    maxAge: days * 86_400_000,
    path: '/',
  });
}

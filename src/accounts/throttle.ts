// Throttling of sign-in and password-reset attempts, counted in PostgreSQL so several app instances share
// the counts. It slows an attacker without locking the owner out:
// - one source guessing one account is stopped after a few failures (that pair only);
// - one source guessing many accounts is stopped after more;
// - an account guessed from many sources stops every source that has itself failed on it, while a
//   source with no failures for it — the owner at their own desk — can still sign in.
// Keys are built from the address as typed, whether or not an account has it, so throttling tells
// nobody which addresses have accounts. Successful sign-ins are not counted.
export interface ThrottleRow {
  key: string;
  failures: number;
  blocked_until: Date | null;
}

export interface ThrottleRule {
  key: string;
  limit: number;
  windowMs: number;
  blockMs: number;
}

/**
 * One source's sign-in failures, whichever way it tries (password or passkey): 30 in 15 minutes stop
 * that source for 15 minutes.
 */
export function signInSourceRule(source: string): ThrottleRule {
  return { key: `signin:source:${source}`, limit: 30, windowMs: 15 * 60_000, blockMs: 15 * 60_000 };
}

export function isBlocked(row: ThrottleRow | undefined, now: Date): boolean {
  return !!row?.blocked_until && row.blocked_until > now;
}

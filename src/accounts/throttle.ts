// Throttling of sign-in and password-reset attempts, counted in PostgreSQL so several app instances share
// the counts. It slows an attacker without locking the owner out:
// - one source guessing one account is stopped after a few failures (that pair only);
// - one source guessing many accounts is stopped after more;
// - an account guessed from many sources stops every source that has itself failed on it, while a
//   source with no failures for it — the owner at their own desk — can still sign in.
// Keys are built from the address as typed, whether or not an account has it, so throttling tells
// nobody which addresses have accounts. Successful sign-ins are not counted.
import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';

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

interface Row {
  key: string;
  failures: number;
  blocked_until: Date | null;
}

export async function throttleRows(db: DbOrTrx, keys: string[]): Promise<Map<string, Row>> {
  const rows = await db
    .selectFrom('sign_in_throttle')
    .select(['key', 'failures', 'blocked_until'])
    .where('key', 'in', keys)
    .execute();
  return new Map(rows.map((r) => [r.key, r]));
}

/** Counts one failure against each rule; a rule that reaches its limit blocks its key for `blockMs`. */
export async function recordFailure(db: DbOrTrx, rules: ThrottleRule[], now: Date): Promise<void> {
  for (const rule of rules) {
    const windowStart = new Date(now.getTime() - rule.windowMs);
    const blockUntil = new Date(now.getTime() + rule.blockMs);
    await sql`
      insert into sign_in_throttle as t (key, failures, window_started_at, blocked_until)
      values (${rule.key}, 1, ${now}, ${rule.limit <= 1 ? blockUntil : null})
      on conflict (key) do update set
        failures = case when t.window_started_at < ${windowStart} then 1 else t.failures + 1 end,
        window_started_at = case when t.window_started_at < ${windowStart} then ${now} else t.window_started_at end,
        blocked_until = case
          when (case when t.window_started_at < ${windowStart} then 1 else t.failures + 1 end) >= ${rule.limit}
            then ${blockUntil}
          else t.blocked_until end`.execute(db);
  }
}

export function isBlocked(row: Row | undefined, now: Date): boolean {
  return !!row?.blocked_until && row.blocked_until > now;
}

/** Forgets keys: after a successful sign-in (that pair), or an administrator's unlock. */
export async function clearKeys(db: DbOrTrx, keys: string[], prefixes: string[] = []): Promise<void> {
  await db
    .deleteFrom('sign_in_throttle')
    .where((eb) =>
      eb.or([
        ...(keys.length ? [eb('key', 'in', keys)] : []),
        ...prefixes.map((p) => eb('key', 'like', `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`)),
      ]),
    )
    .execute();
}

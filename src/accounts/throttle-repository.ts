// The sign-in throttle's counts (see throttle.ts for the rules they serve): one row per key in
// sign_in_throttle, shared by every app instance.
import { sql } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { ThrottleRow, ThrottleRule } from './throttle.js';

export async function throttleRows(db: DbOrTrx, keys: string[]): Promise<Map<string, ThrottleRow>> {
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

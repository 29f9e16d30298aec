// One shape for what a service action returns: success with its values, or a failure with a reason
// from a closed list. Each router keeps one table from reason to message and status, and the compiler
// checks the table names every reason.
import { HttpError } from './http-error.js';

export type Result<T extends object, Reason extends string> =
  ({ ok: true } & T) | { ok: false; reason: Reason };

export const fail = <Reason extends string>(reason: Reason) => ({ ok: false as const, reason });

/**
 * How a route answers one failure reason: the status and the words on the error page, or null to carry
 * on as if it had succeeded (the state is already as the user asked: a second click, another tab).
 */
export type Refusal = { status: number; explanation?: string } | null;

/** Throws the error page the route's table gives a failed result; success, or a null entry, passes. */
export function refuse<Reason extends string>(
  result: { ok: true } | { ok: false; reason: Reason },
  refusals: Record<Reason, Refusal>,
  message: string,
): void {
  const refusal = result.ok ? null : refusals[result.reason];
  if (refusal) throw new HttpError(refusal.status, message, refusal.explanation);
}

// One shape for what a service action returns: success with its values, or a failure with a reason
// from a closed list. Each router keeps one table from reason to message and status, and the compiler
// checks the table names every reason.
export type Result<T extends object, Reason extends string> =
  ({ ok: true } & T) | { ok: false; reason: Reason };

export const fail = <Reason extends string>(reason: Reason) => ({ ok: false as const, reason });

// The pool's client, made to leave the pool when it can no longer be trusted. pg-pool keeps a client
// it hands back unless the client says it is unusable; but a connection the server closed while it was
// checked out (a restart, a terminated backend) or one that answered "read-only" (a failover, a
// standby) would otherwise go back and fail the next request, and the one after — writes failed on and
// off for 87 s after a read-only episode. Such a client marks itself unusable, so the pool drops it on
// release and the next request gets a fresh connection.
import pg from 'pg';

/** Errors after which this connection is no use: read-only, shut down by the server, or cut. */
export function poisonsConnection(error: unknown): boolean {
  const e = error as { code?: string; severity?: string; message?: string } | undefined;
  if (!e) return false;
  if (e.severity === 'FATAL' || e.severity === 'PANIC') return true;
  if (/^(25006|57P0[1-3]|08...)$/.test(e.code ?? '')) return true;
  return /Connection terminated|not queryable/i.test(e.message ?? '');
}

export class DroppingClient extends pg.Client {
  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.on('end', () => markUnusable(this));
  }
}

/** pg-pool reads this (private) flag on release and removes a client that is not queryable. */
function markUnusable(client: pg.Client): void {
  (client as unknown as { _queryable: boolean })._queryable = false;
}

// Every query form passes through query(); only the promise form (the one Kysely uses) returns a
// promise to watch, and a rejected one is handed on unchanged.
type Query = (...args: unknown[]) => unknown;
const query = pg.Client.prototype.query as unknown as Query;
Object.assign(DroppingClient.prototype, {
  query(this: pg.Client, ...args: unknown[]): unknown {
    const result = query.apply(this, args);
    if (result instanceof Promise)
      result.catch((error: unknown) => {
        if (poisonsConnection(error)) markUnusable(this);
      });
    return result;
  },
});

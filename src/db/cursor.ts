// The cursor exports stream through, made to end whatever happens to the connection. pg-cursor as it
// comes has two traps:
// - pg's client-side query timeout counts from the moment the cursor opens, so a download that takes
//   longer than a minute (a large export to a slow connection) was cut part way;
// - after the connection dies mid-stream, close() waits for a reply the dead connection never sends,
//   so the stream never ends and its pooled connection is never given back (ten of those, and every
//   request answered 503).
// Here the timeout counts each read instead (the server's statement_timeout does the same for each
// fetch), and close() returns at once on a connection that has failed, or after a few seconds on one
// that does not answer, which it then cuts, so the pool drops it.
import Cursor from 'pg-cursor';

/** The longest setTimeout allows: the whole-cursor timer is never the one that fires. */
const NEVER = 2_147_483_647;

interface Connection {
  stream?: { destroyed?: boolean; destroy(): void };
}
interface CursorInternals {
  connection: Connection | null;
  state: string;
  /** Set by pg's Client.query: calling it clears that query's timer. A cursor never calls it itself. */
  callback?: (err?: Error) => void;
}

/** Kysely reads and closes cursors by promise only; so do these. */
type Read = (rows: number) => Promise<unknown[]>;
type Close = () => Promise<void>;

export function endingCursor(readTimeoutMs: number, closeTimeoutMs = 5_000): typeof Cursor {
  class EndingCursor extends Cursor {
    // Read by pg's Client.query from the submittable itself, before the pool's own query_timeout.
    readonly query_timeout = NEVER;
  }
  const read = Cursor.prototype.read as unknown as Read;
  const close = Cursor.prototype.close as unknown as Close;
  const cut = (cursor: CursorInternals) => cursor.connection?.stream?.destroy();

  const endingRead: Read = function (this: Cursor & CursorInternals, rows) {
    // A fetch that gets no answer at all (a network partition: the server's own timeout cannot reach
    // us) cuts the connection, which fails the read.
    const timer = setTimeout(() => cut(this), readTimeoutMs);
    return read.call(this, rows).finally(() => clearTimeout(timer));
  };
  const endingClose: Close = function (this: Cursor & CursorInternals) {
    // pg's timer for the whole query would otherwise hold the process open until it fired.
    const done = () => {
      const callback = this.callback;
      this.callback = undefined;
      callback?.();
    };
    const dead = !this.connection || this.connection.stream?.destroyed === true;
    if (this.state === 'error' && dead) return Promise.resolve().then(done);
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      close.call(this),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          cut(this); // no answer: the connection is no use to anyone now
          resolve();
        }, closeTimeoutMs);
      }),
    ]).finally(() => {
      clearTimeout(timer);
      done();
    });
  };
  Object.assign(EndingCursor.prototype, { read: endingRead, close: endingClose });
  return EndingCursor;
}

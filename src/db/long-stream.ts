// A read that streams for as long as its reader takes: an export to a slow connection, a feed read by
// Power BI. It runs in a read-only transaction of its own with no statement timeout (the server would
// otherwise cut the cursor when the whole download passes one statement's time); each fetch still has
// the cursor's own limit (db/cursor.ts), so a stream that stops making progress is cut, and the
// transaction ends — committed, or rolled back when the reader stops early or the connection fails —
// giving its connection back to the pool whatever happens.
import { sql } from 'kysely';
import type { Db, DbOrTrx } from './database.js';

export interface Streamable<Row> {
  stream(chunkSize?: number): AsyncIterableIterator<Row>;
}

export async function* longStream<Row>(
  db: Db,
  build: (db: DbOrTrx) => Streamable<Row>,
  chunkSize = 500,
): AsyncGenerator<Row> {
  const trx = await db.startTransaction().setAccessMode('read only').execute();
  let finished = false;
  try {
    await sql`set local statement_timeout = 0`.execute(trx);
    yield* build(trx).stream(chunkSize);
    finished = true;
  } finally {
    if (finished) await trx.commit().execute();
    else
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
  }
}

import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { DB } from './types.js';

export type Db = Kysely<DB>;
/** Repositories take either the database or a transaction, so services decide the transaction. */
export type DbOrTrx = Kysely<DB> | Transaction<DB>;

// Read `date` columns as the 'YYYY-MM-DD' text they are, not as a JS Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// bigint ids and counts fit in a JS number at this scale.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function createDatabase(connectionString: string, options: { max?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle connection dropped by the server (restart, failover) must not crash the app: the pool
  // discards it and the next query opens a new one.
  pool.on('error', () => {});
  // The cursor lets exports stream rows instead of loading them all.
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
}

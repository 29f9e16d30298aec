import { Kysely, PostgresDialect, type Transaction } from 'kysely';
import pg from 'pg';
import type { DB } from './types.js';
import { endingCursor } from './cursor.js';
import { DroppingClient } from './client.js';

export type Db = Kysely<DB>;
/** Repositories take either the database or a transaction, so services decide the transaction. */
export type DbOrTrx = Kysely<DB> | Transaction<DB>;

// Read `date` columns as the 'YYYY-MM-DD' text they are, not as a JS Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);
// bigint ids and counts fit in a JS number at this scale.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface DatabaseOptions {
  max?: number;
  /** How long to wait for a new connection before the request fails (a database that is down). */
  connectTimeoutMs?: number;
  /** The longest one statement may run; a locked table or a runaway query ends in an error, not a hang. */
  statementTimeoutMs?: number;
  /** Told about connection errors the pool recovers from by itself (for the log). */
  onConnectionError?: (error: Error) => void;
  /** A connection is closed and replaced after this long (0: never), so no session state outlives it. */
  maxLifetimeSeconds?: number;
}

export const defaultDatabaseOptions = {
  max: 10,
  connectTimeoutMs: 5_000,
  statementTimeoutMs: 60_000,
  maxLifetimeSeconds: 600,
} as const;

export function createDatabase(connectionString: string, options: DatabaseOptions = {}): Db {
  const settings = { ...defaultDatabaseOptions, ...options };
  const pool = new pg.Pool({
    connectionString,
    // A client that saw its connection die or turn read-only leaves the pool (db/client.ts).
    Client: DroppingClient as unknown as new () => pg.ClientBase,
    maxLifetimeSeconds: settings.maxLifetimeSeconds,
    max: settings.max,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    statement_timeout: settings.statementTimeoutMs,
    // The client-side limit catches a server that stops answering altogether (a network partition),
    // where the server-side statement_timeout can never fire.
    query_timeout: settings.statementTimeoutMs + 5_000,
    keepAlive: true,
  });
  const report = (error: Error) => settings.onConnectionError?.(error);
  // A connection lost while idle in the pool (restart, failover) is discarded by the pool; the next
  // query opens a new one.
  pool.on('error', report);
  // A connection lost while checked out — between the statements of a transaction, or the job
  // runner's advisory-lock connection — emits 'error' on the client itself, and an 'error' event with
  // no listener kills the process. Every client gets a listener for its whole life: the statement that
  // uses it next fails (and that request gets the error page), and the pool drops the broken client
  // when it is released.
  pool.on('connect', (client) => client.on('error', report));
  // The cursor lets exports stream rows instead of loading them all; each fetch has the statement's time.
  const cursor = endingCursor(settings.statementTimeoutMs + 5_000);
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool, cursor }) });
}

/**
 * True for errors that mean "the database cannot be reached right now" rather than "this request was
 * wrong": the error page then says the service is unavailable (503) and to try again shortly.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  if (!e) return false;
  const code = e.code ?? '';
  // 57P01–57P03 admin/crash shutdown, cannot connect now; 08xxx connection exceptions; 25006 read-only.
  if (/^(57P0[1-3]|08...|25006|53300)$/.test(code)) return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
    return true;
  const message = e.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Query read timeout/i.test(
    message,
  );
}

/** A unique index refused the write (two identical saves at once: the second meets the first). */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === '23505';
}

// A pooled connection that has turned read-only (a failover, a standby) or was closed by the server
// leaves the pool when it is handed back, instead of failing the next request and the one after.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { createDatabase } from '../../src/db/database.js';
import { poisonsConnection } from '../../src/db/client.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await sql`create table scratch (n int)`.execute(database.db);
});
afterAll(() => database.drop());

describe('a connection that cannot be trusted', () => {
  it('when a pooled connection answers "read-only" then the next write gets a fresh connection and succeeds', async () => {
    const db = createDatabase(database.url, { max: 1 });
    try {
      // The one connection becomes read-only for the rest of its life, as after a failover.
      await sql`set session characteristics as transaction read only`.execute(db);
      await expect(sql`insert into scratch values (1)`.execute(db)).rejects.toThrow(/read-only/);
      // Handed back, it left the pool: the same pool's next write opens a new connection.
      await sql`insert into scratch values (2)`.execute(db);
      const rows = await sql<{ n: number }>`select n from scratch`.execute(db);
      expect(rows.rows).toEqual([{ n: 2 }]);
    } finally {
      await db.destroy();
    }
  });

  it.each([
    [{ code: '25006', message: 'cannot execute INSERT in a read-only transaction' }, true],
    [
      { code: '57P01', message: 'terminating connection due to administrator command', severity: 'FATAL' },
      true,
    ],
    [{ message: 'Connection terminated unexpectedly' }, true],
    [{ code: '23505', message: 'duplicate key value violates unique constraint' }, false],
    [{ code: '57014', message: 'canceling statement due to statement timeout' }, false],
  ])('when a query fails with %j then dropping the connection is %s', (error, drop) => {
    expect(poisonsConnection(error)).toBe(drop);
  });
});

// Every streamed read ends, with its rows or an error, and gives its connection back — even when the
// database connection dies in the middle of it (a restart during an export), and even when it takes
// longer than one statement may (a large export to a slow connection).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import pg from 'pg';
import { createDatabase, type Db } from '../../src/db/database.js';
import { longStream } from '../../src/db/long-stream.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

const series = (db: Db, n: number) =>
  db.selectNoFrom(sql<number>`generate_series(1, ${n})`.as('n')).stream(100);

async function terminateOthers(url: string, marker: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select pg_terminate_backend(pid) as done from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and state = 'active' and query like $1`,
      [`%${marker}%`],
    );
    return rows.length;
  } finally {
    await client.end();
  }
}

describe('a streamed read whose connection dies', () => {
  it('when the backend is killed mid-stream then the stream ends with an error and the pool still serves', async () => {
    const db = createDatabase(database.url, { max: 2 });
    try {
      for (let round = 0; round < 4; round += 1) {
        const rows: number[] = [];
        const reading = (async () => {
          for await (const row of series(db, 1_000_000)) {
            rows.push(row.n);
            if (rows.length === 250) expect(await terminateOthers(database.url, 'generate_series')).toBe(1);
          }
        })();
        // Ended, with the connection's error (a pooled connection killed an instant earlier may fail
        // even before its first rows: that is the same failure, met sooner).
        await expect(reading).rejects.toThrow(/terminat/i);
        void round;
      }
      // Four dead streams on a pool of two: had any kept its connection, this would wait for ever. As
      // after any restart, a request may meet a connection that died a moment ago and fail once; within
      // seconds four at once are answered.
      let answers: { rows: { one: number }[] }[] = [];
      for (let attempt = 0; attempt < 20 && answers.length === 0; attempt += 1)
        answers = await Promise.all(
          Array.from({ length: 4 }, () => sql<{ one: number }>`select 1 as one`.execute(db)),
        ).catch(async () => {
          await new Promise((r) => setTimeout(r, 250));
          return [];
        });
      expect(answers.map((a) => a.rows[0]!.one)).toEqual([1, 1, 1, 1]);
    } finally {
      await db.destroy();
    }
  });

  it('when a stream is read slowly for longer than one statement may take then it still ends whole', async () => {
    const db = createDatabase(database.url, { max: 1, statementTimeoutMs: 1_000 });
    try {
      let count = 0;
      const started = Date.now();
      for await (const row of longStream(
        db,
        (q) => q.selectNoFrom(sql<number>`generate_series(1, 1000)`.as('n')),
        100,
      )) {
        count += 1;
        void row;
        // A slow reader: 3 s for the whole stream, three times the statement timeout.
        if (count % 100 === 0) await new Promise((r) => setTimeout(r, 300));
      }
      expect(count).toBe(1_000);
      expect(Date.now() - started).toBeGreaterThan(2_500);
      expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0]!.one).toBe(1);
    } finally {
      await db.destroy();
    }
  });
});

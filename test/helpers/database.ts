import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDatabase, type Db } from '../../src/db/database.js';

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: process.env.DRD_TEST_SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  db: Db;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database copied from the migrated template: real PostgreSQL, nothing shared between files. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `drd_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name} template ${process.env.DRD_TEST_TEMPLATE}`));
  const url = new URL(process.env.DRD_TEST_SERVER_URL!);
  url.pathname = `/${name}`;
  const db = createDatabase(url.toString(), { max: 5 });
  return {
    db,
    url: url.toString(),
    drop: async () => {
      await db.destroy();
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
    },
  };
}

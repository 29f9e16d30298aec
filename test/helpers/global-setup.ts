// Once per `npm test`: a PostgreSQL server (TEST_DATABASE_URL, or the embedded one) and a migrated
// template database that every test file copies, so each file gets a fresh database in milliseconds.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createDatabase } from '../../src/db/database.js';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export default async function globalSetup(): Promise<void> {
  // The process tests (test/server.test.ts) run the built server, as production does.
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'drd-test-pg-'));
    chmodSync(dir, 0o755); // the server may run as a separate postgres user (when tests run as root)
    const embedded = await startEmbeddedPostgres(dir, { port: 0, database: 'postgres' });
    (globalThis as { __drdEmbedded?: typeof embedded }).__drdEmbedded = embedded;
    serverUrl = embedded.url;
  }
  const template = `drd_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  await admin.end();

  const url = new URL(serverUrl);
  url.pathname = `/${template}`;
  const db = createDatabase(url.toString(), { max: 1 });
  await migrateToLatest(db);
  await db.destroy();

  process.env.DRD_TEST_SERVER_URL = serverUrl;
  process.env.DRD_TEST_TEMPLATE = template;
}

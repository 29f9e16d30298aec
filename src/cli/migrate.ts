// npm run migrate: brings the database (embedded or DATABASE_URL) to the latest migration.
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { runBackfills } from '../backfills.js';

const database = await openDatabase(loadConfig(), { backfill: runBackfills });
console.log('Migrations are up to date.');
await database.close();

// npm run migrate: brings the database (embedded or DATABASE_URL) to the latest migration.
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';

const database = await openDatabase(loadConfig());
console.log('Migrations are up to date.');
await database.close();

import type { Config } from '../config.js';
import { createDatabase, type DatabaseOptions, type Db } from './database.js';
import { migrateToLatest } from './migrate.js';

export interface OpenDatabase {
  db: Db;
  /** A pool of one for /health, apart from the app's. */
  healthDb: Db;
  embedded: boolean;
  close(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL with its data in DATA_DIR. Migrated either way. */
export async function openDatabase(
  config: Config,
  databaseOptions: DatabaseOptions & { backfill?: (db: Db) => Promise<void> } = {},
): Promise<OpenDatabase> {
  // The embedded server's module is loaded only when it is used: with DATABASE_URL it is never imported.
  const embedded = config.databaseUrl
    ? undefined
    : await (await import('./embedded.js')).startEmbeddedPostgres(config.dataDir);
  const db = createDatabase(config.databaseUrl ?? embedded!.url, databaseOptions);
  try {
    await migrateToLatest(db);
    await databaseOptions.backfill?.(db);
  } catch (error) {
    await db.destroy();
    await embedded?.stop();
    throw error;
  }
  const healthDb = createDatabase(config.databaseUrl ?? embedded!.url, { ...databaseOptions, max: 1 });
  return {
    db,
    healthDb,
    embedded: !!embedded,
    close: async () => {
      await Promise.all([db.destroy(), healthDb.destroy()]);
      await embedded?.stop();
    },
  };
}

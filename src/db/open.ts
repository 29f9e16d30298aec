import type { Config } from '../config.js';
import { createDatabase, type Db } from './database.js';
import { startEmbeddedPostgres } from './embedded.js';
import { migrateToLatest } from './migrate.js';

export interface OpenDatabase {
  db: Db;
  embedded: boolean;
  close(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the embedded PostgreSQL with its data in DATA_DIR. Migrated either way. */
export async function openDatabase(config: Config): Promise<OpenDatabase> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres(config.dataDir);
  const db = createDatabase(config.databaseUrl ?? embedded!.url);
  try {
    await migrateToLatest(db);
  } catch (error) {
    await db.destroy();
    await embedded?.stop();
    throw error;
  }
  return {
    db,
    embedded: !!embedded,
    close: async () => {
      await db.destroy();
      await embedded?.stop();
    },
  };
}

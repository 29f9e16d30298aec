// Derived data a migration introduced is filled from the rows already there, after the migrations run
// (cheap when nothing is missing). Part of the composition root: db/ knows no feature, so the features'
// back-fills are listed here and handed to openDatabase by the server and the command-line tools.
import type { Db } from './db/database.js';
import { refreshMissingCaseFacts } from './records/case-facts.js';
import { syncAreas } from './areas/sync.js';

export async function runBackfills(db: Db): Promise<void> {
  await syncAreas(db);
  await refreshMissingCaseFacts(db);
}

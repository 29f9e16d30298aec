// The `areas` table follows the configured area list (domain/reference.ts) at every start: names, GSS
// codes and order updated, new areas added, and areas no longer configured removed unless populations
// or context figures still refer to them. Stored codes never change.
import type { Db } from '../db/database.js';
import { areaRows } from '../domain/reference.js';
import { clearGssCodes, deleteUnusedAreasExcept, putArea } from './repository.js';

export async function syncAreas(db: Db): Promise<void> {
  const codes = areaRows.map(([code]) => code);
  await db.transaction().execute(async (trx) => {
    // GSS codes are unique: clear those of areas leaving or changing first, then write the list.
    await clearGssCodes(trx);
    for (const [i, [code, name, gss]] of areaRows.entries())
      await putArea(trx, { code, name, gss, ordinal: i + 1 });
    await deleteUnusedAreasExcept(trx, codes);
  });
}

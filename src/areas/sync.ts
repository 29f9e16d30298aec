// The `areas` table follows the configured area list (domain/reference.ts) at every start: names, GSS
// codes and order updated, new areas added, and areas no longer configured removed unless populations
// or context figures still refer to them. Stored codes never change.
import type { Db } from '../db/database.js';
import { areaRows } from '../domain/reference.js';

export async function syncAreas(db: Db): Promise<void> {
  const codes = areaRows.map(([code]) => code);
  await db.transaction().execute(async (trx) => {
    // GSS codes are unique: clear those of areas leaving or changing first, then write the list.
    await trx.updateTable('areas').set({ gss_code: null }).execute();
    for (const [i, [code, name, gss]] of areaRows.entries())
      await trx
        .insertInto('areas')
        .values({ code, name, gss_code: gss, ordinal: i + 1 })
        .onConflict((oc) => oc.column('code').doUpdateSet({ name, gss_code: gss, ordinal: i + 1 }))
        .execute();
    await trx
      .deleteFrom('areas')
      .where('code', 'not in', codes)
      .where('code', 'not in', (eb) => eb.selectFrom('area_populations').select('area_code'))
      .where('code', 'not in', (eb) => eb.selectFrom('context_counts').select('area_code'))
      .execute();
  });
}

// Areas and their populations: plain functions taking `db | trx`.
import type { DbOrTrx } from '../db/database.js';

export function listAreas(db: DbOrTrx) {
  return db.selectFrom('areas').selectAll().orderBy('ordinal').execute();
}

export function listPopulations(db: DbOrTrx) {
  return db.selectFrom('area_populations').selectAll().orderBy('year').orderBy('area_code').execute();
}

/**
 * The population of each area for the latest year loaded that is not after `year` (an estimate for a
 * later year is not used for an earlier one); with the year and source it comes from.
 */
export async function populationsFor(
  db: DbOrTrx,
  year: number,
): Promise<{ year: number | null; source: string | null; byArea: Map<string, number> }> {
  const latest = await db
    .selectFrom('area_populations')
    .select((eb) => eb.fn.max('year').as('year'))
    .where('year', '<=', year)
    .executeTakeFirst();
  const chosen = latest?.year ?? null;
  if (chosen === null) return { year: null, source: null, byArea: new Map() };
  const rows = await db
    .selectFrom('area_populations')
    .select(['area_code', 'population', 'source'])
    .where('year', '=', chosen)
    .execute();
  return {
    year: chosen,
    source: rows[0]?.source ?? null,
    byArea: new Map(rows.map((r) => [r.area_code, r.population])),
  };
}

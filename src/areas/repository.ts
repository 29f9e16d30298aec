// Areas and their populations: plain functions taking `db | trx`.
import { sql } from 'kysely';
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

/** Residents by the standard's age groups for these years: area, year, group, people. */
export function agePopulations(db: DbOrTrx, years: number[]) {
  return db
    .selectFrom('area_age_populations')
    .select(['area_code', 'year', 'age_group', 'population', 'source'])
    .where('year', 'in', years.length ? years : [-1])
    .execute();
}

/** The latest year with residents by age loaded that is not after `year`, or null. */
export async function latestAgePopulationYear(db: DbOrTrx, year: number): Promise<number | null> {
  const row = await db
    .selectFrom('area_age_populations')
    .select((eb) => eb.fn.max('year').as('year'))
    .where('year', '<=', year)
    .executeTakeFirst();
  return row?.year ?? null;
}

/**
 * Cases by area of residence, year of death and age at death (null: unknown), for deaths in these years;
 * optionally of one classification. Read from case_facts, the linked cases every figure counts.
 */
export function deathsByAreaYearAge(db: DbOrTrx, fromYear: number, toYear: number, classification?: string) {
  return db
    .selectFrom('case_facts')
    .select([
      'residence_area',
      sql<number>`extract(year from date_of_death)::int`.as('year'),
      'age',
      sql<number>`count(*)::int`.as('deaths'),
    ])
    .where('date_of_death', '>=', `${fromYear}-01-01`)
    .where('date_of_death', '<=', `${toYear}-12-31`)
    .$if(!!classification, (q) => q.where('death_classification', '=', classification!))
    .groupBy(['residence_area', sql`extract(year from date_of_death)`, 'age'])
    .execute();
}

/** Replaces an area's residents by age for a year. */
/** Areas' whole populations for years; a year loaded again replaces what was there. */
export async function putPopulations(
  db: DbOrTrx,
  rows: { area_code: string; year: number; population: number }[],
  source: string,
  loadedBy: string,
  at: Date,
) {
  if (!rows.length) return;
  await db
    .insertInto('area_populations')
    .values(rows.map((r) => ({ ...r, source, loaded_by: loadedBy, loaded_at: at })))
    .onConflict((oc) =>
      oc.columns(['area_code', 'year']).doUpdateSet((eb) => ({
        population: eb.ref('excluded.population'),
        source: eb.ref('excluded.source'),
        loaded_by: eb.ref('excluded.loaded_by'),
        loaded_at: eb.ref('excluded.loaded_at'),
      })),
    )
    .execute();
}

export async function putAgePopulations(
  db: DbOrTrx,
  rows: { area_code: string; year: number; age_group: number; population: number }[],
  source: string,
  loadedBy: string,
  at: Date,
) {
  if (!rows.length) return;
  await db
    .insertInto('area_age_populations')
    .values(rows.map((r) => ({ ...r, source, loaded_by: loadedBy, loaded_at: at })))
    .onConflict((oc) =>
      oc.columns(['area_code', 'year', 'age_group']).doUpdateSet((eb) => ({
        population: eb.ref('excluded.population'),
        source: eb.ref('excluded.source'),
        loaded_by: eb.ref('excluded.loaded_by'),
        loaded_at: eb.ref('excluded.loaded_at'),
      })),
    )
    .execute();
}

/** England's standardised rate for the latest year not after `year`, or undefined. */
export function englandRateFor(db: DbOrTrx, year: number) {
  return db
    .selectFrom('england_rates')
    .selectAll()
    .where('year', '<=', year)
    .orderBy('year', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function listEnglandRates(db: DbOrTrx) {
  return db.selectFrom('england_rates').selectAll().orderBy('year', 'desc').execute();
}

export async function putEnglandRate(
  db: DbOrTrx,
  row: {
    year: number;
    rate: number;
    lower: number;
    upper: number;
    source: string;
    loaded_by: string;
    loaded_at: Date;
  },
) {
  await db
    .insertInto('england_rates')
    .values(row)
    .onConflict((oc) =>
      oc.column('year').doUpdateSet({
        rate: row.rate,
        lower: row.lower,
        upper: row.upper,
        source: row.source,
        loaded_by: row.loaded_by,
        loaded_at: row.loaded_at,
      }),
    )
    .execute();
}

export async function clearGssCodes(trx: DbOrTrx) {
  await trx.updateTable('areas').set({ gss_code: null }).execute();
}

/** Adds an area, or updates its name, GSS code and place in the list (its code never changes). */
export async function putArea(
  trx: DbOrTrx,
  a: { code: string; name: string; gss: string | null; ordinal: number },
) {
  await trx
    .insertInto('areas')
    .values({ code: a.code, name: a.name, gss_code: a.gss, ordinal: a.ordinal })
    .onConflict((oc) => oc.column('code').doUpdateSet({ name: a.name, gss_code: a.gss, ordinal: a.ordinal }))
    .execute();
}

/** Removes areas not in `codes` that no population or context figure refers to. */
export async function deleteUnusedAreasExcept(trx: DbOrTrx, codes: string[]) {
  await trx
    .deleteFrom('areas')
    .where('code', 'not in', codes)
    .where('code', 'not in', (eb) => eb.selectFrom('area_populations').select('area_code'))
    .where('code', 'not in', (eb) => eb.selectFrom('context_counts').select('area_code'))
    .execute();
}

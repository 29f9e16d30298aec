import { sql, type Kysely } from 'kysely';

// Areas as reference data (src/areas/): the codes records already store, with their ONS GSS codes so
// Power BI can map them, and population by year (ONS mid-year estimates, loaded by CCSU) for rates.
// The codes do not change; the GSS codes are those in use since the 2019/20 Hertfordshire boundary
// changes (St Albans, Welwyn Hatfield, East Hertfordshire and Stevenage were given new codes).
const hertfordshire: [code: string, name: string, gss: string | null][] = [
  ['broxbourne', 'Broxbourne', 'E07000095'],
  ['dacorum', 'Dacorum', 'E07000096'],
  ['east_hertfordshire', 'East Hertfordshire', 'E07000242'],
  ['hertsmere', 'Hertsmere', 'E07000098'],
  ['north_hertfordshire', 'North Hertfordshire', 'E07000099'],
  ['st_albans', 'St Albans', 'E07000240'],
  ['stevenage', 'Stevenage', 'E07000243'],
  ['three_rivers', 'Three Rivers', 'E07000102'],
  ['watford', 'Watford', 'E07000103'],
  ['welwyn_hatfield', 'Welwyn Hatfield', 'E07000241'],
  ['out_of_county', 'Out of county', null],
  ['no_fixed_abode', 'No fixed abode', null],
  ['unknown', 'Unknown', null],
];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('areas')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('gss_code', 'text', (c) => c.unique())
    .addColumn('ordinal', 'integer', (c) => c.notNull())
    .execute();
  await db
    .insertInto('areas')
    .values(hertfordshire.map(([code, name, gss], i) => ({ code, name, gss_code: gss, ordinal: i + 1 })))
    .execute();
  await db.schema
    .createTable('area_populations')
    .addColumn('area_code', 'text', (c) => c.notNull().references('areas.code'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('population', 'integer', (c) => c.notNull().check(sql`population > 0`))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('loaded_by', 'text', (c) => c.notNull())
    .addColumn('loaded_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('area_populations_pk', ['area_code', 'year'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('area_populations').execute();
  await db.schema.dropTable('areas').execute();
}

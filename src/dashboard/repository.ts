// Aggregates of cases (not records) from case_facts, one GROUP BY each.
import { sql, type SqlBool } from 'kysely';
import type { DbOrTrx } from '../db/database.js';
import type { DashboardFilters } from './filters.js';

/** What a figure groups by: a case_facts column, or the elements of an array column. */
export const dimensions = {
  death_month: sql<string>`case_facts.death_month`,
  reported_month: sql<string>`case_facts.reported_month`,
  residence_area: sql<string>`case_facts.residence_area`,
  death_classification: sql<string>`case_facts.death_classification`,
  evidence_stage: sql<string>`case_facts.evidence_stage`,
  place_of_death_type: sql<string>`case_facts.place_of_death_type`,
  age_band: sql<string>`case_facts.age_band`,
  sex: sql<string>`case_facts.sex`,
  substance: sql<string>`unnest(case_facts.substances)`,
  substance_group: sql<string>`unnest(case_facts.substance_groups)`,
} as const;
export type Dimension = keyof typeof dimensions;

/** Cases in the filters' period by the month chosen (death, or first reported), area, classification and organisation type. */
function caseFacts(db: DbOrTrx, filters: DashboardFilters, monthOf: 'death_month' | 'reported_month') {
  return db
    .selectFrom('case_facts')
    .where(monthOf, '>=', filters.from)
    .where(monthOf, '<=', filters.to)
    .$if(!!filters.area, (q) => q.where('residence_area', '=', filters.area!))
    .$if(!!filters.classification, (q) => q.where('death_classification', '=', filters.classification!))
    .$if(!!filters.organisationType, (q) =>
      q.where(sql<SqlBool>`organisation_types @> array[${filters.organisationType!}]::text[]`),
    );
}

export interface CountRow {
  a: string | null;
  b: string | null;
  cases: number;
}

/** Case counts grouped by one or two dimensions. */
export async function countCases(
  db: DbOrTrx,
  filters: DashboardFilters,
  by: [Dimension] | [Dimension, Dimension],
): Promise<CountRow[]> {
  const monthOf = by[0] === 'reported_month' ? 'reported_month' : 'death_month';
  const [first, second] = by;
  const inner = caseFacts(db, filters, monthOf).select([
    dimensions[first].as('a'),
    (second ? dimensions[second] : sql<string | null>`null::text`).as('b'),
  ]);
  const rows = await db
    .selectFrom(inner.as('f'))
    .select(['f.a', 'f.b', sql<number>`count(*)::int`.as('cases')])
    .groupBy(['f.a', 'f.b'])
    .execute();
  return rows;
}

/** An area's ONS GSS code, for mapping (none for out of county, no fixed abode, unknown). */
const areaGss = (code: ReturnType<typeof sql.ref>) =>
  sql<string | null>`(select gss_code from areas where areas.code = ${code})`;

/** The columns of a case-level row, in order; lists are joined with ';'. */
export const caseRowColumns = [
  'case_id',
  'death_month',
  'reported_month',
  'residence_area',
  'residence_area_gss',
  'death_classification',
  'evidence_stage',
  'age_band',
  'sex',
  'place_of_death_type',
  'substances',
  'substance_groups',
  'reported_by_organisation_types',
  'report_count',
] as const;

/** The case_facts array column behind each list column of a case-level row. */
const listColumns: Partial<Record<(typeof caseRowColumns)[number], string>> = {
  substances: 'substances',
  substance_groups: 'substance_groups',
  reported_by_organisation_types: 'organisation_types',
};

/** Case-level rows for the records feed: never a linkage key or a record id. */
export function caseRows(db: DbOrTrx, filters: DashboardFilters) {
  return caseFacts(db, filters, 'death_month')
    .select(
      caseRowColumns.map((column) => {
        const list = listColumns[column];
        if (column === 'residence_area_gss') return areaGss(sql.ref('residence_area')).as(column);
        return list
          ? sql<string>`array_to_string(${sql.ref(list)}, ';')`.as(column)
          : sql<unknown>`${sql.ref(column)}`.as(column);
      }),
    )
    .orderBy('case_id');
}

/** Case counts by month of death × area × classification × substance group, for the feed. */
export function caseAggregates(db: DbOrTrx, filters: DashboardFilters) {
  const inner = caseFacts(db, filters, 'death_month').select([
    'death_month',
    'residence_area',
    'death_classification',
    dimensions.substance_group.as('substance_group'),
  ]);
  return db
    .selectFrom(inner.as('f'))
    .select([
      'f.death_month',
      'f.residence_area',
      'f.death_classification',
      'f.substance_group',
      areaGss(sql.ref('f.residence_area')).as('residence_area_gss'),
      sql<number>`count(*)::int`.as('cases'),
    ])
    .groupBy(['f.death_month', 'f.residence_area', 'f.death_classification', 'f.substance_group'])
    .orderBy('f.death_month')
    .orderBy('f.residence_area')
    .orderBy('f.death_classification')
    .orderBy('f.substance_group');
}

/** How many organisations of each type are active in a month. */
export function activeOrganisationsByType(db: DbOrTrx, period: string) {
  return db
    .selectFrom('organisations')
    .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
    .where('active_from', '<=', period)
    .where((eb) => eb.or([eb('active_to', 'is', null), eb('active_to', '>=', period)]))
    .groupBy('type')
    .execute();
}

// The dashboard and the feed at scale, on the collation bench's 1,000,000 records: each page served over
// HTTP by the app beside the hand-written SQL that gives the same figures, run directly in the same run.
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { hashLinkToken } from '../src/lib/link-tokens.js';
import { refreshMissingCaseFacts } from '../src/records/case-facts.js';
import { addMonths, periodOf, londonDateOf, periodsBetween } from '../src/domain/periods.js';

type Timer = (run: () => Promise<unknown>) => Promise<number>;

/** Builds the one-row-per-case summary for the generated data, as the migration's back-fill would. */
export async function buildCaseFacts(db: Db): Promise<number> {
  const t0 = performance.now();
  await refreshMissingCaseFacts(db);
  await sql`analyze case_facts`.execute(db);
  return performance.now() - t0;
}

export async function dashboardFigures(db: Db, base: string, cookie: string, median: Timer) {
  const to = periodOf(londonDateOf(new Date()));
  const from = addMonths(to, -11);
  const token = 'drd_bench-token-for-the-feed-0123456789abcdef';
  const admin = await db.selectFrom('users').select('id').executeTakeFirstOrThrow();
  await db
    .insertInto('api_tokens')
    .values({
      name: 'bench',
      token_hash: hashLinkToken(token),
      scope: 'records',
      created_by: admin.id,
      created_at: new Date(),
      expires_at: new Date(Date.now() + 86_400_000),
    })
    .execute();

  const contextRows = await generateContext(db, to);

  const get = async (path: string, headers: Record<string, string>, expected: string) => {
    const response = await fetch(`${base}${path}`, { headers });
    const body = await response.text();
    if (!response.ok || !body.includes(expected)) throw new Error(`${path} not served: ${response.status}`);
  };
  // The hand-written SQL for each page: what a developer would type to get the same figures.
  const inRange = sql`death_month between ${from} and ${to}`;
  const groupBy = (column: string, month = inRange) =>
    sql`select ${sql.ref(column)}, count(*) from case_facts where ${month} group by 1`.execute(db);
  const unnestBy = (column: string) =>
    sql`select g, count(*) from case_facts, unnest(${sql.ref(column)}) g where ${inRange} group by 1`.execute(
      db,
    );
  const periods = periodsBetween(addMonths(to, -12), addMonths(to, -1));
  const pages: { path: string; expected: string; sql: () => Promise<unknown> }[] = [
    {
      path: '/dashboard',
      expected: 'death_month-table',
      sql: () =>
        Promise.all([
          groupBy('death_month'),
          groupBy('reported_month', sql`reported_month between ${from} and ${to}`),
        ]),
    },
    { path: '/dashboard/areas', expected: 'residence_area-table', sql: () => groupBy('residence_area') },
    {
      path: '/dashboard/classification',
      expected: 'death_classification-table',
      sql: () => groupBy('death_classification'),
    },
    {
      path: '/dashboard/substances',
      expected: 'substance-table',
      sql: () => Promise.all([unnestBy('substance_groups'), unnestBy('substances')]),
    },
    {
      path: '/dashboard/age-sex',
      expected: 'age_sex-table',
      sql: () =>
        sql`select age_band, sex, count(*) from case_facts where ${inRange} group by 1, 2`.execute(db),
    },
    {
      path: '/dashboard/circumstances',
      expected: 'evidence_stage-table',
      sql: () => Promise.all([groupBy('place_of_death_type'), groupBy('evidence_stage')]),
    },
    {
      path: '/dashboard/compliance',
      expected: 'compliance-table',
      sql: () =>
        Promise.all([
          sql`select * from organisations order by name`.execute(db),
          sql`select returns.organisation_id, returns.period, returns.state, count(records.id)
              from returns left join records on records.return_id = returns.id and records.record_status = 'active'
              where returns.period in (${sql.join(periods)}) group by returns.id`.execute(db),
        ]),
    },
    {
      path: '/dashboard/picture',
      expected: 'picture_month-table',
      // What the picture asks, all at once: cases by month, by year and by area; each dataset's current
      // totals for the period; the LDIS alerts; the populations.
      sql: () => {
        const context = (dataset: string, first: string) =>
          sql`select c.measure, c.area_code, c.period_start, c.months, c.count, l.source, l.extracted_on
              from context_counts c join context_loads l on l.id = c.load_id
              where l.status = 'loaded' and c.dataset = ${dataset} and c.substance_group = ''
                and c.period_start between ${first} and ${to}`.execute(db);
        const firstYear = `${from.slice(0, 4)}-01`;
        return Promise.all([
          groupBy('death_month'),
          groupBy('death_month', sql`death_month between ${firstYear} and ${`${to.slice(0, 4)}-12`}`),
          groupBy('residence_area'),
          context('ambulance', from),
          context('hospital', from),
          context('ons', firstYear),
          sql`select * from ldis_alerts where issued_on between ${`${from}-01`} and ${`${to}-28`}`.execute(
            db,
          ),
          sql`select area_code, population, source from area_populations
              where year = (select max(year) from area_populations where year <= ${Number(to.slice(0, 4))})`.execute(
            db,
          ),
        ]);
      },
    },
  ];
  const results: { path: string; page: number; sql: number }[] = [];
  for (const page of pages)
    results.push({
      path: page.path,
      page: await median(() => get(page.path, { cookie }, page.expected)),
      sql: await median(page.sql),
    });
  const feedPath = `/api/v1/aggregates/cases.csv?from=${from}&to=${to}`;
  results.push({
    path: feedPath,
    page: await median(() => get(feedPath, { authorization: `Bearer ${token}` }, 'death_month')),
    sql: await median(() =>
      sql`select death_month, residence_area, death_classification, g, count(*)
          from case_facts, unnest(substance_groups) g where ${inRange}
          group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(db),
    ),
  });
  // Without the summary table: the month-of-death figure ranked from the records on every request.
  const fromRecords = await median(() =>
    sql`select to_char(date_of_death, 'YYYY-MM'), count(*) from (
        select distinct on (records.case_id) records.date_of_death
        from records join returns on returns.id = records.return_id
        join organisations on organisations.id = records.organisation_id
        where records.case_id is not null and records.record_status = 'active' and returns.current_version > 0
        order by records.case_id,
          array_position(array['inquest_concluded','tox_received','pm_awaiting_tox','reported_suspected'], records.evidence_stage),
          case organisations.type when 'coroner' then 0 when 'acute_hospital' then 1 else 2 end
      ) best where to_char(date_of_death, 'YYYY-MM') between ${from} and ${to} group by 1`.execute(db),
  );
  return { results, fromRecords, contextRows };
}

/**
 * Five years of context data for 300 areas, generated in PostgreSQL: ambulance call-outs and both
 * hospital measures by month, ONS registrations by year (three measures), each dataset one load.
 */
async function generateContext(db: Db, to: string): Promise<number> {
  const first = addMonths(to, -59);
  await sql`insert into areas (code, name, gss_code, ordinal)
    select 'bench_' || n, 'Bench area ' || n, 'E0' || lpad(n::text, 8, '9'), 100 + n
    from generate_series(1, 287) n on conflict do nothing`.execute(db);
  let rows = 0;
  for (const [dataset, measures, step] of [
    ['ambulance', ['suspected_overdose'], 1],
    ['hospital', ['drug_poisoning', 'alcohol_specific'], 1],
    ['ons', ['drug_poisoning', 'drug_misuse', 'alcohol_specific'], 12],
  ] as const) {
    const load = await sql<{ id: number }>`insert into context_loads
        (dataset, status, source, extracted_on, file_sha256, period_from, period_to, rows, changes, created_by, created_at, loaded_at)
      values (${dataset}, 'loaded', 'bench', current_date, 'bench', ${first}, ${to}, 0, '{}', 'bench', now(), now())
      returning id`.execute(db);
    const inserted =
      await sql`insert into context_counts (load_id, dataset, area_code, period_start, months, measure, count)
      select ${load.rows[0]!.id}, ${dataset}, a.code, to_char(m, 'YYYY-MM'), ${step}, measure, (random() * 40)::int
      from areas a
      cross join generate_series(${step === 12 ? `${first.slice(0, 4)}-01-01` : `${first}-01`}::date, ${`${to}-01`}::date, ${`${step} month`}::interval) m
      cross join unnest(${sql.val([...measures])}::text[]) measure
      where a.gss_code is not null`.execute(db);
    rows += Number(inserted.numAffectedRows ?? 0);
  }
  await sql`analyze context_counts`.execute(db);
  return rows;
}

export function printDashboard(d: Awaited<ReturnType<typeof dashboardFigures>>, caseFactsMs: number): void {
  console.log(
    `  dashboard (one-row-per-case summary built from the records in ${(caseFactsMs / 1000).toFixed(1)} s):`,
  );
  for (const r of d.results)
    console.log(
      `    ${r.path}: ${r.page.toFixed(0)} ms over HTTP; the same SQL direct ${r.sql.toFixed(0)} ms; ratio ${(r.page / r.sql).toFixed(2)}× (target ≤ 3×)`,
    );
  console.log(
    `    (the partnership picture over ${d.contextRows.toLocaleString('en-GB')} context figures: 300 areas, five years)`,
  );
  const month = d.results[0]!;
  console.log(
    `    for comparison, month of death ranked from the records on each request: ${d.fromRecords.toFixed(0)} ms (${(d.fromRecords / month.page).toFixed(0)}× the page)`,
  );
}

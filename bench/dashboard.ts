// The dashboard and the feed at scale, on the collation bench's 1,000,000 records: each page served over
// HTTP by the app beside the hand-written SQL that gives the same figures, run directly in the same run.
import { sql } from 'kysely';
import type { Db } from '../src/db/database.js';
import { hashLinkToken } from '../src/lib/link-tokens.js';
import { refreshMissingCaseFacts } from '../src/cases/case-facts.js';
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
  return { results, fromRecords };
}

export function printDashboard(d: Awaited<ReturnType<typeof dashboardFigures>>, caseFactsMs: number): void {
  console.log(
    `  dashboard (one-row-per-case summary built from the records in ${(caseFactsMs / 1000).toFixed(1)} s):`,
  );
  for (const r of d.results)
    console.log(
      `    ${r.path}: ${r.page.toFixed(0)} ms over HTTP; the same SQL direct ${r.sql.toFixed(0)} ms; ratio ${(r.page / r.sql).toFixed(2)}× (target ≤ 3×)`,
    );
  const month = d.results[0]!;
  console.log(
    `    for comparison, month of death ranked from the records on each request: ${d.fromRecords.toFixed(0)} ms (${(d.fromRecords / month.page).toFixed(0)}× the page)`,
  );
}

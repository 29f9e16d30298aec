// Collation at scale: 1,000,000 generated records (50 organisations × 10 years of monthly returns).
// Prints the collated-records first page and the cases-by-area-and-month page, served over HTTP by the app,
// beside the same hand-written SQL run directly in the same run; and the peak RSS of streaming every record
// as CSV.
import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { createDatabase, type Db } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { hashPassword } from '../src/accounts/secrets.js';
import { insertUser } from '../src/accounts/repository.js';
import { areas, deathClassifications, evidenceStages, organisationTypes } from '../src/domain/reference.js';
import { enrolBenchUser, memoryOf, signIn, startServer, tempDir } from './http.js';
import { buildCaseFacts, dashboardFigures, printDashboard } from './dashboard.js';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const ORGANISATIONS = 50;
const MONTHS = 120; // November 2016 to October 2026
const RUNS = 7;

const quoted = (list: readonly (readonly [string, string])[]) =>
  sql.raw(list.map(([c]) => `'${c}'`).join(','));

/** Generates the data in PostgreSQL itself (generate_series): seconds, not minutes, for a million rows. */
async function generate(db: Db): Promise<void> {
  await sql`
    insert into organisations (name, code, type, areas, active_from, return_contacts, escalation_contact)
    select 'Bench organisation ' || g, 'B' || g, (array[${quoted(organisationTypes)}])[1 + g % ${organisationTypes.length}],
           array['watford'], '2016-11', array['r' || g || '@bench.test'], 'm' || g || '@bench.test'
    from generate_series(1, ${ORGANISATIONS}) g`.execute(db);
  await sql`
    insert into returns (organisation_id, period, state, current_version, reference, last_submitted_at)
    select o.id, to_char(date '2016-11-01' + (m || ' months')::interval, 'YYYY-MM'), 'submitted', 1,
           'DRD-' || o.code || '-' || m, date '2016-12-05' + (m || ' months')::interval
    from organisations o cross join generate_series(0, ${MONTHS - 1}) m`.execute(db);
  // About a quarter of deaths are reported by two partners (a shared case number), as in real returns.
  await sql`
    with r as (select id, organisation_id, period, row_number() over (order by id) as rn from returns)
    insert into records (organisation_id, return_id, partner_record_ref, date_of_death, date_of_death_basis,
      date_partner_aware, place_of_death_type, death_classification, evidence_stage, age_at_death, sex,
      ethnic_group, residence_area, substances, treatment_status, case_id)
    select r.organisation_id, r.id, 'REF-' || g, (r.period || '-01')::date + (g % 28), 'exact',
           (r.period || '-01')::date + (g % 28) + 2, 'home',
           (array[${quoted(deathClassifications)}])[1 + g % ${deathClassifications.length}],
           (array[${quoted(evidenceStages)}])[1 + g % ${evidenceStages.length}],
           18 + g % 70, case when g % 3 = 0 then 'female' else 'male' end, 'white_british',
           (array[${quoted(areas)}])[1 + g % ${areas.length}],
           array[(array['heroin_morphine','cocaine','alcohol','methadone','nitazenes'])[1 + g % 5]],
           'in_treatment', case when g % 8 < 2 then g - g % 8 else g end
    from generate_series(1, ${RECORDS}) g
    join r on r.rn = 1 + g % (${ORGANISATIONS * MONTHS})`.execute(db);
  await sql`analyze`.execute(db);
}

/** Median of RUNS timings in milliseconds, after one warm-up run. */
async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

// The hand-written SQL a developer would write for each page: the same answers, no application around it.
const rawFirstPage = (db: Db) =>
  Promise.all([
    sql`select count(*) from records join returns on returns.id = records.return_id
        join organisations on organisations.id = records.organisation_id
        where returns.current_version > 0`.execute(db),
    sql`select records.*, organisations.name as organisation_name, returns.period
        from records join returns on returns.id = records.return_id
        join organisations on organisations.id = records.organisation_id
        where returns.current_version > 0
        order by returns.period desc, records.id limit 50`.execute(db),
  ]);
const rawCaseCounts = (db: Db) =>
  sql`select residence_area, death_month, count(*) from case_facts
      where death_month between '2025-11' and '2026-10' group by 1, 2 order by 2, 1`.execute(db);

export async function collationFigures() {
  const dataDir = tempDir('drd-bench-collation-');
  const embedded = await startEmbeddedPostgres(dataDir);
  const db = createDatabase(embedded.url, { max: 10 });
  await migrateToLatest(db);
  const t0 = performance.now();
  await generate(db);
  const generateMs = performance.now() - t0;
  const caseFactsMs = await buildCaseFacts(db);
  const password = 'bench password 2026';
  const analyst = await insertUser(db, {
    email: 'analyst@bench.test',
    role: 'ccsu_analyst',
    organisationId: null,
    passwordHash: await hashPassword(password),
    active: true,
  });
  await enrolBenchUser(db, analyst.id, dataDir);
  const { base, child } = await startServer(embedded.url, dataDir, 3911);
  try {
    const cookie = await signIn(base, analyst.email, password);
    const page = async (path: string, expected: string) => {
      const response = await fetch(`${base}${path}`, { headers: { cookie } });
      const html = await response.text();
      if (!response.ok || !html.includes(expected)) throw new Error(`${path} not served: ${response.status}`);
    };

    const recordsPage = await median(() => page('/ccsu/records', 'Page 1 of'));
    const recordsSql = await median(() => rawFirstPage(db));
    const casesPage = await median(() => page('/ccsu/cases', 'Cases by residence area'));
    const casesSql = await median(() => rawCaseCounts(db));
    const dashboard = await dashboardFigures(db, base, cookie, median);

    // Every record as CSV, read and discarded here; the server's peak RSS comes from the kernel.
    const before = memoryOf(child.pid!);
    const e0 = performance.now();
    const response = await fetch(`${base}/ccsu/records.csv`, { headers: { cookie } });
    let bytes = 0;
    let lines = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      for (const byte of chunk) if (byte === 10) lines += 1;
    }
    const exportMs = performance.now() - e0;
    const after = memoryOf(child.pid!);
    return {
      records: RECORDS,
      generateMs,
      recordsPage,
      recordsSql,
      casesPage,
      casesSql,
      dashboard,
      caseFactsMs,
      export: { ms: exportMs, bytes, rows: lines - 1, peakRss: after.peak, rssBefore: before.rss },
    };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await db.destroy();
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function printCollation(c: Awaited<ReturnType<typeof collationFigures>>): void {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  console.log(
    `\nCollation with ${c.records.toLocaleString('en-GB')} records (generated in ${(c.generateMs / 1000).toFixed(1)} s); median of ${RUNS} runs`,
  );
  console.log(
    `  collated records, first page over HTTP: ${c.recordsPage.toFixed(0)} ms; the same SQL direct: ${c.recordsSql.toFixed(0)} ms; ratio ${(c.recordsPage / c.recordsSql).toFixed(2)}× (target ≤ 3×)`,
  );
  console.log(
    `  cases by area × month page over HTTP: ${c.casesPage.toFixed(0)} ms; the same SQL direct: ${c.casesSql.toFixed(0)} ms; ratio ${(c.casesPage / c.casesSql).toFixed(2)}× (target ≤ 3×)`,
  );
  printDashboard(c.dashboard, c.caseFactsMs);
  console.log(
    `  export of every record as CSV: ${c.export.rows.toLocaleString('en-GB')} rows, ${mb(c.export.bytes)} MB in ${(c.export.ms / 1000).toFixed(1)} s; server process peak RSS ${mb(c.export.peakRss)} MB (${mb(c.export.rssBefore)} MB before the export; target < 250 MB)`,
  );
}

// Bulk upload at scale: a valid CSV of 10,000 and then 100,000 rows, from upload to confirmed through the
// production server over HTTP, beside COPY FROM STDIN of the same file into a bare table in the same run;
// and the server's peak resident memory after each size.
import { rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { hashPassword } from '../src/accounts/secrets.js';
import { insertUser } from '../src/accounts/repository.js';
import { enrolBenchUser, memoryOf, signIn, startServer, tempDir } from './http.js';

const header = [
  'partner_record_ref',
  'date_of_death',
  'date_of_death_basis',
  'date_partner_aware',
  'place_of_death_type',
  'death_classification',
  'evidence_stage',
  'age_at_death',
  'sex',
  'ethnic_group',
  'residence_area',
  'substances',
  'treatment_status',
];

function csvOf(rows: number, prefix: string): Buffer {
  const body = Array.from({ length: rows }, (_, i) => [
    // A letter between the two numbers: "B100000-1234" would read as a possible NHS number (ten digits
    // with a separator), which the identifier screen rightly refuses.
    `${prefix}-R${i}`,
    `2026-10-${String(1 + (i % 20)).padStart(2, '0')}`,
    'exact',
    '2026-10-25',
    'home',
    'suspected_drug',
    'pm_awaiting_tox',
    String(18 + (i % 70)),
    i % 3 ? 'male' : 'female',
    'white_british',
    'watford',
    'heroin_morphine;alcohol',
    'in_treatment',
  ]);
  return Buffer.from(stringify([header, ...body]));
}

async function copyInto(url: string, file: Buffer, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`create table ${table} (${header.map((h) => `${h} text`).join(', ')})`);
  const t0 = performance.now();
  await pipeline(
    Readable.from([file]),
    client.query(copyFrom(`copy ${table} from stdin with (format csv, header true)`)),
  );
  const ms = performance.now() - t0;
  await client.end();
  return ms;
}

export async function uploadFigures() {
  const dataDir = tempDir('drd-bench-upload-');
  const embedded = await startEmbeddedPostgres(dataDir);
  const db = createDatabase(embedded.url, { max: 4 });
  await migrateToLatest(db);
  const org = await db
    .insertInto('organisations')
    .values({
      name: 'Bench Coroner',
      code: 'BCO',
      type: 'coroner',
      areas: ['watford'],
      active_from: '2026-01',
      return_contacts: ['r@bench.test'],
      escalation_contact: 'm@bench.test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const password = 'bench password 2026';
  const user = await insertUser(db, {
    email: 'partner@bench.test',
    role: 'partner',
    organisationId: org.id,
    passwordHash: await hashPassword(password),
    active: true,
  });
  await enrolBenchUser(db, user.id, dataDir);
  const { base, child } = await startServer(embedded.url, dataDir, 3921, { UPLOAD_MAX_MB: '60' });
  const period = '2026-10';
  const results: {
    rows: number;
    ms: number;
    previewMs: number;
    copyMs: number;
    peakRss: number;
    bytes: number;
  }[] = [];
  try {
    const cookie = await signIn(base, user.email, password);
    for (const rows of [10_000, 100_000]) {
      const file = csvOf(rows, `B${rows}`);
      const copyMs = await copyInto(embedded.url, file, `copy_${rows}`);
      const t0 = performance.now();
      const form = await (await fetch(`${base}/returns/${period}/upload`, { headers: { cookie } })).text();
      const action = /action="([^"]+)" enctype/.exec(form)![1]!;
      const body = new FormData();
      body.append('_csrf', /name="_csrf" value="([^"]+)"/.exec(form)![1]!);
      body.append('file', new Blob([new Uint8Array(file)], { type: 'text/csv' }), 'bench.csv');
      const uploaded = await fetch(`${base}${action}`, {
        method: 'POST',
        headers: { cookie },
        body,
        redirect: 'manual',
      });
      if (uploaded.status !== 302)
        throw new Error(`upload refused: ${uploaded.status} ${(await uploaded.text()).slice(0, 300)}`);
      const previewMs = performance.now() - t0;
      const previewUrl = uploaded.headers.get('location')!;
      const preview = await (await fetch(`${base}${previewUrl}`, { headers: { cookie } })).text();
      const csrf = /name="_csrf" value="([^"]+)"/.exec(preview)![1]!;
      const confirmed = await fetch(`${base}${previewUrl}/confirm`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf }).toString(),
        redirect: 'manual',
      });
      const ms = performance.now() - t0;
      if (confirmed.status !== 302 || confirmed.headers.get('location')?.includes('problem='))
        throw new Error(`confirm refused: ${confirmed.status} ${confirmed.headers.get('location')}`);
      const saved = await sql<{
        n: string;
      }>`select count(*) as n from records where partner_record_ref like ${`B${rows}-%`}`.execute(db);
      if (Number(saved.rows[0]!.n) !== rows)
        throw new Error(`only ${saved.rows[0]!.n} of ${rows} rows saved`);
      results.push({ rows, ms, previewMs, copyMs, peakRss: memoryOf(child.pid!).peak, bytes: file.length });
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    await db.destroy();
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return results;
}

export function printUploads(results: Awaited<ReturnType<typeof uploadFigures>>): void {
  console.log('\nBulk upload of a valid CSV, upload → preview → confirmed, production server over HTTP');
  for (const r of results) {
    const rate = r.rows / (r.ms / 1000);
    const copyRate = r.rows / (r.copyMs / 1000);
    console.log(
      `  ${r.rows.toLocaleString('en-GB')} rows (${(r.bytes / 1024 / 1024).toFixed(1)} MB): ${(r.ms / 1000).toFixed(2)} s (upload and check ${(r.previewMs / 1000).toFixed(2)} s) = ${rate.toFixed(0)} rows/s; COPY of the same file ${(r.copyMs / 1000).toFixed(2)} s = ${copyRate.toFixed(0)} rows/s; upload is ${((rate / copyRate) * 100).toFixed(0)} % of COPY (target ≥ 25 %); server peak RSS so far ${(r.peakRss / 1024 / 1024).toFixed(0)} MB (target < 250 MB)`,
    );
  }
}

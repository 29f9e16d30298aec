// The submission API's throughput (issue #26): the same complete deaths saved (a) through the records
// service in-process, 20 at a time, and (b) through POST /api/v1/submission/returns/{period}/records
// over HTTP by 20 concurrent clients in another process, each request with its own Idempotency-Key; the API's rate as a share of
// the service's, and its p99 latency.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { createServices } from '../src/services.js';
import { FixedClock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/database.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { createMailer } from '../src/mail/mailer.js';
import { insertUser } from '../src/accounts/repository.js';
import { tempDir } from './http.js';
import { death } from './api-death.mjs';

const PER_SIDE = Number(process.env.BENCH_API_RECORDS ?? 1000);
const CLIENTS = 20;

/** Runs `task(i)` for i < n, `width` at a time; each task's own latency in ms. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return latencies;
}

const p99 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.99)]!;

export async function submissionApiFigures() {
  const dataDir = tempDir('drd-bench-api-');
  const embedded = await startEmbeddedPostgres(dataDir);
  const db = createDatabase(embedded.url, { max: 20 });
  await migrateToLatest(db);
  try {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    const clock = new FixedClock(new Date('2026-04-02T10:00:00Z'));
    const deps = { config, db, mailer: createMailer(undefined), clock, logger: pino({ level: 'silent' }) };
    const services = createServices(deps);
    const org = await db
      .insertInto('organisations')
      .values({
        name: 'Bench Ambulance',
        code: 'BAM',
        type: 'ambulance',
        areas: ['watford'],
        active_from: '2025-04',
        return_contacts: ['r@bench.test'],
        escalation_contact: 'm@bench.test',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const lead = await insertUser(db, {
      email: 'lead@bench.test',
      role: 'partner',
      organisationId: org.id,
      passwordHash: null,
      active: true,
    });
    const key = await services.apiTokens.issue(
      { name: 'Bench system', scope: 'submit', days: 365, organisationId: org.id },
      lead,
    );
    const actor = { userId: lead.id, label: lead.email };

    const s0 = performance.now();
    const serviceLatencies = await pool(PER_SIDE, CLIENTS, async (i) => {
      const result = await services.records.saveRecord(
        org,
        '2026-03',
        undefined,
        death(`SVC-R${i}`, i),
        actor,
      );
      if (!result.ok) throw new Error(`service refused record ${i}`);
    });
    const serviceMs = performance.now() - s0;

    const app = createApp(deps, services);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/submission`;
    // The clients in their own process, as partners' systems would be.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join('bench', 'api-clients.mjs'), base, key, String(PER_SIDE), String(CLIENTS)],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    const clients = JSON.parse(stdout) as { ms: number; latencies: number[]; errors: number };
    const apiMs = clients.ms;
    const apiLatencies = clients.latencies;
    const errors = clients.errors;
    server.close();
    return {
      records: PER_SIDE,
      serviceRate: PER_SIDE / (serviceMs / 1000),
      serviceP99: p99(serviceLatencies),
      apiRate: PER_SIDE / (apiMs / 1000),
      apiP99: p99(apiLatencies),
      errors,
    };
  } finally {
    await db.destroy();
    await embedded.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function printSubmissionApi(r: Awaited<ReturnType<typeof submissionApiFigures>>) {
  console.log(`\nSubmission API: ${r.records} complete deaths each way, ${CLIENTS} at a time`);
  console.log(
    `  records service in-process: ${r.serviceRate.toFixed(0)} records/s (p99 ${r.serviceP99.toFixed(0)} ms)`,
  );
  console.log(
    `  POST …/records over HTTP with Idempotency-Key: ${r.apiRate.toFixed(0)} records/s, p99 ${r.apiP99.toFixed(0)} ms (target < 100), ${r.errors} not 201`,
  );
  console.log(
    `  API = ${((r.apiRate / r.serviceRate) * 100).toFixed(0)} % of the service's rate (target ≥ 70 %)`,
  );
}

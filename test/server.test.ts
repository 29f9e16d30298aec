// The built server as an operator runs it, through the failures it must survive: the database
// restarting under load, a deploy's SIGTERM with requests in flight, and kill -9 while it sends email.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { sql } from 'kysely';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hashPassword } from '../src/accounts/secrets.js';
import { insertUser } from '../src/accounts/repository.js';
import { putSetting } from '../src/settings/settings.js';
import { createDatabase, type Db } from '../src/db/database.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';
import {
  Browser,
  startOwnPostgres,
  startServer,
  type OwnPostgres,
  type ServerProcess,
} from './helpers/server-process.js';

jest.setTimeout(180_000);

const PASSWORD = 'correct horse battery staple';
const today = new Date().toISOString().slice(0, 10);
const period = today.slice(0, 7);
const [year, month, day] = today.split('-').map(Number) as [number, number, number];

let pg: OwnPostgres;
let smtp: TestSmtp;
let db: Db;
let email = '';

function deathForm(ref: string): Record<string, string> {
  return {
    partner_record_ref: ref,
    'date_of_death-day': String(day),
    'date_of_death-month': String(month),
    'date_of_death-year': String(year),
    date_of_death_basis: 'exact',
    'date_partner_aware-day': String(day),
    'date_partner_aware-month': String(month),
    'date_partner_aware-year': String(year),
    place_of_death_type: 'home',
    death_classification: 'suspected_drug',
    evidence_stage: 'pm_awaiting_tox',
    age_at_death: '41',
    sex: 'male',
    ethnic_group: 'white_british',
    residence_area: 'watford',
    substances: 'heroin_morphine',
    treatment_status: 'in_treatment',
  };
}

async function signedInBrowser(base: string): Promise<Browser> {
  const browser = new Browser(base);
  const response = await browser.submit('/sign-in', { email, password: PASSWORD });
  if (response.status !== 302) throw new Error(`sign-in failed: ${response.status}`);
  return browser;
}

/** One save as a partner makes it: open the form, send it. Acknowledged when the app redirects to the record. */
async function save(browser: Browser, ref: string): Promise<boolean> {
  try {
    const response = await browser.submit(`/returns/${period}/records/new`, deathForm(ref));
    return response.status === 302 && /\/records\/\d+$/.test(response.location ?? '');
  } catch {
    return false; // connection refused or reset: not acknowledged
  }
}

const serverEnv = () => ({
  DATABASE_URL: pg.url,
  SMTP_URL: smtp.url,
  JOB_INTERVAL_SECONDS: '5',
  OUTBOX_INTERVAL_SECONDS: '1',
  OUTBOX_CLAIM_SECONDS: '5',
  DB_CONNECT_TIMEOUT_SECONDS: '2',
  DRAIN_SECONDS: '0',
});

beforeAll(async () => {
  pg = await startOwnPostgres();
  smtp = await startSmtp();
  // The server migrates the empty database when it starts.
  const first = await startServer(serverEnv());
  db = createDatabase(pg.url, { max: 2 });
  const org = await db
    .insertInto('organisations')
    .values({
      name: 'Fault Test Org',
      code: 'FTO',
      type: 'drug_alcohol_treatment',
      areas: ['watford'],
      active_from: '2026-01',
      return_contacts: ['returns@fto.test'],
      escalation_contact: 'lead@fto.test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  email = 'partner@fto.test';
  await insertUser(db, {
    email,
    role: 'partner',
    organisationId: org.id,
    passwordHash: await hashPassword(PASSWORD),
    active: true,
  });
  // These tests are about faults, not signing in: the partner signs in with a password alone (an
  // administrator's option), so the load generators need no authenticator codes.
  await putSetting(db, 'twoFactor', { partnersRequired: false, rememberBrowserDays: 0 }, new Date());
  first.child.kill('SIGTERM');
  await first.exited;
});

afterAll(async () => {
  await db?.destroy();
  await smtp?.close();
  await pg?.close();
});

async function savedRefs(): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('records')
    .select(['partner_record_ref', sql<number>`count(*)`.as('n')])
    .groupBy('partner_record_ref')
    .execute();
  return new Map(rows.map((r) => [r.partner_record_ref, Number(r.n)]));
}

describe('the database restarting under load', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServer(serverEnv());
  });
  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it.each(['fast', 'immediate'] as const)(
    'when PostgreSQL restarts (%s) during saves, jobs and email then the app lives, serves again within 5 s and every acknowledged save is there once',
    async (mode) => {
      const browser = await signedInBrowser(server.base);
      // Email waiting to go while the database goes away.
      await db
        .insertInto('outbox')
        .values(
          Array.from({ length: 20 }, (_, i) => ({
            idempotency_key: `restart-${mode}-${i}`,
            to_addresses: ['ccsu@drd.test'],
            subject: `Restart ${mode} ${i}`,
            text: 't',
            html: '<p>h</p>',
            next_attempt_at: new Date(),
          })),
        )
        .execute();
      const acknowledged: string[] = [];
      let n = 0;
      let running = true;
      const loops = [0, 1, 2].map(async (lane) => {
        while (running) {
          const ref = `R${mode.slice(0, 1).toUpperCase()}-${lane}-${(n += 1)}`;
          if (await save(browser, ref)) acknowledged.push(ref);
          await new Promise((r) => setTimeout(r, 20));
        }
      });
      await new Promise((r) => setTimeout(r, 1500));
      const before = acknowledged.length;
      await pg.stop(mode);
      await new Promise((r) => setTimeout(r, 1500));
      const down = await fetch(`${server.base}/health`);
      expect(down.status).toBe(503);
      await pg.start();
      const back = Date.now();
      let recoveredMs = -1;
      while (Date.now() - back < 15_000) {
        if (
          (await fetch(`${server.base}/health`)).status === 200 &&
          (await save(browser, `PROBE-${mode}-${Date.now()}`))
        ) {
          recoveredMs = Date.now() - back;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      await new Promise((r) => setTimeout(r, 1000));
      running = false;
      await Promise.all(loops);

      expect(server.child.exitCode).toBeNull(); // the process is alive
      expect(recoveredMs).toBeGreaterThanOrEqual(0);
      expect(recoveredMs).toBeLessThan(5_000);
      expect(before).toBeGreaterThan(0);
      expect(acknowledged.length).toBeGreaterThan(before); // it saved again after the restart
      const saved = await savedRefs();
      for (const ref of acknowledged) expect([ref, saved.get(ref)]).toEqual([ref, 1]);
      // Nothing half-written: every saved record has the whole first page.
      const partial = await db
        .selectFrom('records')
        .select('id')
        .where('partner_record_ref', 'like', 'R%')
        .where((eb) => eb.or([eb('date_of_death', 'is', null), eb('evidence_stage', 'is', null)]))
        .execute();
      expect(partial).toHaveLength(0);
      // Every waiting email goes out: none lost.
      for (let i = 0; i < 100; i += 1) {
        const pending = await db
          .selectFrom('outbox')
          .select('id')
          .where('idempotency_key', 'like', `restart-${mode}-%`)
          .where('status', '!=', 'sent')
          .execute();
        if (pending.length === 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const sent = new Set(
        smtp.messages.map((m) => m.subject).filter((s) => s?.startsWith(`Restart ${mode} `)),
      );
      expect(sent.size).toBe(20);
      process.stdout.write(
        `database restart (${mode}): served again ${recoveredMs} ms after PostgreSQL was back; ${acknowledged.length} saves acknowledged, all present once\n`,
      );
    },
  );
});

describe('SIGTERM', () => {
  it('when a deploy stops the server with saves in flight then they all complete and it exits 0, leaving no email claimed', async () => {
    const server = await startServer(serverEnv());
    const browsers = await Promise.all(Array.from({ length: 8 }, () => signedInBrowser(server.base)));
    // The forms are open; the saves are sent together and the signal follows at once.
    const forms = await Promise.all(browsers.map((b) => b.get(`/returns/${period}/records/new`)));
    const saves = browsers.map((b, i) =>
      b.post(`/returns/${period}/records/new`, {
        ...deathForm(`TERM-${i}`),
        _csrf: b.formToken(forms[i]!.text),
      }),
    );
    await new Promise((r) => setTimeout(r, 5));
    server.child.kill('SIGTERM');
    const results = await Promise.all(saves);
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(302));
    expect(await server.exited).toBe(0);
    const saved = await savedRefs();
    for (let i = 0; i < 8; i += 1) expect(saved.get(`TERM-${i}`)).toBe(1);
    expect(await db.selectFrom('outbox').select('id').where('status', '=', 'sending').execute()).toHaveLength(
      0,
    );
    expect(server.output.join('')).not.toContain('Error');
  });
});

describe('draining on deploy', () => {
  it('when SIGTERM comes then /health says draining at once, requests that go on arriving are served, and it exits 0', async () => {
    const server = await startServer({ ...serverEnv(), DRAIN_SECONDS: '2' });
    const browser = await signedInBrowser(server.base);
    const form = await browser.get(`/returns/${period}/records/new`);
    // Pages asked for just before the signal, on connections of their own.
    const before = Array.from({ length: 10 }, () =>
      fetch(`${server.base}/accessibility`).then((r) => r.status),
    );
    await new Promise((r) => setTimeout(r, 30));
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    const health = await fetch(`${server.base}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ status: 'draining' });
    // A load balancer still sending for a second: new connections are accepted and served.
    await new Promise((r) => setTimeout(r, 700));
    const during = await Promise.all(
      Array.from({ length: 10 }, () => fetch(`${server.base}/accessibility`).then((r) => r.status)),
    );
    const save = await browser.post(`/returns/${period}/records/new`, {
      ...deathForm('DRAIN-1'),
      _csrf: browser.formToken(form.text),
    });
    expect(await Promise.all(before)).toEqual(Array(10).fill(200));
    expect(during).toEqual(Array(10).fill(200));
    expect(save.status).toBe(302);
    expect(await server.exited).toBe(0);
    expect((await savedRefs()).get('DRAIN-1')).toBe(1);
  });
});

describe('a second instance on a port in use', () => {
  it('when the port is taken then it says so and exits 1, instead of running on serving nothing', async () => {
    const first = await startServer(serverEnv());
    const port = new URL(first.base).port;
    try {
      const second = spawn(process.execPath, ['dist/src/server.js'], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          PORT: port,
          PUBLIC_URL: first.base,
          DATA_DIR: mkdtempSync(path.join(tmpdir(), 'drd-port-')),
          SESSION_SECRET: 'fault-test-session-secret-of-32-characters-at-least',
          LINKAGE_SECRET: 'fault-test-linkage-secret-of-32-characters-at-least',
          LOG_LEVEL: 'fatal',
          ...serverEnv(),
          JOBS: 'off',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      second.stdout!.on('data', (c: Buffer) => (output += c.toString()));
      second.stderr!.on('data', (c: Buffer) => (output += c.toString()));
      const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
      expect(code).toBe(1);
      expect(output).toContain(`port ${port} is in use`);
      expect(output).not.toContain('drd-return is running');
      // The first instance is untouched.
      expect((await fetch(`${first.base}/health`)).status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
    }
    expect(await first.exited).toBe(0);
  });
});

describe('kill -9 while sending email', () => {
  it('when the process dies just after SMTP accepted a message then at most that message is sent twice and none is lost', async () => {
    const before = smtp.messages.length;
    await db
      .insertInto('outbox')
      .values(
        Array.from({ length: 30 }, (_, i) => ({
          idempotency_key: `kill-${i}`,
          to_addresses: ['ccsu@drd.test'],
          subject: `Kill ${i}`,
          text: 't',
          html: '<p>h</p>',
          next_attempt_at: new Date(),
        })),
      )
      .execute();
    let server = await startServer(serverEnv());
    const killed = new Promise<void>((resolve) => {
      smtp.afterAccept = (mail) => {
        if (mail.subject === 'Kill 10') {
          server.child.kill('SIGKILL');
          smtp.afterAccept = undefined;
          resolve();
        }
      };
    });
    await killed;
    await server.exited;
    server = await startServer(serverEnv());
    for (let i = 0; i < 150; i += 1) {
      const left = await db
        .selectFrom('outbox')
        .select('id')
        .where('idempotency_key', 'like', 'kill-%')
        .where('status', '!=', 'sent')
        .execute();
      if (left.length === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    server.child.kill('SIGTERM');
    await server.exited;
    const received = smtp.messages
      .slice(before)
      .map((m) => m.subject ?? '')
      .filter((s) => s.startsWith('Kill '));
    const distinct = new Set(received);
    expect(distinct.size).toBe(30); // none lost
    expect(received.length - distinct.size).toBeLessThanOrEqual(1); // at most the one in flight twice
    process.stdout.write(
      `kill -9 mid-send: ${received.length} deliveries of 30 messages (${received.length - distinct.size} duplicate)\n`,
    );
  });
});

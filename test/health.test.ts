import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { sql } from 'kysely';
import pg from 'pg';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { createDatabase } from '../src/db/database.js';
import { healthFailure } from '../src/health.js';
import { agentFor, createTestApp, csrfFrom, nullMailer, type TestApp } from './helpers/app.js';
import { within } from './helpers/within.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const deps = () => ({
  config: t.config,
  mailer: nullMailer,
  clock: t.clock,
  logger: pino({ level: 'silent' }),
});

describe('/health', () => {
  it('when the database is up and migrated then it says so, with the outbox backlog', async () => {
    await t.db
      .insertInto('outbox')
      .values({
        idempotency_key: 'k1',
        to_addresses: ['a@b.test'],
        subject: 's',
        text: 't',
        html: 'h',
        next_attempt_at: new Date(),
      })
      .execute();
    const response = await request(t.app).get('/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok', database: 'ok', migrations: 'current', outboxPending: 1 });
  });

  it('when a page is served then security headers forbid inline script and framing', async () => {
    const response = await request(t.app).get('/sign-in');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-frame-options']).toBe('DENY'); // agrees with frame-ancestors 'none'
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.text).not.toMatch(/<script(?![^>]*src=)/); // no inline script anywhere
  });

  it('when a page does not exist then a plain 404 page is shown', async () => {
    const response = await request(t.app).get('/no-such-page');
    expect(response.status).toBe(404);
    expect(within(response, 'h1')).toContain('Page not found');
  });
});

describe('/health when something is wrong', () => {
  it('when the outbox has a message being sent then it counts in the backlog', async () => {
    await t.db.updateTable('outbox').set({ status: 'sending' }).where('idempotency_key', '=', 'k1').execute();
    const response = await request(t.app).get('/health');
    expect(response.body.outboxPending).toBe(1);
    await t.db.updateTable('outbox').set({ status: 'pending' }).where('idempotency_key', '=', 'k1').execute();
  });

  it('when a table it reads is locked then it answers 503 locked while the lock is still held', async () => {
    const conn = new pg.Client({ connectionString: t.url });
    await conn.connect();
    // An ordering check, not a stopwatch: the lock is let go only after 10 s. Had /health waited for it,
    // it would answer 200 once the lock went, not 503 'locked'; a busy machine changes neither answer.
    let released = false;
    const release = setTimeout(() => {
      released = true;
      void conn.query('rollback');
    }, 10_000);
    try {
      await conn.query('begin');
      await conn.query('lock table outbox in access exclusive mode');
      const started = Date.now();
      const response = await request(t.app).get('/health');
      expect(released).toBe(false);
      expect(response.status).toBe(503);
      expect(response.body.status).toBe('unavailable');
      expect(response.body.database).toBe('locked');
      process.stdout.write(`/health with a locked table: 503 in ${Date.now() - started} ms\n`);
    } finally {
      clearTimeout(release);
      if (!released) await conn.query('rollback');
      await conn.end();
    }
    expect((await request(t.app).get('/health')).status).toBe(200);
  });

  it('when the sessions table is locked against writes (reads still pass) then it answers 503 locked, not 200', async () => {
    const conn = new pg.Client({ connectionString: t.url });
    await conn.connect();
    try {
      await conn.query('begin');
      await conn.query('lock table sessions in share mode'); // reads go on; every page's session write waits
      const response = await request(t.app).get('/health');
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({ status: 'unavailable', database: 'locked' });
    } finally {
      await conn.query('rollback');
      await conn.end();
    }
  });

  it('when this instance has every pooled connection busy then /health still answers from its own connection', async () => {
    const busy = createDatabase(t.url, { max: 1 });
    try {
      const app = createApp({ ...deps(), db: busy, healthDb: t.db });
      const holding = sql`select pg_sleep(3)`.execute(busy);
      await new Promise((r) => setTimeout(r, 100));
      const response = await request(app).get('/health');
      expect(response.status).toBe(200);
      await holding;
    } finally {
      await busy.destroy();
    }
  });

  it.each([
    [{ code: '53300', message: 'sorry, too many clients already' }, 'connection limit'],
    [{ code: '55P03', message: 'canceling statement due to lock timeout' }, 'locked'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'unreachable'],
    [{ code: '57P03', message: 'the database system is starting up' }, 'restarting'],
  ])('when the database fails with %j then /health names it %s', (error, name) => {
    expect(healthFailure(error).database).toBe(name);
  });

  it('when the database only accepts reads then it answers 503 and says so', async () => {
    const name = new URL(t.url).pathname.slice(1);
    await sql`alter database ${sql.id(name)} set default_transaction_read_only = on`.execute(t.db);
    const readOnly = createDatabase(t.url, { max: 1 });
    try {
      const app = createApp({ ...deps(), db: readOnly });
      const response = await request(app).get('/health');
      expect(response.status).toBe(503);
      expect(response.body.database).toBe('read-only');
    } finally {
      await readOnly.destroy();
      await sql`alter database ${sql.id(name)} reset default_transaction_read_only`.execute(t.db);
    }
  });

  it('when a migration has not run then it answers 503 and says so', async () => {
    await sql`update kysely_migration set name = name || '-renamed' where name = (select max(name) from kysely_migration)`.execute(
      t.db,
    );
    try {
      const response = await request(t.app).get('/health');
      expect(response.status).toBe(503);
      expect(response.body.migrations).toBe('pending');
    } finally {
      await sql`update kysely_migration set name = replace(name, '-renamed', '')`.execute(t.db);
    }
  });

  it('when the database cannot be reached then it answers 503, and pages say the service is unavailable', async () => {
    const nowhere = createDatabase('postgres://nobody@127.0.0.1:1/none', { max: 1, connectTimeoutMs: 1_000 });
    try {
      const app = createApp({ ...deps(), db: nowhere });
      // Refused at once (nothing listens on port 1), so the answer cannot wait on the pool: a hang would
      // meet Jest's timeout, and no stopwatch is needed.
      const health = await request(app).get('/health');
      expect(health.status).toBe(503);
      // The sign-in form needs no database; signing in does.
      const agent = agentFor(app);
      const form = await agent.get('/sign-in');
      expect(form.status).toBe(200);
      const page = await agent
        .post('/sign-in')
        .type('form')
        .send({ email: 'a@b.test', password: 'long enough password', _csrf: csrfFrom(form.text) });
      expect(page.status).toBe(503);
      expect(within(page, 'h1')).toContain('Sorry, the service is unavailable');
      expect(page.text).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+/);
    } finally {
      await nowhere.destroy();
    }
  });
});

describe('the audit viewer', () => {
  it('when an admin filters by action and user then only those entries show, and the CSV matches', async () => {
    const { createUser, signedIn } = await import('./helpers/app.js');
    const admin = await createUser(t, 'ccsu_admin');
    const analyst = await createUser(t, 'ccsu_analyst');
    await signedIn(t, analyst);
    const agent = await signedIn(t, admin);
    const page = await agent.get(`/admin/audit?action=sign_in&actor=${encodeURIComponent(analyst.email)}`);
    expect(page.status).toBe(200);
    expect(within(page, 'main')).toContain(analyst.email);
    expect(within(page, 'td[data-label="Who"]')).not.toContain(admin.email);
    const csv = await agent.get(`/admin/audit.csv?action=sign_in&actor=${encodeURIComponent(analyst.email)}`);
    const lines = csv.text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(analyst.email);
    const analystAgent = await signedIn(t, analyst);
    expect((await analystAgent.get('/admin/audit')).status).toBe(403);
    expect((await analystAgent.get('/admin/audit.csv')).status).toBe(403);
  });
});

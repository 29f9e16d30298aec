// Sign-in throttling: counted in PostgreSQL by account, by source and by both; it stops an attacker
// without locking the owner out, tells nobody which addresses have accounts, and an admin can lift it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { createServices } from '../../src/services.js';
import {
  agentFor,
  createTestApp,
  createUser,
  csrfFrom,
  hashTestPasswordsAtProductionCost,
  nullMailer,
  PASSWORD,
  type TestApp,
  signedInAs,
} from '../helpers/app.js';
import type { Express } from 'express';
import type { User } from '../../src/db/types.js';
import { within } from '../helpers/within.js';

let t: TestApp;
// Unknown, wrong and throttled answers are timed here against the dummy hash the app makes itself.
hashTestPasswordsAtProductionCost();

beforeAll(async () => {
  t = await createTestApp({ env: { TRUST_PROXY: 'true' } });
});
afterAll(() => t.close());

/** A sign-in from a given address, as a browser behind the load balancer sends it. */
async function signInFrom(source: string, email: string, password: string, app: Express = t.app) {
  const agent = agentFor(app);
  const page = await agent.get('/sign-in');
  return agent
    .post('/sign-in')
    .set('X-Forwarded-For', source)
    .type('form')
    .send({ email, password, _csrf: csrfFrom(page.text) });
}

async function failFrom(source: string, email: string, times: number) {
  for (let i = 0; i < times; i += 1) await signInFrom(source, email, `wrong guess ${i}`);
}

describe('one source guessing one account', () => {
  let victim: User;
  beforeAll(async () => {
    victim = await createUser(t, 'ccsu_analyst');
    await failFrom('10.0.0.1', victim.email, t.config.signIn.maxAttempts);
  });

  it('when it has failed too often then even the right password is refused from there', async () => {
    const response = await signInFrom('10.0.0.1', victim.email, PASSWORD);
    expect(response.status).toBe(429);
    expect(within(response, '.govuk-error-summary')).toContain('Too many attempts to sign in from here');
  });

  it('when the owner signs in from their own desk then it works', async () => {
    expect((await signInFrom('10.0.0.2', victim.email, PASSWORD)).status).toBe(302);
  });

  it('when a second app instance is asked then it refuses too: the counts are in PostgreSQL', async () => {
    const deps = {
      config: t.config,
      db: t.db,
      mailer: nullMailer,
      clock: t.clock,
      logger: pino({ level: 'silent' }),
    };
    const other = createApp(deps, createServices(deps));
    expect((await signInFrom('10.0.0.1', victim.email, PASSWORD, other)).status).toBe(429);
  });

  it('when an admin unlocks the account then it can be signed in to from there again, and that is audited', async () => {
    const admin = await signedInAs(t, 'ccsu_admin');
    const response = await admin.submit(`/admin/users/${victim.id}/unlock`, {}, '/admin/users');
    expect(response.status).toBe(302);
    expect((await signInFrom('10.0.0.1', victim.email, PASSWORD)).status).toBe(302);
    const audit = await t.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'account_unlocked')
      .execute();
    expect(audit).toHaveLength(1);
  });
});

describe('what the answers give away', () => {
  it('when an unknown address and a real one are guessed then the answers are the same, throttling included', async () => {
    const real = await createUser(t, 'ccsu_analyst');
    const answers = async (email: string, source: string) => {
      const statuses: number[] = [];
      for (let i = 0; i <= t.config.signIn.maxAttempts; i += 1)
        statuses.push((await signInFrom(source, email, `wrong ${i}`)).status);
      return statuses;
    };
    const forReal = await answers(real.email, '10.0.1.1');
    const forNobody = await answers('nobody.here@example.test', '10.0.1.2');
    expect(forNobody).toEqual(forReal);
    expect(forReal.at(-1)).toBe(429);
  });

  it('when unknown, wrong and throttled answers are timed then their medians are within 2× of each other', async () => {
    const user = await createUser(t, 'ccsu_analyst');
    await failFrom('10.0.2.9', user.email, t.config.signIn.maxAttempts); // throttled from here
    const median = async (run: () => Promise<unknown>) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const started = performance.now();
        await run();
        times.push(performance.now() - started);
      }
      return times.sort((a, b) => a - b)[2]!;
    };
    const unknown = await median(() => signInFrom('10.0.2.1', 'no.one@example.test', 'a guess'));
    const wrong = await median(() => signInFrom('10.0.2.2', user.email, 'a guess'));
    const throttled = await median(() => signInFrom('10.0.2.9', user.email, 'a guess'));
    const all = [unknown, wrong, throttled];
    process.stdout.write(
      `sign-in answer medians: unknown ${unknown.toFixed(0)} ms, wrong ${wrong.toFixed(0)} ms, throttled ${throttled.toFixed(0)} ms\n`,
    );
    expect(Math.max(...all) / Math.min(...all)).toBeLessThan(2);
  });
});

describe('many sources, many accounts', () => {
  it('when one account is guessed from many sources then those sources are stopped, but not a source that never failed', async () => {
    const victim = await createUser(t, 'ccsu_analyst');
    for (let i = 0; i < 20; i += 1) await signInFrom(`10.1.0.${i}`, victim.email, 'guess');
    expect((await signInFrom('10.1.0.3', victim.email, PASSWORD)).status).toBe(429);
    expect((await signInFrom('10.1.9.9', victim.email, PASSWORD)).status).toBe(302);
  });

  it('when one source guesses many accounts then it is stopped for every account', async () => {
    for (let i = 0; i < 30; i += 1) await signInFrom('10.2.0.1', `spray${i}@example.test`, 'Summer2026!');
    const user = await createUser(t, 'ccsu_analyst');
    expect((await signInFrom('10.2.0.1', user.email, PASSWORD)).status).toBe(429);
  });

  it('when a user signs in successfully many times then nothing is counted against them', async () => {
    const user = await createUser(t, 'ccsu_analyst');
    for (let i = 0; i < 12; i += 1)
      expect((await signInFrom('10.3.0.1', user.email, PASSWORD)).status).toBe(302);
  });
});

describe('password reset requests', () => {
  it('when one address asks for many resets then only the first three are emailed, and sign-in is not affected', async () => {
    const user = await createUser(t, 'ccsu_analyst');
    for (let i = 0; i < 5; i += 1) {
      const agent = agentFor(t.app);
      const page = await agent.get('/forgot-password');
      const response = await agent
        .post('/forgot-password')
        .set('X-Forwarded-For', '10.4.0.1')
        .type('form')
        .send({ email: user.email, _csrf: csrfFrom(page.text) });
      expect(within(response, 'h1')).toContain('Check your email');
    }
    const emails = (await t.db.selectFrom('outbox').selectAll().execute()).filter((m) =>
      m.to_addresses.includes(user.email),
    );
    expect(emails).toHaveLength(3);
    expect((await signInFrom('10.4.0.1', user.email, PASSWORD)).status).toBe(302);
  });
});

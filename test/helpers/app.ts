// A real app on a real database with a fake clock, and signed-in supertest agents.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { createServices, type Services } from '../../src/services.js';
import { FixedClock } from '../../src/clock.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { Mailer } from '../../src/mail/mailer.js';
import type { Organisation, User, UserRole } from '../../src/db/types.js';
import { hashPassword } from '../../src/accounts/secrets.js';
import { insertUser } from '../../src/accounts/repository.js';
import { codeAt, TotpKeys } from '../../src/accounts/totp.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;
let productionCost = false;

/**
 * Test users' passwords are hashed with argon2id at a tiny cost: argon2 verifies a hash with the
 * parameters stored in it, so every sign-in in the suite costs milliseconds instead of a quarter of a
 * second, while the app itself still hashes at its own cost. A file whose point is how long a sign-in
 * takes (the throttle's timing test) calls this first, so its users' hashes cost what production's do.
 */
export function hashTestPasswordsAtProductionCost(): void {
  productionCost = true;
  passwordHash = undefined;
}

const testPasswordHash = () =>
  productionCost
    ? hashPassword(PASSWORD)
    : argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 });

export interface TestApp {
  app: Express;
  db: TestDatabase['db'];
  /** The test database's connection string (for a second connection, e.g. to hold a lock). */
  url: string;
  clock: FixedClock;
  config: Config;
  services: Services;
  close(): Promise<void>;
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'drd-test-data-')),
    LINKAGE_SECRET: 'test-linkage-secret-of-at-least-32-characters',
    SESSION_SECRET: 'test-session-secret-of-at-least-32-characters',
    PUBLIC_URL: 'http://drd.test',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export const nullMailer: Mailer = { kind: 'outbox-only', send: async () => {}, close: () => {} };

export async function createTestApp(
  options: { now?: string; logger?: Logger; mailer?: Mailer; env?: Record<string, string> } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const clock = new FixedClock(new Date(options.now ?? '2026-04-02T10:00:00Z'));
  const config = testConfig(options.env);
  const deps = {
    config,
    db: database.db,
    mailer: options.mailer ?? nullMailer,
    clock,
    logger: options.logger ?? pino({ level: 'silent' }),
  };
  const services = createServices(deps);
  return {
    app: createApp(deps, services),
    db: database.db,
    url: database.url,
    clock,
    config,
    services,
    close: database.drop,
  };
}

let orgCounter = 0;
export async function createOrganisation(
  t: TestApp,
  overrides: Partial<Organisation> = {},
): Promise<Organisation> {
  orgCounter += 1;
  return t.db
    .insertInto('organisations')
    .values({
      name: overrides.name ?? `Test Organisation ${orgCounter}`,
      code:
        overrides.code ??
        `TO${String.fromCharCode(65 + (orgCounter % 26))}${String.fromCharCode(65 + Math.floor(orgCounter / 26))}`,
      type: overrides.type ?? 'drug_alcohol_treatment',
      areas: overrides.areas ?? ['watford'],
      active_from: overrides.active_from ?? '2026-01',
      active_to: overrides.active_to ?? null,
      return_contacts: overrides.return_contacts ?? ['returns@org.test'],
      escalation_contact: overrides.escalation_contact ?? 'manager@org.test',
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

let userCounter = 0;
/** Every test user's authenticator key (unless made without one), so tests can compute its codes. */
export const TEST_TOTP_KEY = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A user with a password and, as every account normally has, a second factor already set up. */
export async function createUser(
  t: TestApp,
  role: UserRole,
  organisationId: number | null = null,
  options: { twoFactor?: boolean } = {},
): Promise<User> {
  userCounter += 1;
  passwordHash ??= testPasswordHash();
  const user = await insertUser(t.db, {
    email: `${role}.${userCounter}@example.test`,
    role,
    organisationId,
    passwordHash: await passwordHash,
    active: true,
  });
  if (options.twoFactor === false) return user;
  return t.db
    .updateTable('users')
    .set({
      totp_secret: new TotpKeys(t.config.linkageSecret).encrypt(TEST_TOTP_KEY),
      totp_enabled_at: t.clock.now(),
    })
    .where('id', '=', user.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The code the test user's app shows now. A code works once, and tests sign the same user in several
 * times at one fixed time, so the record of the last code used is cleared first.
 */
export async function currentCode(t: TestApp, user: Pick<User, 'id'>): Promise<string> {
  await t.db.updateTable('users').set({ totp_last_step: null }).where('id', '=', user.id).execute();
  return codeAt(TEST_TOTP_KEY, t.clock.now());
}

export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('No CSRF token on the page');
  return match[1]!;
}

export type Agent = ReturnType<typeof request.agent> & {
  /** POSTs a form with the CSRF token taken from `fromPage` (default: the same path). */
  submit(path: string, form: Record<string, string | string[]>, fromPage?: string): Promise<request.Response>;
  upload(path: string, file: Buffer, name: string): Promise<request.Response>;
  /** Signs the same user in again: after the fake clock jumps past the session's idle limit. */
  signInAgain(): Promise<void>;
};

export function agentFor(app: Express): Agent {
  const agent = request.agent(app) as Agent;
  agent.signInAgain = async () => {
    throw new Error('This agent was not signed in by signedIn()');
  };
  agent.submit = async (path, form, fromPage) => {
    const page = await agent.get(fromPage ?? path);
    const token = csrfFrom(page.text);
    return agent
      .post(path)
      .type('form')
      .send({ ...form, _csrf: token });
  };
  /** Uploads a file through the upload form (multipart: the CSRF token field, then the file). */
  agent.upload = async (path, file, name) => {
    const page = await agent.get(path);
    const action = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(page.text);
    if (!action) throw new Error(`No upload form on ${path}: ${page.status}`);
    // As a browser sends the form: the token field first, then the file.
    return agent
      .post(action[1]!.replace(/&amp;/g, '&'))
      .field('_csrf', csrfFrom(page.text))
      .attach('file', file, name);
  };
  return agent;
}

/**
 * The usual fixture: a new user of this role (a partner of `organisationId`), signed in. Use createUser and
 * signedIn apart when the test needs the user's own row as well.
 */
export async function signedInAs(
  t: TestApp,
  role: UserRole,
  organisationId: number | null = null,
): Promise<Agent> {
  return signedIn(t, await createUser(t, role, organisationId));
}

export async function signedIn(t: TestApp, user: User): Promise<Agent> {
  const agent = agentFor(t.app);
  agent.signInAgain = async () => {
    const response = await agent.submit('/sign-in', { email: user.email, password: PASSWORD });
    if (response.status !== 302) throw new Error(`Sign-in failed: ${response.status}`);
    if (response.headers.location !== '/sign-in/code') return;
    const code = await agent.submit('/sign-in/code', { code: await currentCode(t, user) });
    if (code.status !== 302) throw new Error(`Second factor failed: ${code.status}`);
  };
  await agent.signInAgain();
  return agent;
}

/** Form fields for a complete, valid record (dates split as the GOV.UK date inputs send them). */
export function completeRecordSections(ref = 'HCT-001'): Record<string, Record<string, string | string[]>> {
  return {
    death: {
      partner_record_ref: ref,
      'date_of_death-day': '14',
      'date_of_death-month': '3',
      'date_of_death-year': '2026',
      date_of_death_basis: 'exact',
      'date_partner_aware-day': '16',
      'date_partner_aware-month': '3',
      'date_partner_aware-year': '2026',
      place_of_death_type: 'home',
      death_classification: 'suspected_drug',
      evidence_stage: 'pm_awaiting_tox',
      age_at_death: '41',
      sex: 'male',
      ethnic_group: 'white_british',
      residence_area: 'watford',
      substances: ['heroin_morphine', 'alcohol'],
      treatment_status: 'in_treatment',
    },
    details: { place_of_death_area: 'watford', on_ost_at_death: 'yes' },
  };
}

/** Adds a complete record to a return through the pages, as a partner would; returns its id. */
export async function addCompleteRecord(agent: Agent, period: string, ref = 'HCT-001'): Promise<number> {
  const sections = completeRecordSections(ref);
  const created = await agent.submit(`/returns/${period}/records/new`, sections.death!);
  if (created.status !== 302)
    throw new Error(`Record not created: ${created.status} ${created.text.slice(0, 500)}`);
  const id = Number(/records\/(\d+)/.exec(created.headers.location!)![1]);
  const saved = await agent.submit(`/returns/${period}/records/${id}/details`, sections.details!);
  if (saved.status !== 302) throw new Error(`Details not saved: ${saved.status}`);
  return id;
}

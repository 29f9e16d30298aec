// Configuration from the environment, validated once at start-up. A bad value stops the app with a
// message naming the variable, instead of failing later in a request.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: optionalUrl,
  DATA_DIR: z.string().default('./data'),
  PUBLIC_URL: z.url().optional(),
  SMTP_URL: optionalUrl,
  MAIL_FROM: z.string().default('drd-return <no-reply@drd-return.local>'),
  /** Where the footer's feedback link and the accessibility statement send people. */
  FEEDBACK_EMAIL: z.email().default('ccsu@hertfordshire.gov.uk'),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  LINKAGE_SECRET: z.string().min(32, 'LINKAGE_SECRET must be at least 32 characters').optional(),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(30),
  SESSION_MAX_HOURS: z.coerce.number().min(1).max(72).default(12),
  DB_STATEMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** Connections one instance keeps to PostgreSQL; exports use at most EXPORTS_AT_ONCE of them. */
  DB_POOL_SIZE: z.coerce.number().int().min(4).max(200).default(10),
  EXPORTS_AT_ONCE: z.coerce.number().int().min(1).max(50).default(3),
  /** An export whose reader takes nothing for this long is stopped (its connection given back). */
  EXPORT_STALL_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  DB_CONNECT_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(120).default(5),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(2).max(600).default(20),
  /** After SIGTERM, how long to go on serving while /health says 'draining' (a load balancer's notice). */
  DRAIN_SECONDS: z.coerce.number().min(0).max(120).default(5),
  SIGN_IN_MAX_ATTEMPTS: z.coerce.number().int().min(3).max(50).default(5),
  /** Records whose date of death is older than this many years are purged (spec §8). */
  RETENTION_YEARS: z.coerce.number().int().min(1).max(100).default(10),
  SIGN_IN_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(15),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JOBS: z
    .enum(['on', 'off'])
    .default('on')
    .transform((v) => v === 'on'),
  JOB_INTERVAL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  OUTBOX_INTERVAL_SECONDS: z.coerce.number().int().min(1).max(600).default(5),
  OUTBOX_CLAIM_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  UPLOAD_MAX_MB: z.coerce.number().min(1).max(200).default(10),
  UPLOAD_MAX_ROWS: z.coerce.number().int().min(10).max(1_000_000).default(100_000),
  UPLOAD_XLSX_MAX_UNPACKED_MB: z.coerce.number().min(1).max(2000).default(200),
  UPLOAD_XLSX_MAX_PARTS: z.coerce.number().int().min(5).max(10_000).default(500),
  UPLOAD_MAX_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  UPLOADS_AT_ONCE: z.coerce.number().int().min(1).max(32).default(2),
  UPLOAD_PREVIEW_MINUTES: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .default(60),
  DASHBOARD_MIN_ORGANISATIONS_PER_TYPE: z.coerce.number().int().min(1).max(50).default(3),
  DISCLOSURE_ALLOW_BELOW_MINIMUM: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  publicUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  feedbackEmail: string;
  sessionSecret: string;
  uploads: {
    maxBytes: number;
    maxRows: number;
    xlsxMaxUncompressedBytes: number;
    xlsxMaxEntries: number;
    previewMinutes: number;
    /** An upload still being checked after this long is stopped with a message. */
    maxMs: number;
    /** Uploads checked at the same time by one app instance; more wait their turn or are told to retry. */
    atOnce: number;
  };
  linkageSecret: string;
  sessionIdleMinutes: number;
  /** However active a user is, a session ends this long after sign-in. */
  sessionMaxHours: number;
  database: { statementTimeoutMs: number; connectTimeoutMs: number; poolSize: number };
  exports: { atOnce: number; stallMs: number };
  /** How long a stop waits for requests in flight and the current job step. */
  shutdownMs: number;
  /** After SIGTERM: serving on, /health 503 'draining', before the listener closes. */
  drainMs: number;
  signIn: { maxAttempts: number; lockoutMinutes: number };
  retentionYears: number;
  logLevel: string;
  trustProxy: boolean;
  disclosure: {
    /** Partners may filter the dashboard by a kind of organisation only when at least this many make returns. */
    minOrganisationsPerType: number;
    /** Lets admins set the suppression threshold below 3 or the rounding base below 5 (a deliberate choice). */
    allowBelowMinimum: boolean;
  };
  jobs: {
    enabled: boolean;
    intervalMs: number;
    outboxIntervalMs: number;
    outboxMaxAttempts: number;
    /** How long a sender's claim on a message lasts (renewed while it works). */
    outboxClaimMs: number;
  };
}

export class ConfigError extends Error {}

/** A secret kept in the data directory, made on first use: the embedded default needs no set-up. */
function persistedSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  // LINKAGE_SECRET is a one-way decision: changing it breaks linkage with every key made before.
  if (production && !e.LINKAGE_SECRET)
    throw new ConfigError(
      'Invalid configuration:\n  LINKAGE_SECRET: required in production (at least 32 characters)',
    );
  if (production && !e.SESSION_SECRET)
    throw new ConfigError(
      'Invalid configuration:\n  SESSION_SECRET: required in production (at least 32 characters)',
    );
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    feedbackEmail: e.FEEDBACK_EMAIL,
    sessionSecret: e.SESSION_SECRET ?? persistedSecret(dataDir, 'session-secret'),
    linkageSecret: e.LINKAGE_SECRET ?? persistedSecret(dataDir, 'linkage-secret'),
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionMaxHours: e.SESSION_MAX_HOURS,
    database: {
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_SECONDS * 1000,
      connectTimeoutMs: e.DB_CONNECT_TIMEOUT_SECONDS * 1000,
      poolSize: e.DB_POOL_SIZE,
    },
    // Exports never take more than half the pool: sign-ins and saves always find a connection.
    exports: {
      atOnce: Math.max(1, Math.min(e.EXPORTS_AT_ONCE, Math.floor(e.DB_POOL_SIZE / 2))),
      stallMs: e.EXPORT_STALL_SECONDS * 1000,
    },
    shutdownMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    drainMs: Math.round(e.DRAIN_SECONDS * 1000),
    signIn: { maxAttempts: e.SIGN_IN_MAX_ATTEMPTS, lockoutMinutes: e.SIGN_IN_LOCKOUT_MINUTES },
    retentionYears: e.RETENTION_YEARS,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    disclosure: {
      minOrganisationsPerType: e.DASHBOARD_MIN_ORGANISATIONS_PER_TYPE,
      allowBelowMinimum: e.DISCLOSURE_ALLOW_BELOW_MINIMUM,
    },
    uploads: {
      maxBytes: Math.round(e.UPLOAD_MAX_MB * 1024 * 1024),
      maxRows: e.UPLOAD_MAX_ROWS,
      xlsxMaxUncompressedBytes: Math.round(e.UPLOAD_XLSX_MAX_UNPACKED_MB * 1024 * 1024),
      xlsxMaxEntries: e.UPLOAD_XLSX_MAX_PARTS,
      previewMinutes: e.UPLOAD_PREVIEW_MINUTES,
      maxMs: e.UPLOAD_MAX_SECONDS * 1000,
      atOnce: e.UPLOADS_AT_ONCE,
    },
    jobs: {
      enabled: e.JOBS,
      intervalMs: e.JOB_INTERVAL_SECONDS * 1000,
      outboxIntervalMs: e.OUTBOX_INTERVAL_SECONDS * 1000,
      outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      outboxClaimMs: e.OUTBOX_CLAIM_SECONDS * 1000,
    },
  };
}

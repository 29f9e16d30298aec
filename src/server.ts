// Boot: config → database (embedded only without DATABASE_URL) → migrate → app → listen → jobs.
// The process owns its shutdown: on SIGTERM it drains (goes on serving while /health says so), then
// stops accepting connections, lets the requests in flight and the jobs' current step finish (up to a
// cut-off), closes the pool and the embedded database, and exits 0. A failure the code did not expect
// is logged and ends in the same orderly stop.
import { pino } from 'pino';
import { createApp } from './app.js';
import { createJobs, createServices } from './services.js';
import { JobRunner } from './jobs/runner.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/open.js';
import { createMailer } from './mail/mailer.js';
import { safeError } from './lib/safe-error.js';
import { runBackfills } from './backfills.js';
import { Lifecycle } from './lib/lifecycle.js';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const database = await openDatabase(config, {
    backfill: runBackfills,
    statementTimeoutMs: config.database.statementTimeoutMs,
    connectTimeoutMs: config.database.connectTimeoutMs,
    max: config.database.poolSize,
    onConnectionError: (error) =>
      logger.warn(
        { err: safeError(error) },
        'database connection lost; it will be reopened when next needed',
      ),
  });
  const mailer = createMailer(config.smtpUrl);
  const lifecycle = new Lifecycle();
  const deps = {
    config,
    db: database.db,
    healthDb: database.healthDb,
    mailer,
    clock: systemClock,
    logger,
    lifecycle,
  };
  const services = createServices(deps);
  const app = createApp(deps, services);

  let stopping = false;
  /** Past the drain: no longer accepting, so each response closes its connection behind it. */
  let closing = false;
  const server = app.listen(config.port, (error?: Error) => {
    if (error) {
      // Another process has the port (a second instance, an old one still running): say so and stop,
      // rather than run on serving nothing.
      const inUse = (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
      logger.fatal({ err: safeError(error), port: config.port }, 'could not listen');
      console.error(
        inUse
          ? `drd-return could not start: port ${config.port} is in use by another program. Stop it, or set PORT to another port.`
          : `drd-return could not start: it could not listen on port ${config.port}.`,
      );
      void database.close().finally(() => process.exit(1));
      return;
    }
    logger.info(
      { port: config.port, embeddedDatabase: database.embedded, ms: Date.now() - started },
      'drd-return listening',
    );
    console.log(`\ndrd-return is running at ${config.publicUrl}`);
    if (database.embedded) console.log(`Using the embedded PostgreSQL (data in ${config.dataDir}).`);
    if (!config.smtpUrl) console.log('No SMTP_URL: emails are kept in the outbox (Admin → Outbox).');
  });
  // Once stopping, each response asks its browser to open a new connection for the next request, so
  // keep-alive connections end after the request they are serving instead of being cut mid-request.
  server.on('request', (_req, res) => {
    if (closing) res.setHeader('Connection', 'close');
  });

  const runner = new JobRunner(database.db, createJobs(services, deps), logger);
  if (config.jobs.enabled) runner.start();

  /**
   * The orderly stop. After SIGTERM a load balancer may go on sending requests for a few seconds (it
   * learns of the stop from /health), so for `drainMs` the instance says "draining" on /health and
   * goes on accepting and serving; then it stops accepting, finishes what is in flight (up to the
   * cut-off), lets the jobs finish their step, and exits. SIGINT (Ctrl-C at a terminal) and failures
   * skip the drain: nothing routes to a terminal.
   */
  const stop = async (reason: string, exitCode: number, drainMs: number) => {
    if (stopping) return;
    stopping = true;
    lifecycle.startDraining();
    if (drainMs > 0) {
      logger.info({ reason, drainMs }, 'draining: /health says so; still serving');
      await new Promise((resolve) => setTimeout(resolve, drainMs));
    }
    // Only now: during the drain keep-alive connections go on as usual (a client that sends its next
    // request on a connection just as the server closes it would get an error).
    closing = true;
    logger.info({ reason }, 'stopping: finishing requests in flight');
    const cutOff = setTimeout(() => {
      logger.warn({ reason }, 'requests still running at the cut-off are closed');
      server.closeAllConnections();
    }, config.shutdownMs);
    cutOff.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await Promise.all([closed, runner.stop(Math.max(1_000, config.shutdownMs - 2_000))]);
    clearTimeout(cutOff);
    mailer.close();
    await database.close().catch((err: unknown) => logger.warn({ err: safeError(err) }, 'database close'));
    logger.info({ reason, exitCode }, 'stopped');
    process.exit(exitCode);
  };
  // A last guard: if the orderly stop itself hangs, the process still ends.
  const stopOn = (reason: string, exitCode: number, drainMs = 0) => {
    setTimeout(() => process.exit(exitCode || 1), drainMs + config.shutdownMs + 5_000).unref();
    void stop(reason, exitCode, drainMs);
  };
  process.on('SIGTERM', () => stopOn('SIGTERM', 0, config.drainMs));
  process.on('SIGINT', () => stopOn('SIGINT', 0));
  process.on('unhandledRejection', (err) => {
    logger.fatal({ err: safeError(err) }, 'unhandled promise rejection');
    stopOn('unhandledRejection', 1);
  });
  process.on('uncaughtException', (err) => {
    logger.fatal({ err: safeError(err) }, 'uncaught exception');
    stopOn('uncaughtException', 1);
  });

  const setupLink = await services.accounts.firstRunSetupLink();
  if (setupLink)
    console.log(
      `\nFirst run: create the first CCSU administrator with this one-time link:\n  ${setupLink}\n`,
    );
  else console.log(`Sign in at ${config.publicUrl}/sign-in (run "npm run seed:demo" for demo accounts).`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('drd-return could not start:', safeError(error));
  process.exit(1);
});

// Boot: config → database (embedded or DATABASE_URL) → migrate → app → listen; graceful stop on SIGTERM.
import { pino } from 'pino';
import { createApp, createJobs, createServices } from './app.js';
import { JobRunner } from './jobs/runner.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/open.js';
import { createMailer } from './email/mailer.js';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = pino({ level: config.logLevel });
  const database = await openDatabase(config);
  const mailer = createMailer(config.smtpUrl);
  const deps = { config, db: database.db, mailer, clock: systemClock, logger };
  const app = createApp(deps);

  const server = app.listen(config.port, () => {
    logger.info(
      { port: config.port, embeddedDatabase: database.embedded, ms: Date.now() - started },
      'drd-return listening',
    );
    console.log(`\ndrd-return is running at ${config.publicUrl}`);
    if (database.embedded) console.log(`Using the embedded PostgreSQL (data in ${config.dataDir}).`);
    if (!config.smtpUrl) console.log('No SMTP_URL: emails are kept in the outbox (Admin → Outbox).');
  });

  const services = createServices(deps);
  const runner = new JobRunner(database.db, createJobs(services, config), logger);
  if (config.jobs.enabled) runner.start();

  const setupLink = await services.accounts.firstRunSetupLink();
  if (setupLink)
    console.log(
      `\nFirst run: create the first CCSU administrator with this one-time link:\n  ${setupLink}\n`,
    );
  else console.log(`Sign in at ${config.publicUrl}/sign-in (run "npm run seed:demo" for demo accounts).`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    server.close(() => {
      mailer.close();
      runner
        .stop()
        .then(() => database.close())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    });
    server.closeIdleConnections();
    // Requests still running after 10 s are cut off rather than holding the stop forever.
    setTimeout(() => process.exit(1), 10_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('drd-return could not start:', error);
  process.exit(1);
});

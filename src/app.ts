import express, { type Express } from 'express';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import type { Clock } from './clock.js';
import type { Db } from './db/database.js';
import type { Mailer } from './mail/mailer.js';
import { setUpSecurity } from './middleware/security.js';
import { setUpSessions } from './middleware/sessions.js';
import { purgeExpiredSessions } from './middleware/session-store.js';
import { setUpCsrf } from './middleware/csrf.js';
import { setUpCurrentUser } from './middleware/auth.js';
import { setUpErrorHandling } from './middleware/errors.js';
import { setUpRequestLogging } from './middleware/logging.js';
import { setUpStaticAssets } from './middleware/assets.js';
import { setUpViews } from './views.js';
import { assertEveryPostValidated } from './middleware/validation.js';
import { routeTable } from './lib/route-table.js';
import { uploadsRouter } from './uploads/routes.js';
import { UploadsService } from './uploads/service.js';
import { healthRouter } from './health.js';
import { AccountsService } from './accounts/service.js';
import { SignInService } from './accounts/sign-in.js';
import { accountsRouter } from './accounts/routes.js';
import { usersRouter } from './accounts/users-routes.js';
import { twoFactorRouter } from './accounts/two-factor-routes.js';
import { TwoFactorService } from './accounts/two-factor.js';
import { TeamService } from './accounts/team.js';
import { AgreementsService } from './agreements/service.js';
import { agreementsAdminRouter } from './agreements/admin-routes.js';
import { RetentionService } from './retention/service.js';
import { retentionRouter } from './retention/routes.js';
import { partnerOrganisationRouter } from './organisations/partner-routes.js';
import { OrganisationsService } from './organisations/service.js';
import { organisationsRouter } from './organisations/routes.js';
import { ReturnsService } from './returns/service.js';
import { returnsRouter } from './returns/routes.js';
import { RecordsService } from './returns/records-service.js';
import { ccsuRouter } from './collation/home-routes.js';
import { adminRouter } from './admin/routes.js';
import { RemindersService } from './reminders/service.js';
import { SummaryService } from './collation/summary.js';
import { NilLinksService } from './reminders/nil-links.js';
import { nilLinkRouter } from './reminders/nil-routes.js';
import { OutboxSender, defaultSenderOptions } from './mail/sender.js';
import { settingsRouter } from './settings/routes.js';
import type { Job } from './jobs/runner.js';
import { CollationService } from './collation/service.js';
import { CasesService } from './cases/service.js';
import { casesRouter } from './cases/routes.js';
import { QueriesService } from './collation/queries.js';
import { collationRouter } from './collation/routes.js';
import { DashboardService } from './dashboard/service.js';
import { AlertsService } from './dashboard/alerts.js';
import { dashboardRouter } from './dashboard/routes.js';
import { ApiTokensService } from './api/tokens.js';
import { apiTokensRouter } from './api/tokens-routes.js';
import { feedRouter } from './api/feed.js';
import { ScorecardService } from './collation/scorecard.js';
import { ExportAudit } from './audit/audit.js';

export interface AppDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  clock: Clock;
  logger?: Logger;
}

export interface Services {
  accounts: AccountsService;
  signIn: SignInService;
  organisations: OrganisationsService;
  returns: ReturnsService;
  records: RecordsService;
  reminders: RemindersService;
  summary: SummaryService;
  nilLinks: NilLinksService;
  sender: OutboxSender;
  collation: CollationService;
  cases: CasesService;
  queries: QueriesService;
  uploads: UploadsService;
  dashboard: DashboardService;
  alerts: AlertsService;
  apiTokens: ApiTokensService;
  scorecard: ScorecardService;
  exportAudit: ExportAudit;
  twoFactor: TwoFactorService;
  agreements: AgreementsService;
  team: TeamService;
  retention: RetentionService;
}

export function createServices({ config, db, clock, mailer }: AppDeps): Services {
  const returns = new ReturnsService(db, config, clock);
  const collation = new CollationService(db, clock);
  const scorecard = new ScorecardService(db, clock, collation);
  const accounts = new AccountsService(db, config, clock);
  return {
    accounts,
    team: new TeamService(db, clock, accounts),
    agreements: new AgreementsService(db, clock),
    retention: new RetentionService(db, config, clock),
    signIn: new SignInService(db, config, clock),
    twoFactor: new TwoFactorService(db, config, clock),
    organisations: new OrganisationsService(db, clock),
    returns,
    records: new RecordsService(db, config, clock, returns),
    reminders: new RemindersService(db, config, clock),
    summary: new SummaryService(db, config, clock, scorecard, collation),
    nilLinks: new NilLinksService(db, clock, returns),
    collation,
    dashboard: new DashboardService(db, clock, collation),
    alerts: new AlertsService(db, config, clock),
    apiTokens: new ApiTokensService(db, clock),
    scorecard,
    exportAudit: new ExportAudit(db, clock),
    cases: new CasesService(db, clock),
    queries: new QueriesService(db, config, clock),
    uploads: new UploadsService(db, config, clock, returns),
    sender: new OutboxSender(db, mailer, clock, {
      ...defaultSenderOptions,
      from: config.mailFrom,
      maxAttempts: config.jobs.outboxMaxAttempts,
      claimMs: config.jobs.outboxClaimMs,
    }),
  };
}

/** The background jobs, for the runner started by the server. */
export function createJobs(services: Services, { config, db, clock }: AppDeps): Job[] {
  return [
    {
      name: 'purge-sessions',
      everyMs: config.jobs.intervalMs,
      exclusive: true,
      run: () => purgeExpiredSessions(db, clock),
    },
    {
      name: 'reminders',
      everyMs: config.jobs.intervalMs,
      exclusive: true,
      run: () => services.reminders.run(),
    },
    {
      name: 'summary',
      everyMs: config.jobs.intervalMs,
      exclusive: true,
      run: () => services.summary.runScheduled(),
    },
    {
      name: 'expire-uploads',
      everyMs: config.jobs.intervalMs,
      exclusive: true,
      run: () => services.uploads.expire(),
    },
    {
      name: 'early-warning',
      everyMs: config.jobs.intervalMs,
      exclusive: true,
      run: () => services.alerts.detect(),
    },
    {
      // Hourly is often enough: it purges by the year, and its dry run is on the admin page.
      name: 'retention',
      everyMs: Math.max(config.jobs.intervalMs, 3_600_000),
      exclusive: true,
      run: () => services.retention.purge(),
    },
    {
      name: 'outbox',
      everyMs: config.jobs.outboxIntervalMs,
      exclusive: false,
      run: (signal) => services.sender.sendDue(20, signal),
    },
  ];
}

/** The whole web app from its dependencies: no globals, so tests pass a fake clock and a real database. */
export function createApp(deps: AppDeps, services: Services = createServices(deps)): Express {
  const { config, db } = deps;
  const logger = deps.logger ?? pino({ level: config.logLevel });
  const app = express();
  if (config.trustProxy) app.set('trust proxy', 1);

  setUpViews(app);
  app.locals.feedbackEmail = config.feedbackEmail;
  setUpRequestLogging(app, logger);
  setUpSecurity(app, { https: config.publicUrl.startsWith('https://') });
  setUpStaticAssets(app);
  app.use(healthRouter(db));
  app.get('/accessibility', (_req, res) => res.render('accessibility', { title: 'Accessibility statement' }));
  // The feed authenticates by token, not session: mounted before sessions and CSRF (it is read-only).
  app.use(
    '/api/v1',
    feedRouter(
      db,
      deps.clock,
      services.apiTokens,
      services.dashboard,
      config.disclosure.minOrganisationsPerType,
    ),
  );
  app.use(express.urlencoded({ extended: false, limit: '100kb', parameterLimit: 500 }));
  setUpSessions(app, config, db, deps.clock);
  setUpCsrf(app, { secret: config.sessionSecret, secure: config.publicUrl.startsWith('https://') });
  setUpCurrentUser(app, db);
  app.use((req, res, next) => {
    // A one-off message from the previous request, shown on the next page.
    if (req.method === 'GET' && req.session.flash) {
      res.locals.flash = req.session.flash;
      delete req.session.flash;
    }
    next();
  });

  app.use(accountsRouter(services.accounts, services.signIn, services.twoFactor));
  app.use(twoFactorRouter(config, services.twoFactor));
  app.use(nilLinkRouter(services.nilLinks));
  app.use(
    '/returns',
    uploadsRouter(config, services.uploads, services.returns, services.organisations),
    returnsRouter(
      services.returns,
      services.records,
      services.organisations,
      services.queries,
      services.agreements,
    ),
  );
  app.use(
    '/dashboard',
    dashboardRouter(
      services.dashboard,
      services.alerts,
      services.scorecard,
      config.disclosure.minOrganisationsPerType,
    ),
  );
  app.use('/ccsu', casesRouter(services.cases));
  app.use(
    '/ccsu',
    collationRouter(services.collation, services.queries, services.organisations, services.exportAudit),
  );
  app.use('/ccsu', ccsuRouter(services.collation, services.summary, services.organisations));
  app.use(
    '/admin/settings',
    settingsRouter(db, deps.clock, { allowBelowMinimum: config.disclosure.allowBelowMinimum }),
  );
  app.use('/admin/organisations', organisationsRouter(services.organisations));
  app.use('/admin/agreements', agreementsAdminRouter(services.agreements));
  app.use('/admin/retention', retentionRouter(services.retention));
  app.use(
    '/organisation',
    partnerOrganisationRouter(services.organisations, services.team, services.agreements, {
      showInvitationLinks: !config.smtpUrl,
    }),
  );
  app.use(
    '/admin/users',
    usersRouter(
      services.accounts,
      services.signIn,
      services.twoFactor,
      services.team,
      services.organisations,
      {
        showInvitationLinks: !config.smtpUrl,
      },
    ),
  );
  app.use('/admin/api-tokens', apiTokensRouter(services.apiTokens, config.publicUrl));
  app.use('/admin', adminRouter(db, services.exportAudit));

  setUpErrorHandling(app);
  // A POST without a declared schema is a mistake caught here, before anyone can reach it.
  assertEveryPostValidated(routeTable(app));
  return app;
}

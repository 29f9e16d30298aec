// The web app: middleware in order, then one router per journey, from services built by services.ts.
import { exportLimits } from './lib/exports.js';
import express, { type Express } from 'express';
import { pino } from 'pino';
import { setUpSecurity } from './middleware/security.js';
import { setUpSessions } from './middleware/sessions.js';
import { setUpCsrf } from './middleware/csrf.js';
import { setUpCurrentUser } from './middleware/auth.js';
import { setUpErrorHandling } from './middleware/errors.js';
import { setUpRequestLogging } from './middleware/logging.js';
import { setUpStaticAssets } from './middleware/assets.js';
import { setUpViews } from './views.js';
import { assertEveryPostValidated } from './middleware/validation.js';
import { routeTable } from './lib/route-table.js';
import { uploadsRouter } from './uploads/routes.js';
import { checkHealth, healthRouter } from './health.js';
import { Lifecycle } from './lib/lifecycle.js';
import { accountsRouter } from './accounts/routes.js';
import { usersRouter } from './accounts/users-routes.js';
import { twoFactorRouter } from './accounts/two-factor-routes.js';
import { passkeyRouter } from './accounts/passkey-routes.js';
import { agreementsAdminRouter } from './agreements/admin-routes.js';
import { retentionRouter } from './retention/routes.js';
import { partnerOrganisationRouter } from './your-organisation/routes.js';
import { organisationsRouter } from './organisations/routes.js';
import { returnsRouter } from './returns/routes.js';
import { ccsuRouter } from './collation/home-routes.js';
import { adminRouter } from './admin/routes.js';
import { nilLinkRouter } from './reminders/nil-routes.js';
import { settingsRouter } from './settings/routes.js';
import { areasRouter } from './areas/routes.js';
import { ldisRouter } from './ldis/routes.js';
import { contextRouter } from './context/routes.js';
import { pictureRouter } from './dashboard/picture-routes.js';
import { coronersRouter } from './coroners/routes.js';
import { completenessRouter } from './dashboard/completeness-routes.js';
import { briefingRouter } from './briefing/routes.js';
import { casesRouter } from './cases/routes.js';
import { collationRouter } from './collation/routes.js';
import { dashboardRouter } from './dashboard/routes.js';
import { apiTokensRouter } from './api/tokens-routes.js';
import { feedRouter } from './api/feed.js';
import { submissionRouter } from './api/submission.js';
import { submissionKeysRouter } from './api/submission-keys-routes.js';
import { openApiDocument, operations } from './api/openapi.js';
import { PgRateLimitStore } from './middleware/rate-limit-store.js';
import { createServices, type AppDeps, type Services } from './services.js';

/** The whole web app from its dependencies: no globals, so tests pass a fake clock and a real database. */
export function createApp(deps: AppDeps, services: Services = createServices(deps)): Express {
  const { config, db } = deps;
  const logger = deps.logger ?? pino({ level: config.logLevel });
  const app = express();
  if (config.trustProxy) app.set('trust proxy', 1);

  setUpViews(app);
  app.set('exportLimits', exportLimits(config.exports.atOnce, config.exports.stallMs));
  app.locals.feedbackEmail = config.feedbackEmail;
  setUpRequestLogging(app, logger);
  setUpSecurity(app, { https: config.publicUrl.startsWith('https://') });
  setUpStaticAssets(app);
  app.use(healthRouter(() => checkHealth(deps.healthDb ?? db), deps.lifecycle ?? new Lifecycle()));
  app.get('/accessibility', (_req, res) => res.render('accessibility', { title: 'Accessibility statement' }));
  app.get('/privacy', (_req, res) =>
    res.render('privacy', {
      title: 'Privacy and cookies',
      retentionYears: config.retentionYears,
      idleMinutes: config.sessionIdleMinutes,
      maxHours: config.sessionMaxHours,
    }),
  );
  // The submission API and its description: by key, not session, so before sessions and CSRF (a key
  // in a header is not sent by a browser on its own, so a cross-site request cannot use it).
  const openApi = openApiDocument(config.publicUrl);
  app.get('/api/v1/openapi.json', (_req, res) => res.json(openApi));
  app.get('/api/v1/submission/reference', (_req, res) =>
    res.render('api/reference', { title: 'Submission API reference', doc: openApi, operations }),
  );
  app.use(
    '/api/v1/submission',
    submissionRouter({
      db,
      clock: deps.clock,
      tokens: services.apiTokens,
      organisations: services.organisations,
      returns: services.returns,
      records: services.records,
      queries: services.queries,
      rateLimitStore: new PgRateLimitStore(db, deps.clock, 'submit:'),
      secret: config.linkageSecret,
    }),
  );
  // The feed authenticates by token, not session: mounted before sessions and CSRF (it is read-only).
  app.use(
    '/api/v1',
    feedRouter(services.apiTokens, services.dashboard, services.areas, services.context, services.coroners, {
      minPerType: config.disclosure.minOrganisationsPerType,
      rateLimitStore: new PgRateLimitStore(db, deps.clock, 'feed:'),
    }),
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
    // The offer of a passkey, once, on the first page shown after signing in without one (taken when
    // the page is drawn, so a redirect on the way does not use it up).
    if (req.method === 'GET' && req.session.offerPasskey && !req.path.startsWith('/sign-in')) {
      res.locals.takePasskeyOffer = () => {
        delete req.session.offerPasskey;
        return true;
      };
    }
    next();
  });

  app.use(accountsRouter(services.accounts, services.signIn, services.twoFactor));
  app.use(twoFactorRouter(config, services.twoFactor));
  app.use(passkeyRouter(services.passkeys, services.twoFactor));
  app.use(nilLinkRouter(services.nilLinks));
  app.use(
    '/returns',
    uploadsRouter(config, services.uploads, services.returns),
    returnsRouter(services.returns, services.records, services.queries, services.agreements),
  );
  app.use('/dashboard', briefingRouter(services.briefing, services.ragUpdate, deps.clock));
  app.use(
    '/dashboard',
    completenessRouter(
      services.coroners,
      services.dashboard,
      services.alerts,
      config.disclosure.minOrganisationsPerType,
    ),
  );
  app.use(
    '/dashboard',
    pictureRouter(
      services.picture,
      services.dashboard,
      services.alerts,
      config.disclosure.minOrganisationsPerType,
    ),
  );
  app.use(
    '/dashboard',
    dashboardRouter(
      services.dashboard,
      services.alerts,
      services.scorecard,
      services.areas,
      services.ldis,
      config.disclosure.minOrganisationsPerType,
    ),
  );
  app.use('/ccsu', casesRouter(services.cases, services.coroners));
  app.use('/ccsu', areasRouter(services.areas));
  app.use('/ccsu', ldisRouter(services.ldis));
  app.use('/ccsu', contextRouter(services.context, deps.clock));
  app.use('/ccsu', coronersRouter(services.coroners, deps.clock));
  app.use(
    '/ccsu',
    collationRouter(services.collation, services.queries, services.organisations, services.exportAudit),
  );
  app.use('/ccsu', ccsuRouter(services.collation, services.summary, services.organisations));
  app.use(
    '/admin/settings',
    settingsRouter(services.settings, { allowBelowMinimum: config.disclosure.allowBelowMinimum }),
  );
  app.use('/admin/organisations', organisationsRouter(services.organisations));
  app.use('/admin/agreements', agreementsAdminRouter(services.agreements));
  app.use('/admin/retention', retentionRouter(services.retention));
  app.use('/organisation/submission-keys', submissionKeysRouter(services.apiTokens, config.publicUrl));
  app.use(
    '/organisation',
    partnerOrganisationRouter(services.organisations, services.team, services.agreements),
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
  app.use('/admin/api-tokens', apiTokensRouter(services.apiTokens, services.organisations, config.publicUrl));
  app.use('/admin', adminRouter(services.admin, services.exportAudit));

  setUpErrorHandling(app);
  // A POST without a declared schema is a mistake caught here, before anyone can reach it.
  assertEveryPostValidated(routeTable(app));
  return app;
}

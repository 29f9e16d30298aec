// The composition root: every service built once from the app's dependencies, handed to createApp, the
// server's background jobs and the tests alike.
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Clock } from './clock.js';
import type { Db } from './db/database.js';
import type { Mailer } from './mail/mailer.js';
import { purgeExpiredSessions } from './middleware/session-store.js';
import { UploadsService } from './uploads/service.js';
import { AccountsService } from './accounts/service.js';
import { SignInService } from './accounts/sign-in.js';
import { TwoFactorService } from './accounts/two-factor.js';
import { PasskeyService } from './accounts/passkeys.js';
import { remindOfExpiringKeys } from './api/key-expiry.js';
import { forgetOldRequests } from './api/idempotency.js';
import { TeamService } from './accounts/team.js';
import { AgreementsService } from './agreements/service.js';
import { RetentionService } from './retention/service.js';
import { AdminService } from './admin/service.js';
import { SettingsService } from './settings/service.js';
import { AreasService } from './areas/service.js';
import { LdisService } from './ldis/service.js';
import { ContextService } from './context/service.js';
import { PictureService } from './dashboard/picture-service.js';
import { CoronersService } from './coroners/service.js';
import { BriefingService } from './briefing/service.js';
import { RagUpdateService } from './briefing/rag-update.js';
import { OrganisationsService } from './organisations/service.js';
import { ReturnsService } from './returns/service.js';
import { RecordsService } from './returns/records-service.js';
import { RemindersService } from './reminders/service.js';
import { SummaryService } from './collation/summary.js';
import { NilLinksService } from './reminders/nil-links.js';
import { OutboxSender, defaultSenderOptions } from './mail/sender.js';
import type { Job } from './jobs/runner.js';
import { CollationService } from './collation/service.js';
import { CasesService } from './cases/service.js';
import { QueriesService } from './collation/queries.js';
import { DashboardService } from './dashboard/service.js';
import { EarlyWarningService } from './dashboard/early-warning.js';
import { ApiTokensService } from './api/tokens.js';
import { ScorecardService } from './collation/scorecard.js';
import { ExportAudit } from './audit/audit.js';
import { SmallFileReader } from './lib/small-csv.js';
import type { Lifecycle } from './lib/lifecycle.js';

export interface AppDeps {
  config: Config;
  db: Db;
  mailer: Mailer;
  clock: Clock;
  logger?: Logger;
  /** Draining after SIGTERM (the server's); a fresh one, never draining, when not given. */
  lifecycle?: Lifecycle;
  /** /health's own connection, so a busy pool does not read as a database that does not answer. */
  healthDb?: Db;
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
  alerts: EarlyWarningService;
  apiTokens: ApiTokensService;
  scorecard: ScorecardService;
  exportAudit: ExportAudit;
  twoFactor: TwoFactorService;
  passkeys: PasskeyService;
  agreements: AgreementsService;
  team: TeamService;
  retention: RetentionService;
  admin: AdminService;
  settings: SettingsService;
  areas: AreasService;
  ldis: LdisService;
  context: ContextService;
  picture: PictureService;
  coroners: CoronersService;
  briefing: BriefingService;
  ragUpdate: RagUpdateService;
}

export function createServices({ config, db, clock, mailer }: AppDeps): Services {
  const returns = new ReturnsService(db, config, clock);
  const collation = new CollationService(db, clock);
  const scorecard = new ScorecardService(db, clock, collation);
  const accounts = new AccountsService(db, config, clock);
  // CCSU's own files are read with the partners' upload limits, one at a time per instance.
  const files = new SmallFileReader({
    maxRowsRead: config.uploads.maxRows,
    maxMs: config.uploads.maxMs,
    xlsxMaxEntries: config.uploads.xlsxMaxEntries,
    xlsxMaxUncompressedBytes: config.uploads.xlsxMaxUncompressedBytes,
  });
  const areas = new AreasService(db, clock, files);
  const ldis = new LdisService(db, clock, files);
  const context = new ContextService(db, clock, files);
  const coroners = new CoronersService(db, clock, config.linkageSecret, files);
  const twoFactor = new TwoFactorService(db, config, clock);
  const dashboard = new DashboardService(db, clock, collation);
  const picture = new PictureService(db, clock, context, areas, ldis);
  const alerts = new EarlyWarningService(db, config, clock);
  return {
    accounts,
    team: new TeamService(db, clock, accounts),
    agreements: new AgreementsService(db, clock),
    retention: new RetentionService(db, config, clock),
    admin: new AdminService(db),
    settings: new SettingsService(db, clock),
    areas,
    ldis,
    context,
    picture,
    briefing: new BriefingService(
      db,
      dashboard,
      picture,
      areas,
      coroners,
      config.disclosure.minOrganisationsPerType,
    ),
    coroners,
    signIn: new SignInService(db, config, clock),
    twoFactor,
    passkeys: new PasskeyService(db, config, clock, twoFactor),
    organisations: new OrganisationsService(db, clock, config.publicUrl),
    returns,
    records: new RecordsService(db, config, clock, returns),
    reminders: new RemindersService(db, config, clock),
    summary: new SummaryService(db, config, clock, scorecard, collation, (period, disclosure) =>
      coroners.quarterLine(period, disclosure),
    ),
    nilLinks: new NilLinksService(db, clock, returns),
    collation,
    dashboard,
    alerts,
    ragUpdate: new RagUpdateService(db, collation, dashboard, alerts),
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
      name: 'submission-keys',
      everyMs: Math.max(config.jobs.intervalMs, 3_600_000),
      exclusive: true,
      run: async () => {
        await remindOfExpiringKeys(db, clock, config.publicUrl);
        await forgetOldRequests(db, clock);
      },
    },
    {
      name: 'outbox',
      everyMs: config.jobs.outboxIntervalMs,
      exclusive: false,
      run: (signal) => services.sender.sendDue(20, signal),
    },
  ];
}

// Every migration, in order. Listed statically (not read from the folder) so the same list works
// under the compiled build, tsx and jest alike.
import type { Migration } from 'kysely/migration';
import * as foundation from './2026-11-24-001-foundation.js';
import * as recordProblems from './2026-11-24-002-record-problems.js';
import * as email from './2026-11-25-003-email.js';
import * as casesQueries from './2026-11-25-004-cases-queries.js';
import * as uploads from './2026-11-25-005-uploads.js';
import * as dashboard from './2026-11-26-006-dashboard.js';
import * as secretMessages from './2026-11-26-007-secret-messages.js';
import * as signInThrottle from './2026-11-26-008-sign-in-throttle.js';
import * as twoFactor from './2026-11-26-009-two-factor.js';
import * as agreements from './2026-11-26-010-agreements.js';
import * as retention from './2026-11-26-011-retention.js';
import * as rateLimits from './2026-11-26-012-rate-limits.js';
import * as areas from './2026-11-26-013-areas.js';
import * as ldisAlerts from './2026-11-26-014-ldis-alerts.js';
import * as contextData from './2026-11-26-015-context-data.js';
import * as coronersAudit from './2026-11-26-016-coroners-audit.js';
import * as auditPreview from './2026-11-26-017-audit-preview.js';
import * as deactivatedByCcsu from './2026-12-03-018-deactivated-by-ccsu.js';
import * as alertBaseline from './2026-12-03-019-alert-baseline.js';
import * as agePopulations from './2026-12-03-020-age-populations.js';
import * as englandRates from './2026-12-03-021-england-rates.js';
import * as passkeys from './2026-12-03-022-passkeys.js';
import * as submissionKeys from './2026-12-03-023-submission-keys.js';
import * as signedVia from './2026-12-03-024-signed-via.js';
import * as unloggedRateLimits from './2026-12-03-025-unlogged-rate-limits.js';

export const migrations: Record<string, Migration> = {
  '2026-11-24-001-foundation': foundation,
  '2026-11-24-002-record-problems': recordProblems,
  '2026-11-25-003-email': email,
  '2026-11-25-004-cases-queries': casesQueries,
  '2026-11-25-005-uploads': uploads,
  '2026-11-26-006-dashboard': dashboard,
  '2026-11-26-007-secret-messages': secretMessages,
  '2026-11-26-008-sign-in-throttle': signInThrottle,
  '2026-11-26-009-two-factor': twoFactor,
  '2026-11-26-010-agreements': agreements,
  '2026-11-26-011-retention': retention,
  '2026-11-26-012-rate-limits': rateLimits,
  '2026-11-26-013-areas': areas,
  '2026-11-26-014-ldis-alerts': ldisAlerts,
  '2026-11-26-015-context-data': contextData,
  '2026-11-26-016-coroners-audit': coronersAudit,
  '2026-11-26-017-audit-preview': auditPreview,
  '2026-12-03-018-deactivated-by-ccsu': deactivatedByCcsu,
  '2026-12-03-019-alert-baseline': alertBaseline,
  '2026-12-03-020-age-populations': agePopulations,
  '2026-12-03-021-england-rates': englandRates,
  '2026-12-03-022-passkeys': passkeys,
  '2026-12-03-023-submission-keys': submissionKeys,
  '2026-12-03-024-signed-via': signedVia,
  '2026-12-03-025-unlogged-rate-limits': unloggedRateLimits,
};

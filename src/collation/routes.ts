// The CCSU's collation pages, one router per concern, all for CCSU users only.
import { Router } from 'express';
import type { ExportAudit } from '../audit/audit.js';
import { requireCcsu } from '../middleware/auth.js';
import type { OrganisationsService } from '../organisations/service.js';
import type { CollationService } from './service.js';
import type { QueriesService } from './queries.js';
import { complianceRouter } from './compliance-routes.js';
import { collatedRecordsRouter } from './records-routes.js';
import { periodsRouter } from './periods-routes.js';

export function collationRouter(
  collation: CollationService,
  queries: QueriesService,
  organisations: OrganisationsService,
  exportAudit: ExportAudit,
): Router {
  const router = Router();
  router.use(requireCcsu);
  router.use(complianceRouter(collation, exportAudit));
  router.use(collatedRecordsRouter(collation, queries, organisations, exportAudit));
  router.use(periodsRouter(collation, queries, organisations));
  return router;
}

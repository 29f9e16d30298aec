// Everything a partner does under /returns, one router per journey. Each starts from the partner's
// own organisation, so another organisation's return or record is simply not found.
import { Router } from 'express';
import { requirePartner } from '../middleware/auth.js';
import type { QueriesService } from '../collation/queries.js';
import type { RecordsService } from './records-service.js';
import type { ReturnsService } from './service.js';
import { loadPartnerOrganisation, organisationOf, returnLoaders } from './partner-context.js';
import type { AgreementsService } from '../agreements/service.js';
import { queryAnswersRouter } from './query-routes.js';
import { recordPagesRouter } from './record-routes.js';
import { returnRouter } from './return-routes.js';

export function returnsRouter(
  returns: ReturnsService,
  records: RecordsService,
  queries: QueriesService,
  agreements: AgreementsService,
): Router {
  const router = Router();
  router.use(requirePartner, loadPartnerOrganisation());
  // The pages that submit say so when the organisation has not accepted the data-sharing agreement.
  router.use(async (req, res, next) => {
    if (/^\/\d{4}-\d{2}(?:\/(?:check|submit|nil))?$/.test(req.path))
      res.locals.agreement = await agreements.statusFor(organisationOf(res));
    next();
  });
  const loaders = returnLoaders(returns);
  router.use(queryAnswersRouter(queries));
  router.use(recordPagesRouter(records, returns, loaders));
  router.use(returnRouter(returns, queries, loaders));
  return router;
}

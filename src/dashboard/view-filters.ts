// What every dashboard page reads first: who is looking (CCSU exact, everyone else through disclosure
// control) and the filters from the URL, with a partner's "reported by" filter refused where too few
// organisations of that kind report to hide which one did.
import type { Request } from 'express';
import { currentUser } from '../middleware/auth.js';
import { toFormErrors } from '../middleware/validation.js';
import * as ref from '../domain/reference.js';
import type { User } from '../db/types.js';
import { filtersQueryString, readFilters, tooFewMessage } from './filters.js';
import type { DashboardService } from './service.js';

export const isCcsu = (user: User) => user.role === 'ccsu_analyst' || user.role === 'ccsu_admin';

export async function dashboardView(req: Request, dashboard: DashboardService, minPerType: number) {
  const user = currentUser(req);
  const { filters, errors, query } = readFilters(req.query, dashboard.currentPeriod());
  const exact = isCcsu(user);
  const types = exact ? ref.codesOf(ref.organisationTypes) : await dashboard.typesForPartners(minPerType);
  if (filters.organisationType && !types.includes(filters.organisationType)) {
    delete filters.organisationType;
    errors.push({ field: 'organisation_type', message: tooFewMessage(minPerType) });
  }
  const formErrors = toFormErrors(errors);
  return {
    user,
    exact,
    filters,
    query,
    queryString: filtersQueryString(filters),
    errors: formErrors.list.length ? formErrors : undefined,
    typeOptions: ref.organisationTypes.filter(([code]) => types.includes(code)),
    audience: await dashboard.audienceFor(exact),
  };
}

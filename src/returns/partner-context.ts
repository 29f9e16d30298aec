// What every partner page under /returns starts from: the signed-in partner's organisation, and the
// return (and record) named in the URL, which must be that organisation's own.
import type { NextFunction, Request, Response } from 'express';
import type { Organisation, RecordRow } from '../db/types.js';
import { formatPeriod } from '../domain/periods.js';
import { HttpError } from '../lib/http-error.js';
import { partnerOrganisationOf } from '../middleware/auth.js';
import type { ReturnDetail, ReturnsService } from './service.js';

/** Puts the partner's organisation (read with the user) on res.locals for the partner pages' views. */
export function loadPartnerOrganisation() {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.organisation ??= partnerOrganisationOf(req);
    next();
  };
}

export function organisationOf(res: Response): Organisation {
  return res.locals.organisation as Organisation;
}

export interface ReturnLoaders {
  /** The period's return for this organisation, or 404: every return route starts here. */
  loadReturn(req: Request, res: Response): Promise<ReturnDetail>;
  /** The return and one of its records, or 404. */
  loadRecord(req: Request, res: Response): Promise<{ detail: ReturnDetail; record: RecordRow }>;
  /** A change to a return that cannot change is refused (the pages never offer it). */
  requireEditable(detail: ReturnDetail): void;
  /** A page for changing a submitted or locked return sends the user back to it, saying why. */
  editableOrBack(req: Request, res: Response, detail: ReturnDetail): boolean;
}

export function returnLoaders(returns: ReturnsService): ReturnLoaders {
  const loadReturn = async (req: Request, res: Response): Promise<ReturnDetail> => {
    const page = Math.min(100_000, Math.max(1, Number.parseInt(String(req.query.page ?? '1'), 10) || 1));
    const detail = await returns.detail(organisationOf(res), String(req.params.period), page);
    if (!detail) throw new HttpError(404);
    res.locals.detail = detail;
    res.locals.monthName = formatPeriod(detail.period);
    return detail;
  };
  return {
    loadReturn,
    async loadRecord(req, res) {
      const detail = await loadReturn(req, res);
      const record = await returns.record(detail, Number(req.params.id));
      if (!record) throw new HttpError(404);
      return { detail, record };
    },
    requireEditable(detail) {
      if (!detail.editable) throw new HttpError(403, 'return not editable');
    },
    editableOrBack(req, res, detail) {
      if (detail.editable) return true;
      req.session.flash = detail.locked
        ? 'This return is locked. Contact the County Community Safety Unit if it needs to change'
        : 'This return has been submitted. To change it, amend the return';
      res.redirect(`/returns/${detail.period}`);
      return false;
    },
  };
}

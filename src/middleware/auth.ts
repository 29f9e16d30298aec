import type { NextFunction, Request, Response, Express } from 'express';
import type { Db } from '../db/database.js';
import { sql } from 'kysely';
import type { Organisation, User, UserRole } from '../db/types.js';

/** An organisation row as JSON: its time is text. */
type OrganisationJson = Omit<Organisation, 'created_at'> & { created_at: string };
import { HttpError } from '../lib/http-error.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: User;
      /** A partner's own organisation, read with the user. */
      userOrganisation?: Organisation;
    }
  }
}

/** Loads the signed-in user on every request; a deactivated user is signed out at once. */
export function setUpCurrentUser(app: Express, db: Db): void {
  app.use(async (req, res, next) => {
    const userId = req.session?.userId;
    if (userId !== undefined) {
      // A partner's organisation comes in the same statement: nearly every partner page needs it.
      const row = await db
        .selectFrom('users')
        .leftJoin('organisations', 'organisations.id', 'users.organisation_id')
        .selectAll('users')
        .select(sql<OrganisationJson | null>`to_jsonb(organisations.*)`.as('organisation_row'))
        .where('users.id', '=', userId)
        .executeTakeFirst();
      if (row && row.status === 'active') {
        const { organisation_row: organisation, ...user } = row;
        req.user = user;
        if (organisation)
          req.userOrganisation = { ...organisation, created_at: new Date(organisation.created_at) };
        res.locals.user = user;
      } else {
        delete req.session.userId;
      }
    }
    next();
  });
}

/** The signed-in partner's own organisation (read with the user), or 403 for anyone without one. */
export function partnerOrganisationOf(req: Request): Organisation {
  if (!req.userOrganisation) throw new HttpError(403);
  return req.userOrganisation;
}

/** Sends anyone not signed in to the sign-in page, and anyone without the role to a 403. */
export function requireRole(...roles: UserRole[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) {
      // A form sent after the session ended: say so, and keep the page (the browser keeps what was
      // typed) rather than redirect and lose it. The form's token still works after signing in again.
      if (req.method === 'POST') throw new HttpError(401);
      const returnTo = req.method === 'GET' ? `?returnTo=${encodeURIComponent(req.originalUrl)}` : '';
      res.redirect(`/sign-in${returnTo}`);
      return;
    }
    if (!roles.includes(req.user.role)) throw new HttpError(403);
    next();
  };
}

export const requirePartner = requireRole('partner');
export const requireCcsu = requireRole('ccsu_analyst', 'ccsu_admin');
export const requireAdmin = requireRole('ccsu_admin');
export const requireSignedIn = requireRole('partner', 'ccsu_analyst', 'ccsu_admin');

/** The signed-in user, for handlers behind requireRole. */
export function currentUser(req: Request): User {
  if (!req.user) throw new HttpError(401);
  return req.user;
}

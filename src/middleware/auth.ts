import type { NextFunction, Request, Response, Express } from 'express';
import type { Db } from '../db/database.js';
import type { User, UserRole } from '../db/types.js';
import { HttpError } from '../lib/http-error.js';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      user?: User;
    }
  }
}

/** Loads the signed-in user on every request; a deactivated user is signed out at once. */
export function setUpCurrentUser(app: Express, db: Db): void {
  app.use(async (req, res, next) => {
    const userId = req.session?.userId;
    if (userId !== undefined) {
      const user = await db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
      if (user && user.status === 'active') {
        req.user = user;
        res.locals.user = user;
      } else {
        delete req.session.userId;
      }
    }
    next();
  });
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

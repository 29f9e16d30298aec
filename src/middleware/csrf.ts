import type { Express } from 'express';
import { csrfSync } from 'csrf-sync';

/**
 * Synchroniser-token CSRF protection on every POST: the token lives in the session and every form
 * carries it as `_csrf` (views read it from res.locals.csrfToken).
 */
export function setUpCsrf(app: Express): void {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (req.body as Record<string, string> | undefined)?._csrf,
  });
  app.use((req, res, next) => {
    res.locals.csrfToken = generateToken(req);
    next();
  });
  app.use(csrfSynchronisedProtection);
}

import type { Express } from 'express';
import { csrfSync } from 'csrf-sync';

/**
 * Synchroniser-token CSRF protection on every POST: the token lives in the session and every form
 * carries it as `_csrf` (views read it from res.locals.csrfToken).
 */
export function setUpCsrf(app: Express): void {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    // A file upload's body is read after this check, so its form carries the token in the action URL.
    getTokenFromRequest: (req) =>
      (req.body as Record<string, string> | undefined)?._csrf ??
      (req.is('multipart/form-data') && typeof req.query._csrf === 'string' ? req.query._csrf : undefined),
  });
  app.use((req, res, next) => {
    res.locals.csrfToken = generateToken(req);
    next();
  });
  app.use(csrfSynchronisedProtection);
}

import type { Express, NextFunction, Request, Response } from 'express';
import { isDatabaseUnavailable } from '../db/database.js';
import { HttpError } from '../lib/http-error.js';
import { safeError } from '../lib/safe-error.js';

const titles: Record<number, string> = {
  400: 'There is a problem with your request',
  401: 'You have been signed out',
  403: 'You do not have permission to see this page',
  404: 'Page not found',
  409: 'This has already been done',
  413: 'The file is too large',
  429: 'Too many attempts',
  503: 'Sorry, the service is unavailable',
};

/** One error handler: users see a plain page, the log gets the detail, nobody sees a stack trace. */
export function setUpErrorHandling(app: Express): void {
  app.use((_req, _res, next) => next(new HttpError(404)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const e = err as { status?: number; statusCode?: number; code?: string };
    let status = err instanceof HttpError ? err.status : (e.status ?? e.statusCode ?? 500);
    if (e.code === 'EBADCSRFTOKEN') status = 403;
    if (isDatabaseUnavailable(err)) status = 503;
    if (status < 400 || status > 599) status = 500;
    if (status >= 500) req.log?.error({ err: safeError(err) }, 'request failed');
    if (res.headersSent) {
      // Half a page (a streamed export cut by a database error) must not look complete: the connection
      // is cut, so the browser reports a failed download instead of saving a short file.
      res.destroy();
      return;
    }
    const csrf = e.code === 'EBADCSRFTOKEN';
    if (status === 503) res.setHeader('Retry-After', '10');
    res.status(status).render('errors/error', {
      title: csrf
        ? 'Your form has expired'
        : (titles[status] ?? 'Sorry, there is a problem with the service'),
      status,
      csrf,
      explanation: err instanceof HttpError ? err.explanation : undefined,
    });
  });
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { cookieValue } from '../lib/cookies.js';

export class CsrfError extends Error {
  readonly code = 'EBADCSRFTOKEN';
  readonly status = 403;
}

function tokenFrom(req: Request): string | undefined {
  const body = (req.body as Record<string, unknown> | undefined)?._csrf;
  return typeof body === 'string' ? body : undefined;
}

const ID = /^[\w-]{43}$/;

/** The only forms sent as multipart (a file upload): their token is checked by the upload itself. */
const FILE_UPLOADS = [
  /^\/returns\/\d{4}-\d{2}\/upload$/,
  /^\/ccsu\/areas\/populations$/,
  /^\/ccsu\/ldis\/upload$/,
  /^\/ccsu\/context\/[a-z]+$/,
  /^\/ccsu\/coroners$/,
];

/**
 * Checks a file-upload form's token. The body of a multipart form is read after the CSRF middleware,
 * so the upload route calls this from multer's file filter — the token field comes before the file in
 * the form, so a request without a good token is refused before the file is read — and again after
 * (a form sent without a file).
 */
export function formTokenValid(res: Response): boolean {
  const check = res.locals.formTokenValid as (() => boolean) | undefined;
  return check?.() ?? false;
}

/**
 * CSRF protection on every POST: a signed double-submit cookie. Each browser gets a random id in an
 * HttpOnly, SameSite cookie (`__Host-` prefixed over HTTPS, so no other subdomain can set it); every form
 * carries HMAC(secret, id), which another site can neither read nor compute.
 *
 * The token belongs to the browser, not to the session, for two reasons: showing the sign-in page
 * writes no session row, and a user whose session ended while a form was open can sign in again in
 * another tab, go back, and send what they typed — the form's token is still good.
 */
export function setUpCsrf(app: Express, options: { secret: string; secure: boolean }): void {
  const cookieName = options.secure ? '__Host-drd.form' : 'drd.form';
  const tokenFor = (id: string) =>
    createHmac('sha256', options.secret).update(`form:${id}`).digest('base64url');

  const browserId = (req: Request) => {
    const id = cookieValue(req, cookieName);
    return id !== undefined && ID.test(id) ? id : undefined;
  };
  const verify = (req: Request) => {
    const id = browserId(req);
    const expected = id ? Buffer.from(tokenFor(id)) : undefined;
    const given = Buffer.from(tokenFrom(req) ?? '');
    return !!expected && given.length === expected.length && timingSafeEqual(given, expected);
  };

  app.use((req: Request, res: Response, next: NextFunction) => {
    let id = browserId(req);
    if (req.method === 'POST') {
      const deferred = req.is('multipart/form-data') && FILE_UPLOADS.some((path) => path.test(req.path));
      if (!deferred && !verify(req)) return next(new CsrfError('invalid csrf token'));
      res.locals.formTokenValid = () => verify(req);
    }
    if (!id) {
      id = randomBytes(32).toString('base64url');
      res.cookie(cookieName, id, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/' });
    }
    res.locals.csrfToken = tokenFor(id);
    next();
  });
}

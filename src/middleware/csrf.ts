import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';

class CsrfError extends Error {
  readonly code = 'EBADCSRFTOKEN';
  readonly status = 403;
}

function cookieValue(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

function tokenFrom(req: Request): string | undefined {
  const body = (req.body as Record<string, unknown> | undefined)?._csrf;
  if (typeof body === 'string') return body;
  // A file upload's body is read after this check, so its form carries the token in the action URL.
  if (req.is('multipart/form-data') && typeof req.query._csrf === 'string') return req.query._csrf;
  return undefined;
}

const ID = /^[\w-]{43}$/;

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

  app.use((req: Request, res: Response, next: NextFunction) => {
    let id = cookieValue(req, cookieName);
    if (id !== undefined && !ID.test(id)) id = undefined;
    if (req.method === 'POST') {
      const expected = id ? Buffer.from(tokenFor(id)) : undefined;
      const given = Buffer.from(tokenFrom(req) ?? '');
      if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return next(new CsrfError('invalid csrf token'));
      }
    }
    if (!id) {
      id = randomBytes(32).toString('base64url');
      res.cookie(cookieName, id, { httpOnly: true, sameSite: 'lax', secure: options.secure, path: '/' });
    }
    res.locals.csrfToken = tokenFor(id);
    next();
  });
}

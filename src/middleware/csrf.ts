import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Express, NextFunction, Request, Response } from 'express';
import { csrfSync } from 'csrf-sync';
import { SESSION_COOKIE } from './sessions.js';

const ANONYMOUS_COOKIE = 'drd.form';

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

/**
 * CSRF protection on every POST. Signed in: a synchroniser token kept in the session. Not signed in
 * (sign-in, password reset, a nil-return link): a token derived from a random browser cookie with the
 * server's secret (a signed double-submit cookie), so showing the sign-in page writes no session row.
 */
export function setUpCsrf(app: Express, options: { secret: string; secure: boolean }): void {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => tokenFrom(req),
  });
  const anonymousToken = (id: string) =>
    createHmac('sha256', options.secret).update(`anonymous-form:${id}`).digest('base64url');

  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.session.userId !== undefined) {
      res.locals.csrfToken = generateToken(req);
      return csrfSynchronisedProtection(req, res, next);
    }
    let id = cookieValue(req, ANONYMOUS_COOKIE);
    if (req.method === 'POST') {
      const expected = id && /^[\w-]{43}$/.test(id) ? Buffer.from(anonymousToken(id)) : undefined;
      const given = Buffer.from(tokenFrom(req) ?? '');
      if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        // A signed-in user whose session ended while the form was open is told so, not "form expired".
        res.locals.sessionEnded = cookieValue(req, SESSION_COOKIE) !== undefined;
        return next(new CsrfError('invalid csrf token'));
      }
    }
    if (!id || !/^[\w-]{43}$/.test(id)) {
      id = randomBytes(32).toString('base64url');
      res.cookie(ANONYMOUS_COOKIE, id, { httpOnly: true, sameSite: 'lax', secure: options.secure });
    }
    res.locals.csrfToken = anonymousToken(id);
    next();
  });
}

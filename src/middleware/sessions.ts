import type { Express } from 'express';
import session from 'express-session';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { PgSessionStore } from './session-store.js';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** When the user signed in (ms): the absolute lifetime counts from here. */
    signedInAt?: number;
    flash?: string;
  }
}

export const SESSION_COOKIE = 'drd.sid';
/** How long before the absolute limit every page warns that the session is about to end. */
const WARN_BEFORE_MS = 15 * 60_000;

/**
 * Sessions in PostgreSQL. Idle limit from the last request, absolute limit from sign-in, both enforced
 * by the store. No row is written for a visitor who is not signed in unless there is something to keep
 * (a flash message): the sign-in form's CSRF token does not live in the session (see csrf.ts).
 */
export function setUpSessions(app: Express, config: Config, db: Db, clock: Clock): void {
  const idleMs = config.sessionIdleMinutes * 60_000;
  const maxMs = config.sessionMaxHours * 3_600_000;
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: config.sessionSecret,
      store: new PgSessionStore(db, clock, { idleMs, maxMs }),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.publicUrl.startsWith('https://'),
        // The browser keeps the cookie for the longest a session can last; the store decides when it
        // ends, so a request after the end can be told "you were signed out" rather than "form expired".
        maxAge: maxMs,
      },
    }),
  );
  app.use((req, res, next) => {
    const signedInAt = req.session.signedInAt;
    if (req.session.userId !== undefined && signedInAt !== undefined) {
      const endsAt = signedInAt + maxMs;
      if (endsAt - clock.now().getTime() <= WARN_BEFORE_MS) {
        res.locals.sessionEndsAt = new Date(endsAt);
        res.locals.sessionMaxHours = config.sessionMaxHours;
      }
    }
    next();
  });
  // express-session writes a response's headers before its save has finished, so a browser following a
  // redirect can ask for the next page before the session row is committed: the user just signed in
  // would be sent back to sign in, or a flash message lost. A session with something in it is saved
  // first (the store sets the expiry from the time of the save, so this never shortens it).
  app.use((req, res, next) => {
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      const s = req.session;
      if (s?.userId === undefined && s?.pendingUserId === undefined && s?.flash === undefined)
        return redirect(...args);
      req.session.save((err) => (err ? next(err) : redirect(...args)));
    }) as typeof res.redirect;
    next();
  });
}

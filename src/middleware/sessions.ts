import type { Express } from 'express';
import session from 'express-session';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import { PgSessionStore } from './session-store.js';

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    flash?: string;
    /** The last invitation link, shown once to the admin who made it. */
    invitedLink?: string;
  }
}

/** Sessions in PostgreSQL with an idle timeout: each request pushes the expiry forward. */
export function setUpSessions(app: Express, config: Config, db: Db): void {
  const idleMs = config.sessionIdleMinutes * 60_000;
  app.use(
    session({
      name: 'drd.sid',
      secret: config.sessionSecret,
      store: new PgSessionStore(db, idleMs),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      cookie: {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.publicUrl.startsWith('https://'),
        maxAge: idleMs,
      },
    }),
  );
  // express-session writes a response's headers before its save has finished, so a browser following a
  // redirect can ask for the next page before the session row is committed: the user just signed in
  // would be sent back to sign in, or a flash message lost. A signed-in session is saved first.
  app.use((req, res, next) => {
    const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
    res.redirect = ((...args: unknown[]) => {
      if (req.session?.userId === undefined) return redirect(...args);
      req.session.save((err) => (err ? next(err) : redirect(...args)));
    }) as typeof res.redirect;
    next();
  });
}

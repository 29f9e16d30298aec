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
}

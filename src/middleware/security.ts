import type { Express } from 'express';
import helmet from 'helmet';

/** Security headers with a CSP that allows no inline script or style at all. */
export function setUpSecurity(app: Express, options: { https: boolean }): void {
  app.disable('x-powered-by');
  // Pages are personal and never cached, so an ETag (a hash of every response body) buys nothing.
  app.set('etag', false);
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
          ...(options.https ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: options.https,
      // The same rule as frame-ancestors 'none', for browsers that only know the older header.
      xFrameOptions: { action: 'deny' },
    }),
  );
  // Pages show personal-adjacent data: never cache them in shared or browser caches.
  app.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
}

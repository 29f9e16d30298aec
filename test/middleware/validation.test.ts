// Every POST declares its schema: a route registered without validate() stops the app at start-up,
// and a button's form (no fields) is declared as such.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { Router } from 'express';
import { z } from 'zod';
import { assertEveryPostValidated, validate, validateNoFields } from '../../src/middleware/validation.js';
import { routeTable } from '../../src/lib/route-table.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('the start-up check on POST routes', () => {
  it('when a mounted router has a POST without validate() then the check names its full path', () => {
    const app = express();
    const inner = Router();
    inner.post('/:id/forgotten', (_req, res) => res.end());
    inner.post('/:id/declared', validateNoFields(), (_req, res) => res.end());
    inner.post(
      '/:id/form',
      validate(z.object({ a: z.string() }), () => undefined),
      (_req, res) => res.end(),
    );
    app.use('/things', inner);
    expect(() => assertEveryPostValidated(routeTable(app))).toThrow(
      'POST routes without validate(): /things/:id/forgotten',
    );
  });

  it('when the real app is built then every POST it has passed the check, and the table sees them all', () => {
    const routes = routeTable(t.app).map((r) => `${r.method} ${r.path}`);
    // The check ran inside createApp; the table it read reaches into nested routers.
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /returns/:period/submit',
        'POST /returns/:period/upload',
        'POST /returns/:period/records/:id/:section',
        'POST /ccsu/periods/:period/lock',
        'POST /admin/users/:id/unlock',
        'GET /dashboard',
      ]),
    );
    expect(routes.filter((r) => r.startsWith('POST')).length).toBeGreaterThan(30);
  });
});

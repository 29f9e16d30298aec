// The one error handler: a failure after the response has begun cuts the connection, so a download
// that broke half way fails in the browser instead of saving a short file that looks complete.
import { describe, expect, it } from '@jest/globals';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { setUpErrorHandling } from '../../src/middleware/errors.js';

describe('an error after the headers were sent', () => {
  it('when a streamed response fails half way then the connection is closed, not left open', async () => {
    const app = express();
    app.get('/export.csv', (_req, res, next) => {
      res.setHeader('Content-Type', 'text/csv');
      res.write('a,b\n1,2\n');
      setTimeout(() => next(new Error('the database went away')), 20);
    });
    setUpErrorHandling(app);
    const server = app.listen(0);
    try {
      const { port } = server.address() as AddressInfo;
      const outcome = await fetch(`http://127.0.0.1:${port}/export.csv`)
        .then((r) => r.text())
        .then(
          () => 'complete',
          () => 'cut',
        );
      // Cut, not completed: a client reading the export knows it is incomplete (a hang would meet Jest's timeout).
      expect(outcome).toBe('cut');
    } finally {
      server.close();
    }
  });
});

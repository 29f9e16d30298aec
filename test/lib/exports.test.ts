// Exports within limits: a few at a time per instance (the next waits its turn, and is told to try
// again after waiting too long), and one whose reader stops reading is stopped and lets go of its rows.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { exportLimits, streamCsv } from '../../src/lib/exports.js';
import { HttpError } from '../../src/lib/http-error.js';

const servers: Server[] = [];
const released: string[] = [];

async function* rows(name: string, count: number) {
  try {
    for (let i = 0; i < count; i += 1) yield { n: i, text: 'x'.repeat(40) };
  } finally {
    released.push(name); // as a database cursor gives its connection back
  }
}

/** An app with one export route, under the given limits; its address. */
function serve(limits: ReturnType<typeof exportLimits>): string {
  const app = express();
  app.set('exportLimits', limits);
  app.get('/export/:name', async (req, res, next) => {
    try {
      await streamCsv(
        res,
        'x.csv',
        [
          { header: 'n', value: (r: { n: number }) => r.n },
          { header: 'text', value: (r: { text: string }) => r.text },
        ],
        rows(req.params.name, Number(req.query.rows ?? 1_000)),
      );
    } catch (error) {
      if (error instanceof HttpError && !res.headersSent) res.status(error.status).send(error.explanation);
      else next(error);
    }
  });
  const server = app.listen(0);
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let base: string;
beforeAll(() => {
  // One export at a time; stopped after 0.4 s without progress; the next waits up to 20 s — far longer
  // than the stall needs, so a busy machine (Jest workers in parallel) cannot turn the wait into a refusal:
  // what is checked is the order (stalled one stopped, then the next runs whole), not how fast.
  base = serve(exportLimits(1, 400, 20_000));
});
afterAll(() => servers.forEach((s) => s.close()));

function open(path: string, at = base): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => httpRequest(`${at}${path}`, resolve).on('error', reject).end());
}

async function readAll(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('exports within limits', () => {
  it('when a reader stops reading then its export is stopped, lets go of its rows, and the next export runs whole', async () => {
    // Far more than the sockets' buffers hold, so the writer must wait for the reader.
    const stalled = await open('/export/stalled?rows=3000000');
    stalled.pause(); // a client that never reads on
    // Only one at a time: the second waits its turn, then runs once the stalled one is stopped.
    const next = readAll(await open('/export/next?rows=200000'));
    // Stopped by the server once nothing has been taken for the stall time (0.4 s here).
    for (let waited = 0; waited < 20_000 && !released.includes('stalled'); waited += 50)
      await new Promise((r) => setTimeout(r, 50));
    expect(released).toContain('stalled');
    stalled.destroy();
    const csv = await next;
    expect(csv.trim().split('\n')).toHaveLength(200_001);
    expect(released).toContain('next');
  });

  it('when an export waits longer than its turn allows then it is told to try again and opens no rows', async () => {
    // One at a time, a slow reader allowed 10 s, and the next waiting at most 0.3 s.
    const patient = serve(exportLimits(1, 10_000, 300));
    const holding = await open('/export/holding?rows=3000000', patient);
    holding.pause();
    const refused = await open('/export/refused', patient);
    expect(refused.statusCode).toBe(503);
    expect(await readAll(refused)).toContain('Try again in a minute');
    expect(released).not.toContain('refused');
    holding.destroy();
  });
});

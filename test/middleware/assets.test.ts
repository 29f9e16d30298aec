// Static files: pages link to fingerprinted addresses, served for a year (immutable) and precompressed
// for browsers that accept brotli or gzip; a changed file gets a new address.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as cheerio from 'cheerio';
import request from 'supertest';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let server: Server;
beforeAll(async () => {
  t = await createTestApp();
  server = t.app.listen(0);
});
afterAll(async () => {
  server.close();
  await t.close();
});

/** The bytes as sent, not unpacked by a client library. */
function raw(path: string, acceptEncoding: string): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) =>
    get({ port, path, headers: { 'accept-encoding': acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject),
  );
}

describe('static files', () => {
  it('when a page is served then its stylesheet and scripts are fingerprinted, cached for a year and sent compressed', async () => {
    const $ = cheerio.load((await request(t.app).get('/sign-in')).text);
    const css = $('link[rel="stylesheet"]').attr('href')!;
    expect(css).toMatch(/^\/static\/[0-9a-f]{12}\/app\.css$/);
    expect($('script[type="module"]').attr('src')).toMatch(/^\/static\/[0-9a-f]{12}\/app\.js$/);

    const plain = await raw(css, 'identity');
    const br = await raw(css, 'gzip, deflate, br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toContain('Accept-Encoding');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    process.stdout.write(`stylesheet: ${plain.body.length} bytes, ${br.body.length} with brotli\n`);
    const gz = await raw(css, 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
  });

  it('when an address has another file’s fingerprint then it is not found, and plain names still answer briefly cached', async () => {
    expect((await request(t.app).get('/static/000000000000/app.css')).status).toBe(404);
    expect((await request(t.app).get('/static/abc/../../package.json')).status).toBe(404);
    const plain = await request(t.app).get('/assets/govuk/govuk-frontend.min.js');
    expect(plain.status).toBe(200);
    expect(plain.headers['cache-control']).toBe('public, max-age=3600');
  });
});

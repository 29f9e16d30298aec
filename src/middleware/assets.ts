// The service's static files. Pages link to each by a fingerprinted address (/static/<hash>/<name>),
// served with a year's immutable caching and, to browsers that accept it, precompressed with brotli or
// gzip (the stylesheet is 139 KB as sent before, about 20 KB compressed): a partner's first page on a
// phone costs a fraction, and later pages nothing. The plain addresses still answer (with a short cache)
// for anything that asks for them by name, such as app.js's import of GOV.UK Frontend's script.
import express, { type Express, type Request, type Response } from 'express';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const root = process.cwd();
const govuk = path.join(root, 'node_modules/govuk-frontend/dist/govuk');

/** Each asset by its public name: where it comes from and what it is. */
const sources: Record<string, { file: () => string | undefined; type: string }> = {
  'app.css': { file: () => builtStylesheet(), type: 'text/css; charset=utf-8' },
  'app.js': { file: () => path.join(root, 'src/assets/app.js'), type: 'text/javascript; charset=utf-8' },
  'charts.js': {
    file: () => path.join(root, 'src/assets/charts.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'chart.umd.min.js': {
    file: () => path.join(root, 'node_modules/chart.js/dist/chart.umd.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'passkeys.js': {
    file: () => path.join(root, 'src/assets/passkeys.js'),
    type: 'text/javascript; charset=utf-8',
  },
  // @simplewebauthn/browser's own bundle (the global SimpleWebAuthnBrowser), served here, not from a CDN.
  'simplewebauthn-browser.js': {
    file: () => path.join(root, 'node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'favicon.svg': { file: () => path.join(root, 'src/assets/favicon.svg'), type: 'image/svg+xml' },
  'govuk/govuk-frontend.min.js': {
    file: () => path.join(govuk, 'govuk-frontend.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
};

function builtStylesheet(): string | undefined {
  const built = path.join(root, 'dist/public/app.css');
  return existsSync(built) ? built : undefined;
}

interface Asset {
  hash: string;
  type: string;
  body: Buffer;
  br: Buffer;
  gzip: Buffer;
}

const loaded = new Map<string, Asset | null>();

/** An asset read, fingerprinted and compressed once; null when it is not built (running from source). */
function asset(name: string): Asset | null {
  if (!loaded.has(name)) {
    const source = sources[name];
    const file = source?.file();
    if (!source || !file) loaded.set(name, null);
    else {
      const body = readFileSync(file);
      loaded.set(name, {
        hash: createHash('sha256').update(body).digest('hex').slice(0, 12),
        type: source.type,
        body,
        br: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        gzip: gzipSync(body, { level: 9 }),
      });
    }
  }
  return loaded.get(name)!;
}

/** The address pages use for an asset: fingerprinted when it is built, its plain name otherwise. */
export function assetPath(name: string): string {
  const found = asset(name);
  return found ? `/static/${found.hash}/${name}` : `/assets/${name}`;
}

function send(req: Request, res: Response, found: Asset, cacheControl: string): void {
  const accepts = String(req.headers['accept-encoding'] ?? '');
  const [encoding, body] = /\bbr\b/.test(accepts)
    ? ['br', found.br]
    : /\bgzip\b/.test(accepts)
      ? ['gzip', found.gzip]
      : [undefined, found.body];
  res.set('Content-Type', found.type).set('Cache-Control', cacheControl).set('Vary', 'Accept-Encoding');
  if (encoding) res.set('Content-Encoding', encoding);
  res.send(body);
}

let sourceCss: string | undefined;
/** Running from source without a build: the stylesheet compiled once (Sass is large, so loaded late). */
async function compiledStylesheet(): Promise<string> {
  if (sourceCss === undefined) {
    const sass = await import('sass');
    sourceCss = sass.compile(path.join(root, 'src/assets/app.scss'), {
      importers: [new sass.NodePackageImporter()],
      style: 'compressed',
      quietDeps: true,
    }).css;
  }
  return sourceCss;
}

export function setUpStaticAssets(app: Express): void {
  app.locals.assetPath = assetPath;
  // Fingerprinted: the address changes whenever the file does, so it can be kept for a year.
  app.get('/static/:hash/*name', (req, res) => {
    const name = (req.params as { name: string[] }).name.join('/');
    const found = asset(name);
    if (!found || found.hash !== req.params.hash) return res.status(404).type('text').send('Not found');
    send(req, res, found, 'public, max-age=31536000, immutable');
  });
  // By plain name: a short cache, since the same address will serve the next version.
  for (const name of Object.keys(sources))
    app.get(`/assets/${name}`, async (req, res) => {
      const found = asset(name);
      if (found) return send(req, res, found, 'public, max-age=3600');
      res
        .type('text/css')
        .set('Cache-Control', 'no-cache')
        .send(await compiledStylesheet());
    });
  app.get('/favicon.ico', (_req, res) => res.redirect(301, assetPath('favicon.svg')));
  app.use('/assets/govuk/images', express.static(path.join(govuk, 'assets/images'), { maxAge: '1d' }));
}

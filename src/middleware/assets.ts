import express, { type Express } from 'express';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = process.cwd();

let css: string | undefined;
/**
 * The stylesheet: built by `npm run build`, or compiled once on first request when running from source.
 * Sass is imported only then: it is large (about 50 MB resident) and a built server never needs it.
 */
async function stylesheet(): Promise<string> {
  if (css === undefined) {
    const built = path.join(root, 'dist/public/app.css');
    if (existsSync(built)) css = readFileSync(built, 'utf8');
    else {
      const sass = await import('sass');
      css = sass.compile(path.join(root, 'src/assets/app.scss'), {
        importers: [new sass.NodePackageImporter()],
        style: 'compressed',
        quietDeps: true,
      }).css;
    }
  }
  return css;
}

export function setUpStaticAssets(app: Express): void {
  const govuk = path.join(root, 'node_modules/govuk-frontend/dist/govuk');
  const cache = { maxAge: '1d', immutable: false };
  app.get('/assets/app.css', async (_req, res) => {
    res
      .type('text/css')
      .set('Cache-Control', 'public, max-age=3600')
      .send(await stylesheet());
  });
  app.get('/assets/app.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').sendFile(path.join(root, 'src/assets/app.js'));
  });
  app.get('/assets/favicon.svg', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').sendFile(path.join(root, 'src/assets/favicon.svg'));
  });
  // Charts are drawn in the browser from the data table beside each one (see charts.js).
  app.get('/assets/chart.umd.min.js', (_req, res) => {
    res
      .set('Cache-Control', 'public, max-age=86400')
      .sendFile(path.join(root, 'node_modules/chart.js/dist/chart.umd.min.js'));
  });
  app.get('/assets/charts.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').sendFile(path.join(root, 'src/assets/charts.js'));
  });
  app.get('/favicon.ico', (_req, res) => res.redirect(301, '/assets/favicon.svg'));
  app.use('/assets/govuk/images', express.static(path.join(govuk, 'assets/images'), cache));
  app.get('/assets/govuk/govuk-frontend.min.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=86400').sendFile(path.join(govuk, 'govuk-frontend.min.js'));
  });
}

// Production build: transpile TypeScript 1:1 with esbuild (type-checking is `npm run typecheck`)
// and compile the GOV.UK Frontend stylesheet. Fast enough to run before every `npm start`.
import { build } from 'esbuild';
import * as sass from 'sass';
import { globSync, mkdirSync, writeFileSync } from 'node:fs';

const entryPoints = globSync(['src/**/*.ts', 'migrations/**/*.ts', 'bench/**/*.ts']);
await build({
  entryPoints,
  outdir: 'dist',
  outbase: '.',
  platform: 'node',
  format: 'esm',
  target: 'node24',
  sourcemap: 'linked',
  logLevel: 'warning',
});

const css = sass.compile('src/assets/app.scss', {
  importers: [new sass.NodePackageImporter()],
  style: 'compressed',
  quietDeps: true,
});
mkdirSync('dist/public', { recursive: true });
writeFileSync('dist/public/app.css', css.css);

// Builds the pages: bundles web/src/pages/*.ts to ES2017 for old phones and copies web/static.
// Output: web/dist (served by the relay and by `firebase deploy --only hosting`).
import { build } from 'esbuild';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
const dist = join(web, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
cpSync(join(web, 'static'), dist, { recursive: true });
const pages = readdirSync(join(web, 'src', 'pages')).filter((f) => f.endsWith('.ts'));
await build({
  entryPoints: pages.map((p) => join(web, 'src', 'pages', p)),
  outdir: dist,
  bundle: true,
  minify: true,
  target: 'es2017',
  format: 'iife',
  logLevel: 'warning',
});

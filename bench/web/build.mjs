// Builds the ttff benchmark's own pages into bench/web/dist (not committed): type-checks
// bench/web with tsc (strict), bundles hook.ts, floor.ts and peerjs.ts with esbuild like the
// product's pages (minified ES2017 IIFEs), and copies the HTML files. Run by bench/run.sh ttff.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', here], { stdio: 'inherit' });
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
await build({
  entryPoints: ['hook', 'floor', 'peerjs'].map((n) => join(here, n + '.ts')),
  outdir: dist,
  bundle: true,
  minify: true,
  target: 'es2017',
  format: 'iife',
  legalComments: 'none',
  logLevel: 'warning',
});
for (const f of ['floor.html', 'peerjs.html']) copyFileSync(join(here, f), join(dist, f));
console.log('bench web build: wrote bench/web/dist');

// Builds the pages into web/dist (served by the relay and by `firebase deploy --only hosting`):
// 1. type-checks web/src with tsc (strict; any error fails the build),
// 2. bundles each web/src/pages/*.ts (and the on-demand chunks: QR scanner, motion) with esbuild to
//    minified ES2017 IIFEs for old phones,
// 3. copies web/static and draws the PNG icons the manifest needs,
// 4. prints each bundle's size and fails when the camera page's JS exceeds 40 KB gzipped.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { PNG } from 'pngjs';

const CAMERA_LIMIT_GZ = 40 * 1024;
const web = dirname(fileURLToPath(import.meta.url));
const dist = join(web, 'dist');
const require = createRequire(import.meta.url);

function fail(message) {
  console.error('web build: ' + message);
  process.exit(1);
}

// 1. Types.
const tsc = require.resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', web], { stdio: 'inherit' });
} catch {
  fail('type errors (see above).');
}

// 2. Bundles.
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });
const pages = readdirSync(join(web, 'src', 'pages')).filter((f) => f.endsWith('.ts'));
const entryPoints = { scan: join(web, 'src', 'chunks', 'scan.ts'), motion: join(web, 'src', 'chunks', 'motion.ts') };
for (const p of pages) entryPoints[p.replace(/\.ts$/, '')] = join(web, 'src', 'pages', p);
try {
  await build({
    entryPoints,
    outdir: dist,
    bundle: true,
    minify: true,
    target: 'es2017',
    format: 'iife',
    legalComments: 'none',
    logLevel: 'warning',
  });
} catch {
  fail('esbuild failed (see above).');
}

// 3. Static files and icons.
cpSync(join(web, 'static'), dist, { recursive: true });
for (const size of [192, 512]) writeFileSync(join(dist, 'icon-' + size + '.png'), icon(size));
for (const p of pages) {
  const html = p.replace(/\.ts$/, '.html');
  try {
    readFileSync(join(dist, html));
  } catch {
    fail('web/static/' + html + ' is missing for page ' + p + '.');
  }
}

// 4. Sizes.
let tooBig = false;
for (const f of readdirSync(dist).filter((f) => f.endsWith('.js')).sort()) {
  const raw = readFileSync(join(dist, f));
  const gz = gzipSync(raw, { level: 9 }).length;
  console.log(`  ${f.padEnd(12)} ${(raw.length / 1024).toFixed(1).padStart(6)} KB  ${(gz / 1024).toFixed(1).padStart(5)} KB gzipped`);
  if (f === 'camera.js' && gz > CAMERA_LIMIT_GZ) tooBig = true;
}
if (tooBig) fail('camera.js is over the 40 KB gzipped budget.');
console.log('web build: wrote web/dist');

/** The app icon (same drawing as static/icon.svg) as a PNG, 4× supersampled. */
function icon(size) {
  const png = new PNG({ width: size, height: size });
  const u = size / 64;
  const inRound = (x, y, x0, y0, w, h, r) => {
    const cx = Math.min(Math.max(x, x0 + r), x0 + w - r);
    const cy = Math.min(Math.max(y, y0 + r), y0 + h - r);
    return x >= x0 && x <= x0 + w && y >= y0 && y <= y0 + h && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  const inTri = (x, y) => x >= 44 && x <= 54 && y >= 28 - ((x - 44) * 6) / 10 && y <= 36 + ((x - 44) * 6) / 10;
  const colour = (x, y) => {
    if (!inRound(x, y, 0, 0, 64, 64, 14)) return null;
    const d = (x - 26) ** 2 + (y - 32) ** 2;
    if (d <= 9) return [255, 255, 255];
    if (d <= 49) return [26, 115, 232];
    if (inRound(x, y, 10, 20, 32, 24, 5) || inTri(x, y)) return [255, 255, 255];
    return [26, 115, 232];
  };
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const c = colour((px + (sx + 0.5) / 4) / u, (py + (sy + 0.5) / 4) / u);
          if (c) { r += c[0]; g += c[1]; b += c[2]; a++; }
        }
      }
      const i = (py * size + px) * 4;
      png.data[i] = a ? r / a : 0;
      png.data[i + 1] = a ? g / a : 0;
      png.data[i + 2] = a ? b / a : 0;
      png.data[i + 3] = Math.round((a / 16) * 255);
    }
  }
  return PNG.sync.write(png);
}

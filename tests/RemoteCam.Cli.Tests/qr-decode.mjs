// Decodes a QR code with jsQR (an independent decoder), for the CLI's tests.
//   node qr-decode.mjs REPO_ROOT png FILE            a PNG image (read with pngjs)
//   node qr-decode.mjs REPO_ROOT text FILE dark|light  a QR code drawn in a terminal with half blocks
// Prints the decoded text on stdout; exits 1 with the reason on stderr when nothing decodes.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [root, kind, file, theme] = process.argv.slice(2);
const require = createRequire(join(root, 'package.json'));
let jsQR, PNG;
try {
  jsQR = require('jsqr');
  ({ PNG } = require('pngjs'));
} catch (e) {
  console.error(`jsqr/pngjs not found under ${root}/node_modules: run 'npm ci' there (${e.message})`);
  process.exit(2);
}

function fromPng(path) {
  const png = PNG.sync.read(readFileSync(path));
  return { data: new Uint8ClampedArray(png.data), width: png.width, height: png.height };
}

// Each character is one module wide and two modules high: '█' both halves in the terminal's text
// colour, '▀' the upper, '▄' the lower, ' ' neither (background). Text is light on a dark theme.
function fromTerminal(path, theme) {
  const lines = readFileSync(path, 'utf8').split('\n').filter((line) => line.length > 0);
  const text = theme === 'light' ? 0 : 255;
  const background = 255 - text;
  const scale = 4;
  const columns = Math.max(...lines.map((line) => [...line].length));
  const width = columns * scale;
  const height = lines.length * 2 * scale;
  const data = new Uint8ClampedArray(width * height * 4);
  lines.forEach((line, row) => {
    const chars = [...line];
    for (let column = 0; column < columns; column++) {
      const c = chars[column] ?? ' ';
      if (!' ▀▄█'.includes(c)) throw new Error(`unexpected character ${JSON.stringify(c)} in the terminal QR code`);
      const halves = [c === '█' || c === '▀', c === '█' || c === '▄'];
      halves.forEach((lit, half) => {
        const value = lit ? text : background;
        for (let y = 0; y < scale; y++) {
          for (let x = 0; x < scale; x++) {
            const i = (((row * 2 + half) * scale + y) * width + column * scale + x) * 4;
            data[i] = data[i + 1] = data[i + 2] = value;
            data[i + 3] = 255;
          }
        }
      });
    }
  });
  return { data, width, height };
}

const image = kind === 'png' ? fromPng(file) : fromTerminal(file, theme);
// No inversion attempts: a code drawn for the wrong theme must fail to decode.
const code = jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' });
if (!code) {
  console.error(`no QR code found in ${file}`);
  process.exit(1);
}
process.stdout.write(code.data);
